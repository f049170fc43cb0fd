"""Helpers shared by the operator models (karmada_sim.members.kinds)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from karmada_sim.karmada.pod_requirements import pod_request_totals
from karmada_sim.members.lifecycle import Run, RunPolicy
from karmada_sim.members.pods import PodPlan
from karmada_sim.members.scenario import Scenario

Iso = Callable[[float], str]


class KindModel(Protocol):
    """What an operator does with its workload: run policy, pods, status."""

    def policy(self, obj: dict[str, Any]) -> RunPolicy: ...
    def pods(self, obj: dict[str, Any], run: Run) -> list[PodPlan]: ...
    def status(self, obj: dict[str, Any], run: Run, scenario: Scenario, iso: Iso
               ) -> dict[str, Any]: ...


def owner_reference(obj: dict[str, Any]) -> dict[str, Any]:
    meta = obj["metadata"]
    return {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": meta["name"],
            "uid": meta.get("uid", ""), "controller": True, "blockOwnerDeletion": True}


def as_float(value: Any) -> float | None:
    return float(value) if value is not None else None


def replica_count(spec: dict[str, Any], key: str = "replicas") -> int:
    value = spec.get(key)
    try:
        return int(value) if value is not None else 1
    except (TypeError, ValueError):
        return 1


def with_attempt(name: str, run: Run) -> str:
    return name if run.attempt == 0 else f"{name}{run.attempt}"


def pod_total_requests(plans: list[PodPlan]) -> dict[str, int]:
    """Summed requests of a set of pods."""
    totals: dict[str, int] = {}
    for plan in plans:
        for k, v in pod_request_totals(plan.template.get("spec") or {}).amounts.items():
            totals[k] = totals.get(k, 0) + v
    return totals
