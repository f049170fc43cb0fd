"""Every Karmada third-party testdata case through the simulator's interpreter.

Mirrors karmada's pkg/resourceinterpreter/default/thirdparty/thirdparty_test.go: each
``testdata/*.yaml`` document names an operation, its inputs and the expected output; the
comparison rules follow its ``deepEqual`` (quantities compared by value, dependencies and
components sorted, ``{{EXCLUDE}}`` fields ignored).
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from karmada_sim.karmada.interpreter import ResourceInterpreter, reference_dir
from karmada_sim.karmada.quantity import quantities_equal

TESTDATA = sorted((reference_dir() / "karmada-thirdparty").glob("*/*/*/testdata/*.yaml"))
EXCLUDE = "{{EXCLUDE}}"


def _cases() -> list[Any]:
    params = []
    for path in TESTDATA:
        rel = path.relative_to(reference_dir() / "karmada-thirdparty")
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                params.append(pytest.param(doc, id=f"{rel}::{doc['name']}"))
    return params


CASES = _cases()


@pytest.fixture(scope="module")
def interpreter() -> ResourceInterpreter:
    return ResourceInterpreter()


def _strip_excluded(expected: Any, actual: Any) -> tuple[Any, Any]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        exp: dict[str, Any] = {}
        act: dict[str, Any] = {}
        for key, value in expected.items():
            if value == EXCLUDE:
                continue
            exp[key], act_value = _strip_excluded(value, actual.get(key))
            if key in actual:
                act[key] = act_value
        for key, value in actual.items():
            if key not in expected:
                act[key] = value
        return exp, act
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        pairs = [_strip_excluded(e, a) for e, a in zip(expected, actual, strict=True)]
        return [p[0] for p in pairs], [p[1] for p in pairs]
    return expected, actual


def _component(c: dict[str, Any]) -> dict[str, Any]:
    req = c.get("replicaRequirements") or {}
    out: dict[str, Any] = {"name": c.get("name", ""), "replicas": int(c.get("replicas") or 0)}
    projected = {k: req[k] for k in ("nodeClaim", "namespace", "priorityClassName") if req.get(k)}
    if req.get("resourceRequest"):
        projected["resourceRequest"] = req["resourceRequest"]
    if projected:
        out["replicaRequirements"] = projected
    return out


def _components_equal(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> bool:
    exp = sorted((_component(c) for c in expected), key=lambda c: c["name"])
    act = sorted((_component(c) for c in actual), key=lambda c: c["name"])
    if len(exp) != len(act):
        return False
    for e, a in zip(exp, act, strict=True):
        e_req = dict(e.get("replicaRequirements") or {})
        a_req = dict(a.get("replicaRequirements") or {})
        e_res, a_res = e_req.pop("resourceRequest", {}), a_req.pop("resourceRequest", {})
        if (e["name"], e["replicas"], e_req) != (a["name"], a["replicas"], a_req):
            return False
        if set(e_res) != set(a_res) or not all(
            quantities_equal(e_res[k], a_res[k]) for k in e_res
        ):
            return False
    return True


def _dependency_key(d: dict[str, Any]) -> tuple[str, ...]:
    return (d.get("apiVersion", ""), d.get("kind", ""), d.get("namespace", ""), d.get("name", ""))


def _subject(case: dict[str, Any]) -> dict[str, Any]:
    # RuleArgs.getObjectOrError: the desired object if given, else the observed one.
    obj = case.get("desiredObj") or case.get("observedObj")
    assert isinstance(obj, dict)
    return obj


def test_every_thirdparty_testdata_file_is_found() -> None:
    # 6 kinds; a missing reference dir would silently produce zero cases.
    assert len(TESTDATA) == 23
    assert len(CASES) == 136


@pytest.mark.parametrize("case", CASES)
def test_thirdparty_case_matches_karmada(
    case: dict[str, Any], interpreter: ResourceInterpreter
) -> None:
    operation = case["operation"]
    output = case.get("output") or {}
    if operation == "AggregateStatus":
        got = interpreter.aggregate_status(_subject(case), case.get("statusItems"))
        expected, actual = _strip_excluded(output["aggregatedStatus"], got)
        assert actual == expected
    elif operation == "InterpretHealth":
        assert interpreter.interpret_health(_subject(case)) is output["healthy"]
    elif operation == "InterpretStatus":
        assert interpreter.reflect_status(_subject(case)) == output["status"]
    elif operation == "InterpretComponent":
        got_components = interpreter.get_components(_subject(case))
        assert got_components is not None
        assert _components_equal(output["components"], got_components), got_components
    elif operation == "InterpretDependency":
        got_deps = interpreter.get_dependencies(_subject(case))
        assert sorted(map(_dependency_key, got_deps)) == sorted(
            map(_dependency_key, output["dependencies"])
        )
    else:  # pragma: no cover - a new operation in the testdata must be wired up here
        pytest.fail(f"unhandled operation {operation}")
