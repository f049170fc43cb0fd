"""The Lua runner's gopher-lua/Karmada semantics, and Kubernetes quantities."""

from __future__ import annotations

import pytest

from karmada_sim.karmada.luavm import EMPTY, LuaScriptError, LuaVM, fix_empty
from karmada_sim.karmada.pod_requirements import pod_dependencies, replica_requirements
from karmada_sim.karmada.quantity import Quantity, quantities_equal


@pytest.fixture(scope="module")
def vm() -> LuaVM:
    return LuaVM()


def test_arguments_are_json_shaped_and_results_come_back(vm: LuaVM) -> None:
    script = "function F(o) return o.a.b[2], o.missing == nil, #o.list end"
    assert vm.run(script, "F", 3, {"a": {"b": [1, 2.5]}, "missing": None, "list": [1, 2, 3]}) \
        == [2.5, True, 3]


def test_integral_numbers_come_back_as_ints(vm: LuaVM) -> None:
    assert vm.run("function F() return 3, 2.5 end", "F", 2) == [3, 2.5]
    assert isinstance(vm.run("function F() return 3 end", "F", 1)[0], int)


def test_empty_tables_follow_karmadas_fix_up(vm: LuaVM) -> None:
    [result] = vm.run("function F(o) o.status = {conditions = {}, extra = {}} "
                      "o.spec.keep = {} return o end", "F", 1,
                      {"spec": {"keep": {}, "list": []}})
    assert result["status"] == {"conditions": EMPTY, "extra": EMPTY}
    reference = {"spec": {"keep": {}, "list": []}, "status": {"conditions": []}}
    assert fix_empty(result, [reference], root_is_struct=True) == {
        "spec": {"keep": {}, "list": []},
        "status": {"conditions": []}}
    # without references every empty table is dropped; an empty root becomes {} or []
    assert fix_empty(result, [], root_is_struct=True) == {"spec": {}, "status": {}}
    assert fix_empty(EMPTY, [], root_is_struct=True) == {}
    assert fix_empty(EMPTY, [], root_is_struct=False) == []


def test_pairs_follows_insertion_order_like_gopher_lua(vm: LuaVM) -> None:
    script = """
    function F()
      local t = {}
      t.zeta = 1; t.alpha = 2; t.mid = 3; t.beta = 4
      local out = {}
      for k, _ in pairs(t) do table.insert(out, k) end
      return out
    end"""
    assert vm.run(script, "F", 1) == [["zeta", "alpha", "mid", "beta"]]


def test_sandbox_refuses_unsafe_functions(vm: LuaVM) -> None:
    with pytest.raises(LuaScriptError, match="not supported in karmada"):
        vm.run("function F() return loadstring('return 1') end", "F", 1)
    assert vm.run("function F() return io == nil, python == nil end", "F", 2) == [True, True]


def test_missing_function_and_bad_result(vm: LuaVM) -> None:
    with pytest.raises(LuaScriptError, match="not found function G"):
        vm.run("function F() end", "G", 1)
    with pytest.raises(LuaScriptError, match="sparse array"):
        vm.run("function F() local t = {} t[1] = 1 t[3] = 3 return t end", "F", 1)


def test_kube_library(vm: LuaVM) -> None:
    script = """
    local kube = require("kube")
    function F(pod)
      return kube.resourceAdd("1", "500m"), kube.resourceAdd("1Gi", "512Mi"),
             kube.accuratePodRequirements(pod), kube.getPodDependencies(pod, nil),
             kube.getResourceQuantity("1500m")
    end"""
    pod = {"spec": {"serviceAccountName": "sa", "containers": [
        {"name": "c", "resources": {"limits": {"cpu": "2", "nvidia.com/gpu": "1"}},
         "envFrom": [{"configMapRef": {"name": "cm"}}]}]}}
    cpu, memory, requirements, deps, quantity = vm.run(script, "F", 5, pod)
    assert (cpu, memory, quantity) == ("1500m", "1536Mi", 1.5)
    assert requirements == {"resourceRequest": {"cpu": "2", "nvidia.com/gpu": "1"}}
    assert [(d["kind"], d["name"], d["namespace"]) for d in deps] == [
        ("ConfigMap", "cm", "default"), ("ServiceAccount", "sa", "default")]


def test_pod_requirements_init_containers_overhead_and_node_claim() -> None:
    template = {"spec": {
        "nodeSelector": {"gpu": "a100"},
        "containers": [{"resources": {"requests": {"cpu": "1", "memory": "1Gi"}}},
                       {"resources": {"requests": {"cpu": "500m"}}}],
        "initContainers": [{"resources": {"requests": {"cpu": "4"}}}],
        "overhead": {"memory": "128Mi"}}}
    assert replica_requirements(template) == {
        "nodeClaim": {"nodeSelector": {"gpu": "a100"}},
        "resourceRequest": {"cpu": "4", "memory": "1152Mi"}}
    assert replica_requirements({"spec": {"containers": [{}]}}) is None


def test_pod_dependencies_cover_volumes_env_and_pull_secrets() -> None:
    template = {"spec": {
        "imagePullSecrets": [{"name": "pull"}],
        "volumes": [{"secret": {"secretName": "vol"}}, {"configMap": {"name": "cfg"}},
                    {"persistentVolumeClaim": {"claimName": "data"}},
                    {"projected": {"sources": [{"secret": {"name": "proj"}}]}}],
        "containers": [{"env": [{"valueFrom": {"secretKeyRef": {"name": "env"}}}]}],
        "serviceAccountName": "default"}}
    kinds = [(d["kind"], d["name"]) for d in pod_dependencies(template, "ns")]
    assert kinds == [("ConfigMap", "cfg"), ("Secret", "env"), ("Secret", "proj"),
                     ("Secret", "pull"), ("Secret", "vol"), ("PersistentVolumeClaim", "data")]


@pytest.mark.parametrize("text,milli,canonical", [
    ("500m", 500, "500m"), ("2", 2000, "2"), ("1.5", 1500, "1500m"), ("2Gi", None, "2Gi"),
    ("1e3", 1000000, "1e3"), ("1500e-3", 1500, "1500e-3"), ("0.1", 100, "100m"),
    ("1536Mi", None, "1536Mi"),
])
def test_quantities(text: str, milli: int | None, canonical: str) -> None:
    q = Quantity.parse(text)
    if milli is not None:
        assert q.milli_value() == milli
    assert str(q) == canonical


def test_quantity_equality_and_errors() -> None:
    assert quantities_equal("1Gi", "1073741824")
    assert quantities_equal("0.5", "500m")
    with pytest.raises(ValueError):
        Quantity.parse("lots")
