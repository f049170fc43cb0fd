"""KubeRay's RayJob and RayCluster (ray.io/v1): schema and Karmada's interpreter rules.

Schema: kuberay/crds/ray.io_rayjobs.yaml and ray.io_rayclusters.yaml @ kuberay feeaf72
(= v1.7.0). Rules: karmada-io/karmada
pkg/resourceinterpreter/default/thirdparty/resourcecustomizations/ray.io/v1/
{RayJob,RayCluster}/customizations.yaml @ f8fdd02 (identical in v1.18.2).
"""

from __future__ import annotations

from typing import Any

from karmada_sim.builtin import lua
from karmada_sim.builtin.meta import METAV1_CONDITION
from karmada_sim.builtin.model import JsonDict, KindModel, KindRules
from karmada_sim.builtin.pods import pod_template
from karmada_sim.builtin.schema import (
    array,
    boolean,
    integer,
    obj,
    quantity,
    resource_root,
    string,
    string_map,
)
from karmada_sim.karmada.pod_requirements import replica_requirements

_TEMPLATE = pod_template(crd=True)

RAY_CLUSTER_SPEC = obj(
    {
        "rayVersion": string(),
        "enableInTreeAutoscaling": boolean(),
        "suspend": boolean(),
        "headGroupSpec": obj(
            {
                "rayStartParams": string_map(),
                "serviceType": string(),
                "template": _TEMPLATE,
            },
            required=("template",),
        ),
        "workerGroupSpecs": array(
            obj(
                {
                    "groupName": string(),
                    "replicas": integer(default=0),
                    "minReplicas": integer(default=0),
                    "maxReplicas": integer(default=2147483647),
                    "numOfHosts": integer(default=1),
                    "priority": integer(default=0),
                    "suspend": boolean(),
                    "rayStartParams": string_map(),
                    "template": _TEMPLATE,
                },
                required=("groupName", "maxReplicas", "minReplicas", "template"),
            )
        ),
    },
    required=("headGroupSpec",),
)

RAY_CLUSTER_STATUS = obj(
    {
        "availableWorkerReplicas": integer(),
        "conditions": array(METAV1_CONDITION),
        "desiredCPU": quantity(),
        "desiredGPU": quantity(),
        "desiredMemory": quantity(),
        "desiredTPU": quantity(),
        "desiredWorkerReplicas": integer(),
        "endpoints": string_map(),
        "head": obj(
            {"podIP": string(), "podName": string(), "serviceIP": string(), "serviceName": string()}
        ),
        "lastUpdateTime": string(nullable=True),
        "maxWorkerReplicas": integer(),
        "minWorkerReplicas": integer(),
        "observedGeneration": integer(),
        "readyWorkerReplicas": integer(),
        "reason": string(),
        "state": string(),
        "stateTransitionTimes": string_map(),
    }
)

RAYJOB = KindModel(
    "ray.io",
    ("v1", "v1alpha1"),
    "rayjobs",
    "RayJob",
    namespaced=True,
    has_status=True,
    categories=("all",),
    columns=(
        {"jsonPath": ".status.jobStatus", "name": "job status", "type": "string"},
        {"jsonPath": ".status.jobDeploymentStatus", "name": "deployment status", "type": "string"},
        {"jsonPath": ".status.rayClusterName", "name": "ray cluster name", "type": "string"},
        {"jsonPath": ".status.startTime", "name": "start time", "type": "string"},
        {"jsonPath": ".status.endTime", "name": "end time", "type": "string"},
        {"jsonPath": ".metadata.creationTimestamp", "name": "age", "type": "date"},
    ),
    old_columns=(),
    schema=resource_root(
        {
            "spec": obj(
                {
                    "activeDeadlineSeconds": integer(),
                    "backoffLimit": integer(default=0),
                    "entrypoint": string(),
                    "runtimeEnvYAML": string(),
                    "jobId": string(),
                    "metadata": string_map(),
                    "rayClusterSpec": RAY_CLUSTER_SPEC,
                    "clusterSelector": string_map(),
                    "shutdownAfterJobFinishes": boolean(),
                    "submissionMode": string(default="K8sJobMode"),
                    "submitterPodTemplate": _TEMPLATE,
                    "suspend": boolean(),
                    "ttlSecondsAfterFinished": integer(default=0),
                    "managedBy": string(),
                }
            ),
            "status": obj(
                {
                    "dashboardURL": string(),
                    "endTime": string(),
                    "failed": integer(default=0),
                    "jobDeploymentStatus": string(),
                    "jobId": string(),
                    "jobStatus": string(),
                    "jobStatusCheckFailureStartTime": string(),
                    "message": string(),
                    "observedGeneration": integer(),
                    "rayClusterName": string(),
                    "rayClusterStatus": RAY_CLUSTER_STATUS,
                    "rayJobInfo": obj({"endTime": string(), "startTime": string()}),
                    "reason": string(),
                    "startTime": string(),
                    "succeeded": integer(default=0),
                }
            ),
        }
    ),
)

RAYCLUSTER = KindModel(
    "ray.io",
    ("v1", "v1alpha1"),
    "rayclusters",
    "RayCluster",
    namespaced=True,
    has_status=True,
    categories=("all",),
    columns=(
        {"jsonPath": ".status.desiredWorkerReplicas", "name": "desired workers", "type": "integer"},
        {"jsonPath": ".status.availableWorkerReplicas", "name": "available workers",
         "type": "integer"},
        {"jsonPath": ".status.desiredCPU", "name": "cpus", "type": "string"},
        {"jsonPath": ".status.desiredMemory", "name": "memory", "type": "string"},
        {"jsonPath": ".status.desiredGPU", "name": "gpus", "type": "string"},
        {"jsonPath": ".status.desiredTPU", "name": "tpus", "priority": 1, "type": "string"},
        {"jsonPath": ".status.state", "name": "status", "type": "string"},
        {"jsonPath": ".metadata.creationTimestamp", "name": "age", "type": "date"},
        {"jsonPath": ".status.head.podIP", "name": "head pod IP", "priority": 1, "type": "string"},
        {"jsonPath": ".status.head.serviceIP", "name": "head service IP", "priority": 1,
         "type": "string"},
    ),
    schema=resource_root({"spec": RAY_CLUSTER_SPEC, "status": RAY_CLUSTER_STATUS}),
)  # fmt: skip

# RayJob statusAggregation: the "worst" member state wins.
_DEPLOYMENT_RANK = {
    "": 0, "Initializing": 1, "Waiting": 2, "Suspending": 3, "Suspended": 3, "Retrying": 4,
    "Running": 5, "Complete": 6, "ValidationFailed": 7, "Failed": 8,
}  # fmt: skip
_JOB_RANK = {"": 0, "PENDING": 1, "RUNNING": 2, "SUCCEEDED": 3, "STOPPED": 4, "FAILED": 5}


def _single_member(desired: JsonDict, items: list[JsonDict]) -> JsonDict | None:
    """Shared head of both Ray aggregations: drop spec; one member's status is taken whole."""
    desired.setdefault("status", {})
    desired.pop("spec", None)
    if len(items) == 1:
        status = items[0].get("status")
        if status is None:
            desired.pop("status", None)
        else:
            desired["status"] = status
        return desired
    return None


def rayjob_aggregate_status(desired: JsonDict, items: list[JsonDict] | None) -> JsonDict:
    if items is None:
        return desired
    single = _single_member(desired, items)
    if single is not None:
        return single
    found: dict[str, Any] = {}
    worst_deployment = worst_job = -1
    for item in items:
        current = item.get("status")
        if current is None:
            continue
        deployment = current.get("jobDeploymentStatus")
        if deployment is not None:
            rank = _DEPLOYMENT_RANK.get(deployment, 0)
            if rank > worst_deployment:
                worst_deployment = rank
                found["jobDeploymentStatus"] = deployment
                found["reason"] = current.get("reason")
                found["message"] = current.get("message")
        job = current.get("jobStatus")
        if job is not None and job != "":
            rank = _JOB_RANK.get(job, 0)
            if rank > worst_job:
                worst_job = rank
                found["jobStatus"] = job
    status = desired["status"]
    for key in ("jobStatus", "jobDeploymentStatus", "reason", "message"):
        if found.get(key) is None:
            status.pop(key, None)
        else:
            status[key] = found[key]
    return desired


def rayjob_health(observed: JsonDict) -> bool:
    status = observed.get("status")
    if status is None:
        return False
    deployment = status.get("jobDeploymentStatus")
    # Running, or Complete with SUCCEEDED; every other state (transitional too) is unhealthy.
    return bool(
        deployment == "Running"
        or (deployment == "Complete" and status.get("jobStatus") == "SUCCEEDED")
    )


def _template_requirements(template: JsonDict) -> Any:
    # kube.accuratePodRequirements sees the template after the Lua bridge's empty-table fix-up.
    return replica_requirements(lua.result(template))


def _ray_components(head: JsonDict | None, workers: list[JsonDict] | None) -> list[JsonDict]:
    components: list[JsonDict] = []
    if head is not None and head.get("template") is not None:
        components.append({
            "name": "ray-head", "replicas": 1,
            "replicaRequirements": _template_requirements(head["template"]),
        })  # fmt: skip
    for i, group in enumerate(workers or [], start=1):
        name = group.get("groupName")
        template = group.get("template")
        components.append({
            "name": name if name not in (None, "") else f"worker-{i}",
            "replicas": group.get("replicas") if group.get("replicas") is not None else 0,
            "replicaRequirements": (
                _template_requirements(template) if template is not None else None
            ),
        })  # fmt: skip
    return components


def rayjob_components(desired: JsonDict) -> list[JsonDict]:
    cluster = (desired.get("spec") or {}).get("rayClusterSpec")
    if cluster is None:
        return []
    return _ray_components(cluster.get("headGroupSpec"), cluster.get("workerGroupSpecs"))


def raycluster_components(desired: JsonDict) -> list[JsonDict]:
    spec = desired.get("spec")
    if spec is None:
        return []
    return _ray_components(spec.get("headGroupSpec"), spec.get("workerGroupSpecs"))


# Volume sources whose secretRef.name is a dependency (RayJob dependencyInterpretation).
_SECRET_REF_VOLUMES = ("cephfs", "cinder", "flexVolume", "rbd", "scaleIO", "iscsi", "storageos")


def _nonempty(value: Any) -> bool:
    return value is not None and value != ""


def _pod_spec_dependencies(spec: Any, found: dict[str, dict[str, bool]]) -> None:
    if spec is None:
        return
    sa = spec.get("serviceAccountName")
    if _nonempty(sa) and sa != "default":
        found["ServiceAccount"][sa] = True
    for ref in spec.get("imagePullSecrets") or []:
        if _nonempty(ref.get("name")):
            found["Secret"][ref["name"]] = True
    for volume in spec.get("volumes") or []:
        if _nonempty((volume.get("configMap") or {}).get("name")):
            found["ConfigMap"][volume["configMap"]["name"]] = True
        if _nonempty((volume.get("secret") or {}).get("secretName")):
            found["Secret"][volume["secret"]["secretName"]] = True
        for source in (volume.get("projected") or {}).get("sources") or []:
            if _nonempty((source.get("configMap") or {}).get("name")):
                found["ConfigMap"][source["configMap"]["name"]] = True
            if _nonempty((source.get("secret") or {}).get("name")):
                found["Secret"][source["secret"]["name"]] = True
        if _nonempty((volume.get("persistentVolumeClaim") or {}).get("claimName")):
            found["PersistentVolumeClaim"][volume["persistentVolumeClaim"]["claimName"]] = True
        if _nonempty((volume.get("azureFile") or {}).get("secretName")):
            found["Secret"][volume["azureFile"]["secretName"]] = True
        for source_name in _SECRET_REF_VOLUMES:
            ref = (volume.get(source_name) or {}).get("secretRef") or {}
            if _nonempty(ref.get("name")):
                found["Secret"][ref["name"]] = True
        ref = (volume.get("csi") or {}).get("nodePublishSecretRef") or {}
        if _nonempty(ref.get("name")):
            found["Secret"][ref["name"]] = True
    for container in [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]:
        for source in container.get("envFrom") or []:
            if _nonempty((source.get("configMapRef") or {}).get("name")):
                found["ConfigMap"][source["configMapRef"]["name"]] = True
            if _nonempty((source.get("secretRef") or {}).get("name")):
                found["Secret"][source["secretRef"]["name"]] = True
        for env in container.get("env") or []:
            value_from = env.get("valueFrom")
            if value_from is None:
                continue
            if _nonempty((value_from.get("configMapKeyRef") or {}).get("name")):
                found["ConfigMap"][value_from["configMapKeyRef"]["name"]] = True
            if _nonempty((value_from.get("secretKeyRef") or {}).get("name")):
                found["Secret"][value_from["secretKeyRef"]["name"]] = True


def rayjob_dependencies(desired: JsonDict) -> list[JsonDict]:
    found: dict[str, dict[str, bool]] = {
        "ConfigMap": {}, "Secret": {}, "ServiceAccount": {}, "PersistentVolumeClaim": {},
    }  # fmt: skip
    spec = desired.get("spec")
    cluster = (spec or {}).get("rayClusterSpec")
    if cluster is not None:
        head = cluster.get("headGroupSpec") or {}
        _pod_spec_dependencies((head.get("template") or {}).get("spec"), found)
        for group in cluster.get("workerGroupSpecs") or []:
            _pod_spec_dependencies((group.get("template") or {}).get("spec"), found)
    submitter = (spec or {}).get("submitterPodTemplate")
    if submitter is not None:
        _pod_spec_dependencies(submitter.get("spec"), found)
    namespace = desired["metadata"].get("namespace")
    return [
        {"apiVersion": "v1", "kind": kind, "name": name, "namespace": namespace}
        for kind, names in found.items()
        for name in names
    ]


def raycluster_health(observed: JsonDict) -> bool:
    status = observed.get("status")
    if status is None or status.get("conditions") is None:
        return False
    true = {c.get("type") for c in status["conditions"] if c.get("status") == "True"}
    return (
        "HeadPodReady" in true
        and "RayClusterProvisioned" in true
        and "RayClusterReplicaFailure" not in true
    )


def raycluster_aggregate_status(desired: JsonDict, items: list[JsonDict] | None) -> JsonDict:
    if items is None:
        return desired
    single = _single_member(desired, items)
    if single is not None:
        return single
    conditions: list[JsonDict] = []
    sums = dict.fromkeys(
        ("readyWorkerReplicas", "availableWorkerReplicas", "maxWorkerReplicas",
         "minWorkerReplicas", "desiredWorkerReplicas"), 0)  # fmt: skip
    cpu, memory = "0", "0"
    gpu = tpu = 0.0
    first: dict[str, Any] = {}
    for item in items:
        current = item.get("status")
        if current is None:
            continue
        conditions.extend(current.get("conditions") or [])
        for key in sums:
            if current.get(key) is not None:
                sums[key] += current[key]
        if _nonempty(current.get("desiredCPU")):
            cpu = lua.resource_add(cpu, str(current["desiredCPU"]))
        if _nonempty(current.get("desiredGPU")):
            gpu += _number(current["desiredGPU"])
        if _nonempty(current.get("desiredTPU")):
            tpu += _number(current["desiredTPU"])
        if _nonempty(current.get("desiredMemory")):
            memory = lua.resource_add(memory, str(current["desiredMemory"]))
        stamp = current.get("lastUpdateTime")
        if stamp is not None and (first.get("lastUpdateTime") is None
                                  or stamp > first["lastUpdateTime"]):
            first["lastUpdateTime"] = stamp
        for key in ("endpoints", "head"):
            if first.get(key) is None and current.get(key) is not None:
                first[key] = current[key]
        if first.get("state") is None and current.get("state") is not None:
            first["state"] = current["state"]
            first["stateTransitionTimes"] = current.get("stateTransitionTimes")
    status = desired["status"]
    status.update(conditions=conditions, **sums, desiredCPU=cpu, desiredMemory=memory,
                  desiredGPU=lua.lua_tostring(gpu), desiredTPU=lua.lua_tostring(tpu))
    for key in ("lastUpdateTime", "endpoints", "head", "state", "stateTransitionTimes"):
        status[key] = first.get(key)
    return desired


def _number(value: Any) -> float:
    number = lua.lua_tonumber(value)
    if number is None:
        # Lua: arithmetic on a nil value (tonumber of a non-number) is a script error.
        raise lua.LuaShapeError(f"attempt to perform arithmetic on a nil value ({value!r})")
    return number


RAYJOB_RULES = KindRules(
    aggregate_status=rayjob_aggregate_status,
    interpret_health=rayjob_health,
    get_components=rayjob_components,
    get_dependencies=rayjob_dependencies,
    source="karmada-thirdparty/ray.io/v1/RayJob/customizations.yaml @ karmada f8fdd02",
)
RAYCLUSTER_RULES = KindRules(
    aggregate_status=raycluster_aggregate_status,
    interpret_health=raycluster_health,
    get_components=raycluster_components,
    source="karmada-thirdparty/ray.io/v1/RayCluster/customizations.yaml @ karmada f8fdd02",
)
