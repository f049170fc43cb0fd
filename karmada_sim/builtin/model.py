"""The built-in model's shapes: a `KindModel` per served kind, `KindRules` per interpreted kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from karmada_sim.builtin.schema import Schema

JsonDict = dict[str, Any]

AGE = {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}


@dataclass(frozen=True)
class KindModel:
    """A served kind: API identity, names, printer columns and its compact schema.

    `versions` lists the served versions, the preferred (storage) one first; older versions
    share the preferred version's schema in the built-in model. `crd` selects the CRD
    behaviour (schema defaults apply, `return_deleted_object`) versus a built-in registry's.
    """

    group: str
    versions: tuple[str, ...]
    plural: str
    kind: str
    namespaced: bool
    has_status: bool
    schema: Schema
    crd: bool = True
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    columns: tuple[JsonDict, ...] = ()
    # Older served versions' printer columns, when they differ from `columns` ({} when none).
    old_columns: tuple[JsonDict, ...] | None = None
    extra_subresources: tuple[str, ...] = ()


Rule = Callable[..., Any]


@dataclass(frozen=True)
class KindRules:
    """Karmada's interpreter operations for one kind, as pure functions on plain dicts.

    Each takes and returns JSON-shaped values exactly as Karmada's Lua sees and returns them
    (karmada_sim/builtin/lua.py shapes the arguments and results): aggregate_status(desired,
    items), interpret_health(observed) -> bool, reflect_status(observed), get_components(desired),
    get_dependencies(desired), get_replicas(desired) -> (replicas, requirements),
    revise_replica(desired, replicas).
    """

    aggregate_status: Rule | None = None
    interpret_health: Rule | None = None
    reflect_status: Rule | None = None
    get_components: Rule | None = None
    get_dependencies: Rule | None = None
    get_replicas: Rule | None = None
    revise_replica: Rule | None = None
    # Which upstream file the rules were written from (for messages and docs).
    source: str = field(default="", compare=False)

    def operations(self) -> set[str]:
        """Karmada operation names this kind has a rule for (InterpretHealth, ...)."""
        names = {
            "aggregate_status": "AggregateStatus",
            "interpret_health": "InterpretHealth",
            "reflect_status": "InterpretStatus",
            "get_components": "InterpretComponent",
            "get_dependencies": "InterpretDependency",
            "get_replicas": "InterpretReplica",
            "revise_replica": "ReviseReplica",
        }
        return {op for attr, op in names.items() if getattr(self, attr) is not None}


InterpreterRules = dict[tuple[str, str], KindRules]
