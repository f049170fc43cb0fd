"""mpi-operator's MPIJob (kubeflow.org/v2beta1): schema and Karmada's interpreter rules.

Schema: kubeflow/mpi-operator manifests/base/kubeflow.org_mpijobs.yaml @ caa3c47. Rules:
karmada-io/karmada pkg/resourceinterpreter/default/thirdparty/resourcecustomizations/
kubeflow.org/v2beta1/MPIJob/customizations.yaml @ f8fdd02.
"""

from __future__ import annotations

from typing import Any

from karmada_sim.builtin import lua
from karmada_sim.builtin.kubeflow import JOB_STATUS, REPLICA_SPEC, RUN_POLICY, _omit_empty
from karmada_sim.builtin.model import JsonDict, KindModel, KindRules
from karmada_sim.builtin.schema import boolean, integer, map_of, obj, resource_root, string
from karmada_sim.karmada.pod_requirements import replica_requirements

_STATUS = {**JOB_STATUS, "properties": {**JOB_STATUS["properties"]}}
_STATUS["properties"]["conditions"] = {
    **JOB_STATUS["properties"]["conditions"],
    "items": {
        **JOB_STATUS["properties"]["conditions"]["items"],
        "properties": {
            **JOB_STATUS["properties"]["conditions"]["items"]["properties"],
            "status": string(enum=("True", "False", "Unknown")),
        },
    },
}

MPIJOB = KindModel(
    "kubeflow.org", ("v2beta1",), "mpijobs", "MPIJob", namespaced=True, has_status=True,
    schema=resource_root({
        "spec": obj(
            {
                "launcherCreationPolicy": string(default="AtStartup"),
                "mpiImplementation": string(enum=("OpenMPI", "Intel", "MPICH"),
                                            default="OpenMPI"),
                "mpiReplicaSpecs": map_of(REPLICA_SPEC),
                "runLauncherAsWorker": boolean(default=False),
                "runPolicy": RUN_POLICY,
                "slotsPerWorker": integer(default=1),
                "sshAuthMountPath": string(default="/root/.ssh"),
            },
            required=("mpiReplicaSpecs",),
        ),
        "status": _STATUS,
    }),
)  # fmt: skip


def mpijob_health(observed: JsonDict) -> bool:
    conditions = (observed.get("status") or {}).get("conditions")
    if not conditions:
        return False
    return not any(c.get("type") == "Failed" and c.get("status") == "True" for c in conditions)


def mpijob_components(desired: JsonDict) -> list[JsonDict]:
    # The script walks the replica specs with `pairs`, whose order Lua leaves unspecified.
    specs = (desired.get("spec") or {}).get("mpiReplicaSpecs")
    if specs is None:
        return []
    out: list[JsonDict] = []
    for task, spec in specs.items():
        if spec.get("template") is None:
            continue
        default = 0 if task.lower() == "worker" else 1
        replicas: Any = spec.get("replicas")
        if replicas is None or replicas == "":
            replicas = default
        else:
            number = lua.lua_tonumber(replicas)
            replicas = default if number is None else number
        out.append({
            "name": task, "replicas": replicas,
            "replicaRequirements": replica_requirements(lua.result(spec["template"])),
        })  # fmt: skip
    return out


def mpijob_aggregate_status(desired: JsonDict, items: list[JsonDict] | None) -> JsonDict:
    if not items:
        return desired
    desired.setdefault("status", {})
    if len(items) == 1:
        status = items[0].get("status")
        if status is None:
            desired.pop("status", None)
        else:
            desired["status"] = status
        return desired
    latest: dict[Any, JsonDict] = {}  # condition type -> newest condition, first-seen order
    replicas: dict[str, JsonDict] = {}
    times: dict[str, Any] = {}
    for item in items:
        s = item.get("status")
        if s is None:
            continue
        for rtype, rep in (s.get("replicaStatuses") or {}).items():
            total = replicas.setdefault(rtype, {"active": 0, "succeeded": 0, "failed": 0})
            for key in ("active", "succeeded", "failed"):
                total[key] += rep.get(key) or 0
        for key, newer in (("startTime", False), ("completionTime", True),
                           ("lastReconcileTime", True)):
            value = s.get(key)
            if value is None or value == "":
                continue
            if times.get(key) is None or (value > times[key] if newer else value < times[key]):
                times[key] = value
        for c in s.get("conditions") or []:
            stamp = lua.lua_or(c.get("lastUpdateTime"), c.get("lastTransitionTime"))
            if stamp is None or stamp == "":
                continue
            seen = latest.get(c.get("type"))
            if seen is None or stamp > lua.lua_or(
                seen.get("lastUpdateTime"), seen.get("lastTransitionTime")
            ):
                latest[c.get("type")] = c
    status = {"replicaStatuses": replicas, "conditions": list(latest.values()), **times}
    desired["status"] = _omit_empty(status, keep_zero=True) or {}
    return desired


def mpijob_reflect_status(observed: JsonDict) -> JsonDict:
    s = observed.get("status")
    if s is None:
        return {}
    replicas = {
        k: {key: v.get(key) for key in ("active", "succeeded", "failed", "selector")}
        for k, v in (s.get("replicaStatuses") or {}).items()
    }
    conditions = list(s["conditions"]) if isinstance(s.get("conditions"), list) else []
    return {
        "replicaStatuses": replicas, "conditions": conditions, "startTime": s.get("startTime"),
        "completionTime": s.get("completionTime"), "lastReconcileTime": s.get("lastReconcileTime"),
    }  # fmt: skip


MPIJOB_RULES = KindRules(
    aggregate_status=mpijob_aggregate_status,
    interpret_health=mpijob_health,
    reflect_status=mpijob_reflect_status,
    get_components=mpijob_components,
    source="karmada-thirdparty/kubeflow.org/v2beta1/MPIJob/customizations.yaml @ karmada f8fdd02",
)
