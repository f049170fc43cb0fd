"""The compiled "valid?" answer (jsonschema-rs) and jsonschema's walk give the same verdict.

`SchemaCheck` (karmada_sim/openapi_schema.py) trusts jsonschema-rs when it says "valid" and
asks jsonschema for the errors otherwise, so a disagreement in one direction would let an
invalid object in. Held here over every kind the product creates: the manifest matrix of
tests/workloads/test_manifest_matrix.py, as built, then with hypothesis mutations (a wrong
type, null, a removed field, a bad enum value, an unknown field at a random place), on the
built-in model's schemas (no reference data needed) and, where present, the upstream CRDs.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from karmada_sim.openapi_schema import ResourceSchema
from tests.karmada_sim.builtin_differential import (
    REFERENCE,
    builtin_types,
    preferred_by_kind,
    upstream_types,
)

WRONG = [7, -1, 2.5, 0, 2**70, "text", "", "Always ", True, False, [], ["x"], [None], {},
         {"k": "v"}, {"zzUnknown": 1}, None]


@functools.cache
def manifests() -> list[dict[str, Any]]:
    from tests.workloads.helpers import manifests_for
    from tests.workloads.test_manifest_matrix import VARIANTS, _job_id, _request

    return [m for name, data in VARIANTS
            for m in manifests_for(_request(data), job_id=_job_id(name)).all()]


def schemas_for(obj: dict[str, Any]) -> list[ResourceSchema]:
    key = (str(obj.get("apiVersion")), str(obj.get("kind")))
    sources = [builtin_types()] + ([upstream_types()] if REFERENCE is not None else [])
    found = [preferred_by_kind(types).get(key) for types in sources]
    return [t.schema for t in found if t is not None and t.schema is not None]


def assert_same_verdict(obj: dict[str, Any]) -> int:
    compared = 0
    for schema in schemas_for(obj):
        prepared = schema.prune(schema.apply_defaults(copy.deepcopy(obj)))
        slow = list(schema.check.full_errors(prepared))
        fast = schema.check.is_valid_fast(prepared)
        assert fast is not None, "jsonschema-rs gave no verdict"
        assert fast == (not slow), (obj.get("kind"), fast, [e.message for e in slow][:3])
        compared += 1
    return compared


def test_every_built_manifest_is_valid_on_both() -> None:
    kinds = set()
    for manifest in manifests():
        assert assert_same_verdict(manifest) >= 1, manifest.get("kind")
        kinds.add(manifest["kind"])
    # Every kind the product creates was compared, not only some.
    assert {"RayJob", "PyTorchJob", "TFJob", "MPIJob", "JAXJob", "Job",
            "PropagationPolicy"} <= kinds


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    items = node.items() if isinstance(node, dict) else (
        enumerate(node) if isinstance(node, list) else ())
    for key, value in items:
        if prefix or key not in ("apiVersion", "kind"):
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    obj = copy.deepcopy(draw(st.sampled_from(manifests())))
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(obj))
        if not paths:
            break  # every field but apiVersion/kind was removed: nothing left to mutate
        path = draw(st.sampled_from(paths))
        parent: Any = obj
        for part in path[:-1]:
            parent = parent[part]
        op = draw(st.sampled_from(["replace", "remove", "add"]))
        if op == "replace":
            parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(WRONG)))
        elif op == "remove":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["zzUnknown", "x"]))] = draw(st.sampled_from(WRONG))
        else:
            parent.append(copy.deepcopy(draw(st.sampled_from(WRONG))))
    return obj


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_mutated_manifests_get_the_same_verdict(obj: dict[str, Any]) -> None:
    assert_same_verdict(obj)


@pytest.mark.parametrize("value", WRONG)
def test_a_wrong_value_at_the_replica_count_is_refused_by_both(value: Any) -> None:
    """A field both must refuse for most values: the verdicts are also the *right* ones."""
    job = next(m for m in manifests() if m["kind"] == "PyTorchJob")
    obj = copy.deepcopy(job)
    obj["spec"]["pytorchReplicaSpecs"]["Master"]["replicas"] = value
    schema = schemas_for(obj)[0]
    prepared = schema.prune(schema.apply_defaults(obj))
    valid = not list(schema.check.full_errors(prepared))
    assert schema.check.is_valid_fast(prepared) == valid
    # null is refused too: replicas is not nullable and has no default to take its place.
    assert valid == (isinstance(value, int) and not isinstance(value, bool))
