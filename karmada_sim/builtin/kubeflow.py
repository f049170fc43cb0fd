"""Kubeflow training-operator v1 jobs (kubeflow.org/v1): PyTorchJob, TFJob, JAXJob, XGBoostJob.

Schema: kubeflow/trainer manifests/base/crds/kubeflow.org_{pytorch,tf,jax,xgboost}jobs.yaml @
v1.9.4 (4445c12). Rules for PyTorchJob and TFJob: karmada-io/karmada
pkg/resourceinterpreter/default/thirdparty/resourcecustomizations/kubeflow.org/v1/
{PyTorchJob,TFJob}/customizations.yaml @ f8fdd02. JAXJob and XGBoostJob have no Karmada
customization (k8s-reference README, "Not obtained"): whole-status reflection, no health rule.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from karmada_sim.builtin import lua
from karmada_sim.builtin.meta import label_selector
from karmada_sim.builtin.model import JsonDict, KindModel, KindRules
from karmada_sim.builtin.pods import pod_template
from karmada_sim.builtin.schema import (
    Schema,
    array,
    boolean,
    integer,
    map_of,
    obj,
    resource_root,
    string,
)
from karmada_sim.karmada.pod_requirements import pod_dependencies, replica_requirements

REPLICA_SPEC = obj(
    {"replicas": integer(), "restartPolicy": string(), "template": pod_template(crd=True)}
)

RUN_POLICY = obj(
    {
        "activeDeadlineSeconds": integer(),
        "backoffLimit": integer(),
        "cleanPodPolicy": string(),
        "managedBy": string(),
        "suspend": boolean(default=False),
        "ttlSecondsAfterFinished": integer(),
    }
)

# common.JobStatus (kubeflow/trainer pkg/apis/kubeflow.org/v1/common_types.go @ v1.9.4).
JOB_STATUS = obj(
    {
        "completionTime": string(),
        "conditions": array(
            obj(
                {
                    "lastTransitionTime": string(),
                    "lastUpdateTime": string(),
                    "message": string(),
                    "reason": string(),
                    "status": string(),
                    "type": string(),
                },
                required=("status", "type"),
            )
        ),
        "lastReconcileTime": string(),
        "replicaStatuses": map_of(
            obj(
                {
                    "active": integer(),
                    "failed": integer(),
                    "labelSelector": label_selector(),
                    "selector": string(),
                    "succeeded": integer(),
                }
            )
        ),
        "startTime": string(),
    }
)

_STATE = ({"jsonPath": ".status.conditions[-1:].type", "name": "State", "type": "string"},
          {"jsonPath": ".metadata.creationTimestamp", "name": "Age", "type": "date"})  # fmt: skip


def _job(plural: str, kind: str, replica_specs: str, extra: dict[str, Schema]) -> KindModel:
    spec = obj(
        {replica_specs: map_of(REPLICA_SPEC), "runPolicy": RUN_POLICY, **extra},
        required=(replica_specs,),
    )
    return KindModel(
        "kubeflow.org", ("v1",), plural, kind, namespaced=True, has_status=True,
        columns=_STATE, schema=resource_root({"spec": spec, "status": JOB_STATUS}),
    )  # fmt: skip


PYTORCHJOB = _job("pytorchjobs", "PyTorchJob", "pytorchReplicaSpecs", {"nprocPerNode": string()})
TFJOB = _job("tfjobs", "TFJob", "tfReplicaSpecs", {"enableDynamicWorker": boolean()})
JAXJOB = _job("jaxjobs", "JAXJob", "jaxReplicaSpecs", {})
XGBOOSTJOB = _job("xgboostjobs", "XGBoostJob", "xgbReplicaSpecs", {})


def _omit_empty(value: Any, *, keep_zero: bool = False) -> Any:
    """The scripts' omitEmpty: drop nils, empty tables and (unless keep_zero) 0, "" and "0s"."""
    if isinstance(value, dict | list):
        pairs = value.items() if isinstance(value, dict) else enumerate(value)
        out: dict[Any, Any] = {}
        for key, item in pairs:
            if isinstance(item, dict | list):
                inner = _omit_empty(item, keep_zero=keep_zero)
                if inner is not None:
                    out[key] = inner
            elif item is not None and (
                keep_zero or not (lua.is_zero_number(item) or item in ("", "0s"))
            ):
                out[key] = item
        if not out:
            return None
        if isinstance(value, list):
            keys = list(out)
            if keys != list(range(len(keys))):
                raise lua.LuaShapeError("cannot encode sparse array")
            return list(out.values())
        return out
    return value


def _later(a: Any, b: Any) -> bool:
    return a is not None and (b is None or a > b)


def _earlier(a: Any, b: Any) -> bool:
    return a is not None and (b is None or a < b)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _aggregate_times(items: list[JsonDict]) -> tuple[Any, Any, Any]:
    start = completion = reconcile = None
    for item in items:
        s = item.get("status")
        if s is None:
            continue
        if _earlier(s.get("startTime"), start):
            start = s["startTime"]
        if _later(s.get("completionTime"), completion):
            completion = s["completionTime"]
        if _later(s.get("lastReconcileTime"), reconcile):
            reconcile = s["lastReconcileTime"]
    return start, completion, reconcile


def _sum_replicas(items: list[JsonDict], types: tuple[str, ...]) -> JsonDict:
    totals = {t: {"active": 0, "failed": 0, "succeeded": 0} for t in types}
    for item in items:
        replicas = (item.get("status") or {}).get("replicaStatuses")
        if replicas is None:
            continue
        for t in types:
            if replicas.get(t) is not None:
                for key in ("active", "failed", "succeeded"):
                    totals[t][key] += replicas[t].get(key) or 0
    return totals


def pytorchjob_aggregate_status(desired: JsonDict, items: list[JsonDict] | None) -> JsonDict:
    status = desired.setdefault("status", {})
    if not items:
        for key in ("startTime", "completionTime"):
            status.pop(key, None)
        status.update(replicaStatuses={}, conditions=[])
        return desired
    start, completion, reconcile = _aggregate_times(items)
    succeeded, failed, created = 0, [], 0
    running: JsonDict | None = None
    for item in items:
        s = item.get("status")
        if s is None:
            continue
        has_failed = has_succeeded = has_created = False
        for c in s.get("conditions") or []:
            if c.get("type") == "Failed" and c.get("status") == "True":
                has_failed = True
            elif c.get("type") == "Succeeded" and c.get("status") == "True":
                has_succeeded = True
            if c.get("type") == "Running":
                running = c  # the last Running condition seen gives the times
            if c.get("type") == "Created" and c.get("status") == "True":
                has_created = True
        if has_failed:
            failed.append(item.get("clusterName"))
        elif has_succeeded:
            succeeded += 1
        if has_created:
            created += 1
    conditions: list[JsonDict] = []
    # Created -> Running -> Succeeded/Failed: kubectl shows the last condition.
    if created > 0:
        conditions.append({
            "type": "Created", "status": "True", "lastUpdateTime": start,
            "lastTransitionTime": start, "reason": "PyTorchJobCreated",
            "message": "PyTorchJob is created.",
        })  # fmt: skip
    if running is not None:
        final = bool(failed) or succeeded == len(items)
        conditions.append({
            "type": "Running", "status": "False" if final else "True",
            "lastUpdateTime": running.get("lastUpdateTime"),
            "lastTransitionTime": running.get("lastTransitionTime"),
            "reason": "PyTorchJobRunning", "message": "PyTorchJob is running.",
        })  # fmt: skip
    if failed:
        conditions.append({
            "type": "Failed", "status": "True", "lastUpdateTime": completion,
            "lastTransitionTime": completion, "reason": "PyTorchJobFailed",
            "message": "PyTorchJob executed failed in member clusters: "
            + ", ".join(str(c) for c in failed if c is not None),
        })  # fmt: skip
    elif succeeded == len(items) and succeeded > 0:
        conditions.append({
            "type": "Succeeded", "status": "True", "lastUpdateTime": completion,
            "lastTransitionTime": completion, "reason": "PyTorchJobSucceeded",
            "message": "PyTorchJob is successfully completed.",
        })  # fmt: skip
        status["completionTime"] = completion
    status.update(startTime=start, lastReconcileTime=reconcile,
                  replicaStatuses=_sum_replicas(items, ("Master", "Worker")),
                  conditions=conditions)  # fmt: skip
    _set_status(desired, _omit_empty(status))
    return desired


_TF_TYPES = ("PS", "Worker", "Chief", "Master", "Evaluator")


def tfjob_aggregate_status(
    desired: JsonDict, items: list[JsonDict] | None, now: Callable[[], str] = _now
) -> JsonDict:
    status = desired.setdefault("status", {})
    if items is None:
        for key in ("startTime", "completionTime"):
            status.pop(key, None)
        status.update(replicaStatuses={}, conditions=[])
        return desired
    start, completion, reconcile = _aggregate_times(items)
    succeeded, failed = 0, []
    for item in items:
        s = item.get("status")
        if s is None:
            continue
        finished = ""
        for c in s.get("conditions") or []:
            if c.get("type") in ("Succeeded", "Failed") and c.get("status") == "True":
                finished = c["type"]
        if finished == "Succeeded":
            succeeded += 1
        elif finished == "Failed":
            failed.append(item.get("clusterName"))
    conditions: list[JsonDict] = []
    if failed:
        conditions.append({
            "type": "Failed", "status": "True", "lastProbeTime": now(),
            "lastTransitionTime": now(), "reason": "TFJobFailed",
            "message": "TFJob executed failed in member clusters: "
            + ", ".join(str(c) for c in failed if c is not None),
        })  # fmt: skip
    if succeeded == len(items) and succeeded > 0:
        conditions.append({
            "type": "Succeeded", "status": "True", "lastProbeTime": now(),
            "lastTransitionTime": now(), "reason": "Completed",
            "message": "TFJob completed successfully",
        })  # fmt: skip
        status["completionTime"] = completion
    status.update(startTime=start, lastReconcileTime=reconcile,
                  replicaStatuses=_sum_replicas(items, _TF_TYPES), conditions=conditions)
    _set_status(desired, _omit_empty(status))
    return desired


def _set_status(desired: JsonDict, status: Any) -> None:
    if status is None:
        desired.pop("status", None)
    else:
        desired["status"] = status


def not_failed_health(observed: JsonDict) -> bool:
    """Healthy unless a Failed=True condition exists; no conditions yet is unhealthy."""
    status = observed.get("status")
    if status is None or status.get("conditions") is None:
        return False
    return not any(
        c.get("type") == "Failed" and c.get("status") == "True" for c in status["conditions"]
    )


def _to_num(value: Any, default: int) -> Any:
    if value is None or value == "":
        return default
    number = lua.lua_tonumber(value)
    return default if number is None else number


def replica_components(
    field: str, types: tuple[tuple[str, str], ...]
) -> Callable[[JsonDict], list[JsonDict]]:
    """componentResource of the v1 jobs: one component per present replica type."""

    def components(desired: JsonDict) -> list[JsonDict]:
        specs = (desired.get("spec") or {}).get(field) or {}
        out: list[JsonDict] = []
        for key, name in types:
            spec = specs.get(key)
            if spec is None:
                continue
            template = spec.get("template")
            out.append({
                "name": name, "replicas": _to_num(spec.get("replicas"), 1),
                "replicaRequirements": (
                    replica_requirements(lua.result(template)) if template is not None else {}
                ),
            })  # fmt: skip
        return out

    return components


def replica_dependencies(field: str, types: tuple[str, ...]) -> Callable[[JsonDict], list[Any]]:
    """dependencyInterpretation of the v1 jobs: kube.getPodDependencies per replica template."""

    def dependencies(desired: JsonDict) -> list[Any]:
        specs = (desired.get("spec") or {}).get(field)
        if specs is None:
            return []
        namespace = desired["metadata"].get("namespace")
        refs: list[Any] = []
        for key in types:
            spec = specs.get(key)
            if spec is not None and spec.get("template") is not None:
                refs.extend(pod_dependencies(lua.result(spec["template"]), namespace or "default"))
        return refs

    return dependencies


_SOURCE = "karmada-thirdparty/kubeflow.org/v1/{}/customizations.yaml @ karmada f8fdd02"
PYTORCHJOB_RULES = KindRules(
    aggregate_status=pytorchjob_aggregate_status,
    interpret_health=not_failed_health,
    get_components=replica_components(
        "pytorchReplicaSpecs", (("Master", "master"), ("Worker", "worker"))
    ),
    get_dependencies=replica_dependencies("pytorchReplicaSpecs", ("Master", "Worker")),
    source=_SOURCE.format("PyTorchJob"),
)
TFJOB_RULES = KindRules(
    aggregate_status=tfjob_aggregate_status,
    interpret_health=not_failed_health,
    get_components=replica_components(
        "tfReplicaSpecs", tuple((t, t.lower()) for t in _TF_TYPES)
    ),
    get_dependencies=replica_dependencies("tfReplicaSpecs", _TF_TYPES),
    source=_SOURCE.format("TFJob"),
)
