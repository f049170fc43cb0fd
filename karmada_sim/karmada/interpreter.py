"""Karmada's resource interpreter: user customizations, built-in third-party Lua, native rules.

Precedence as in karmada (pkg/resourceinterpreter/interpreter.go): a user-installed
``ResourceInterpreterCustomization`` (declarative) first, then the built-in third-party
customizations, then the native default interpreter (here: batch/v1 Job, and whole-status
reflection for every other kind).

The third-party customizations come either from the upstream files
(karmada-thirdparty/<group>/<version>/<Kind>/customizations.yaml, run with the real Lua:
``ResourceInterpreter(load_thirdparty(directory))``) or from the built-in model's Python rules
(``ResourceInterpreter(builtin=karmada_sim.builtin.interpreter_rules())``), which see and return
values shaped as the Lua bridge shapes them (karmada_sim/builtin/lua.py).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from karmada_sim.builtin import lua as lua_shape
from karmada_sim.builtin.model import InterpreterRules, Rule
from karmada_sim.karmada import native_job
from karmada_sim.karmada.luavm import EMPTY, LuaVM, fix_empty, shared_vm
from karmada_sim.reference import reference_dir as shared_reference_dir

# customizations.<field> -> (Lua function, karmada operation name)
OPERATIONS = {
    "InterpretReplica": ("replicaResource", "GetReplicas"),
    "InterpretComponent": ("componentResource", "GetComponents"),
    "ReviseReplica": ("replicaRevision", "ReviseReplica"),
    "Retain": ("retention", "Retain"),
    "AggregateStatus": ("statusAggregation", "AggregateStatus"),
    "InterpretStatus": ("statusReflection", "ReflectStatus"),
    "InterpretHealth": ("healthInterpretation", "InterpretHealth"),
    "InterpretDependency": ("dependencyInterpretation", "GetDependencies"),
}
_JOB = ("batch/v1", "Job")
_NATIVE_HOOKS = {
    _JOB: {"InterpretReplica", "ReviseReplica", "AggregateStatus", "InterpretStatus",
           "InterpretDependency", "Retain"},
}


def reference_dir() -> Path:
    """The k8s-reference directory (``K8S_REFERENCE_DIR`` or ``../shared/k8s-reference``)."""
    return shared_reference_dir(None)


Scripts = dict[tuple[str, str], dict[str, str]]


def _scripts_of(customization: dict[str, Any]) -> tuple[tuple[str, str], dict[str, str]]:
    spec = customization.get("spec") or {}
    target = spec.get("target") or {}
    key = (str(target.get("apiVersion", "")), str(target.get("kind", "")))
    scripts: dict[str, str] = {}
    for operation, (field, _fn) in OPERATIONS.items():
        script = ((spec.get("customizations") or {}).get(field) or {}).get("luaScript")
        if script:
            scripts[operation] = script
    return key, scripts


def load_thirdparty(directory: Path | None = None) -> Scripts:
    """Built-in customizations from karmada-thirdparty/*/*/*/customizations.yaml."""
    base = (directory or reference_dir()) / "karmada-thirdparty"
    scripts: Scripts = {}
    for path in sorted(base.glob("*/*/*/customizations.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                key, found = _scripts_of(doc)
                scripts.setdefault(key, {}).update(found)
    return scripts


class ResourceInterpreter:
    """Interpret workloads the way karmada-controller-manager does."""

    def __init__(
        self,
        thirdparty: Scripts | None = None,
        vm: LuaVM | None = None,
        *,
        builtin: InterpreterRules | None = None,
    ) -> None:
        """Lua third-party ``thirdparty`` scripts (default: load them), or ``builtin`` rules."""
        if thirdparty is None:
            thirdparty = load_thirdparty() if builtin is None else {}
        self._thirdparty = thirdparty
        self._builtin: InterpreterRules = builtin or {}
        self._user: Scripts = {}
        self._vm = vm or shared_vm()

    def set_user_customizations(self, customizations: list[dict[str, Any]]) -> None:
        """Replace the user-installed ResourceInterpreterCustomizations (from the store)."""
        user: Scripts = {}
        for item in sorted(customizations, key=lambda c: c.get("metadata", {}).get("name", "")):
            key, found = _scripts_of(item)
            for operation, script in found.items():
                user.setdefault(key, {}).setdefault(operation, script)
        self._user = user

    def _script(self, api_version: str, kind: str, operation: str) -> str | None:
        key = (api_version, kind)
        return (self._user.get(key) or {}).get(operation) or (
            self._thirdparty.get(key) or {}
        ).get(operation)

    _RULE_FIELDS = {
        "AggregateStatus": "aggregate_status",
        "InterpretHealth": "interpret_health",
        "InterpretStatus": "reflect_status",
        "InterpretComponent": "get_components",
        "InterpretDependency": "get_dependencies",
        "InterpretReplica": "get_replicas",
        "ReviseReplica": "revise_replica",
    }

    def _rule(self, api_version: str, kind: str, operation: str) -> Rule | None:
        """The built-in model's rule, unless a user customization overrides it."""
        if (self._user.get((api_version, kind)) or {}).get(operation):
            return None
        rules = self._builtin.get((api_version, kind))
        if rules is None:
            return None
        field = self._RULE_FIELDS.get(operation)  # no Python rule for Retain
        rule: Rule | None = getattr(rules, field) if field else None
        return rule

    def hook_enabled(self, api_version: str, kind: str, operation: str) -> bool:
        """Whether any interpreter handles ``operation`` for this kind."""
        if self._script(api_version, kind, operation) or self._rule(api_version, kind, operation):
            return True
        if operation == "InterpretStatus":
            return True  # native default: reflect the whole status
        return operation in _NATIVE_HOOKS.get((api_version, kind), set())

    @staticmethod
    def _key(obj: dict[str, Any]) -> tuple[str, str]:
        return str(obj.get("apiVersion", "")), str(obj.get("kind", ""))

    # -- operations ----------------------------------------------------------------------------
    def aggregate_status(
        self, obj: dict[str, Any], items: list[dict[str, Any]] | None
    ) -> dict[str, Any]:
        """The template with its status aggregated from ``status.aggregatedStatus[]`` items."""
        rule = self._rule(*self._key(obj), "AggregateStatus")
        if rule is not None:
            shaped = None if items is None else lua_shape.arg(items)
            return dict(lua_shape.result(rule(lua_shape.arg(obj), shaped)))
        script = self._script(*self._key(obj), "AggregateStatus")
        if script:
            result = self._vm.run(script, "AggregateStatus", 1, obj, items)[0]
            return dict(fix_empty(result, [], root_is_struct=True))
        if self._key(obj) == _JOB:
            return native_job.aggregate_job_status(obj, items or [])
        return copy.deepcopy(obj)

    def interpret_health(self, obj: dict[str, Any]) -> bool | None:
        """True/False from the health hook; None when the kind has none (treated Healthy)."""
        rule = self._rule(*self._key(obj), "InterpretHealth")
        if rule is not None:
            healthy = rule(lua_shape.arg(obj))
            if not isinstance(healthy, bool):
                raise TypeError(f"result type {type(healthy).__name__} is not bool")
            return healthy
        script = self._script(*self._key(obj), "InterpretHealth")
        if not script:
            return None
        result = self._vm.run(script, "InterpretHealth", 1, obj)[0]
        if not isinstance(result, bool):
            raise TypeError(f"result type {type(result).__name__} is not bool")
        return result

    def reflect_status(self, obj: dict[str, Any]) -> dict[str, Any] | None:
        """What goes into ``aggregatedStatus[].status`` for a member object."""
        rule = self._rule(*self._key(obj), "InterpretStatus")
        if rule is not None:
            reflected = lua_shape.result(rule(lua_shape.arg(obj)))
            return reflected if isinstance(reflected, dict) else None
        script = self._script(*self._key(obj), "InterpretStatus")
        if script:
            result = self._vm.run(script, "ReflectStatus", 1, obj)[0]
            if result is None or (not isinstance(result, dict | list) and result is not EMPTY):
                raise TypeError("expect the returned status type is table")
            fixed = fix_empty(result, [], root_is_struct=True)
            return fixed if isinstance(fixed, dict) else None
        if self._key(obj) == _JOB:
            return native_job.reflect_job_status(obj)
        status = obj.get("status")
        return copy.deepcopy(status) if status is not None else None

    def get_components(self, obj: dict[str, Any]) -> list[dict[str, Any]] | None:
        """componentResource result; None when the kind has no such hook."""
        rule = self._rule(*self._key(obj), "InterpretComponent")
        if rule is not None:
            found = rule(lua_shape.arg(obj))
            return [] if found is None else list(lua_shape.result(found, root_is_struct=False))
        script = self._script(*self._key(obj), "InterpretComponent")
        if not script:
            return None
        result = self._vm.run(script, "GetComponents", 1, obj)[0]
        if result is None:
            return []
        return list(fix_empty(result, [], root_is_struct=False))

    def get_dependencies(self, obj: dict[str, Any]) -> list[dict[str, Any]]:
        """Dependent ConfigMaps/Secrets/ServiceAccounts/PVCs; [] for kinds without a rule."""
        script = self._script(*self._key(obj), "InterpretDependency")
        rule = self._rule(*self._key(obj), "InterpretDependency")
        if rule is not None:
            deps = list(lua_shape.result(rule(lua_shape.arg(obj)), root_is_struct=False))
        elif script:
            result = self._vm.run(script, "GetDependencies", 1, obj)[0]
            deps = list(fix_empty(result, [], root_is_struct=False))
        elif self._key(obj) == _JOB:
            deps = native_job.job_dependencies(obj)
        else:
            return []
        # ConfigurableInterpreter.GetDependencies de-duplicates (a set) and sorts.
        unique: dict[str, dict[str, Any]] = {}
        for dep in deps:
            unique.setdefault(repr(sorted(dep.items())), dep)
        return sorted(unique.values(), key=lambda d: (d.get("apiVersion", ""), d.get("kind", ""),
                                           d.get("namespace", ""), d.get("name", "")))

    def get_replicas(self, obj: dict[str, Any]) -> tuple[int, dict[str, Any] | None] | None:
        """(replicas, replicaRequirements), or None when the kind has no replica rule."""
        rule = self._rule(*self._key(obj), "InterpretReplica")
        if rule is not None:
            replicas, requirements = rule(lua_shape.arg(obj))
            req = lua_shape.result(requirements) if requirements else None
            return int(replicas or 0), req
        script = self._script(*self._key(obj), "InterpretReplica")
        if script:
            replicas, requirements = self._vm.run(script, "GetReplicas", 2, obj)
            req = fix_empty(requirements, [], root_is_struct=True) if requirements else None
            return int(replicas or 0), req
        if self._key(obj) == _JOB:
            return native_job.job_replicas(obj)
        return None

    def revise_replica(self, obj: dict[str, Any], replicas: int) -> dict[str, Any]:
        """The member copy's replica share (only for kinds with a replica rule)."""
        rule = self._rule(*self._key(obj), "ReviseReplica")
        if rule is not None:
            return dict(rule(lua_shape.arg(obj), replicas))
        script = self._script(*self._key(obj), "ReviseReplica")
        if script:
            result = self._vm.run(script, "ReviseReplica", 1, obj, replicas)[0]
            return dict(fix_empty(result, [obj], root_is_struct=True))
        if self._key(obj) == _JOB:
            return native_job.revise_job_replicas(obj, replicas)
        return copy.deepcopy(obj)
