"""Kubernetes built-in kinds the simulator serves: core/v1, batch/v1, scheduling, coordination.

Schema: kubernetes/kubernetes api/openapi-spec/v3/{api__v1,apis__batch__v1,
apis__scheduling.k8s.io__v1,apis__coordination.k8s.io__v1}_openapi.json @ release-1.35
(k8s-reference copies from kubernetes-sigs/kubectl-validate a97ccfa). Built-in registries
apply no schema defaults and answer DELETE with a Status (resource_types.ResourceType).
The batch/v1 Job interpreter is Karmada's native one (karmada_sim/karmada/native_job.py).
"""

from __future__ import annotations

from karmada_sim.builtin.meta import OBJECT_META, label_selector
from karmada_sim.builtin.model import AGE, KindModel
from karmada_sim.builtin.pods import pod_spec, pod_template
from karmada_sim.builtin.schema import (
    Schema,
    array,
    boolean,
    builtin_int_or_string,
    builtin_quantity,
    integer,
    map_of,
    obj,
    string,
    string_map,
    strings,
)


def _root(properties: dict[str, Schema], *, required: tuple[str, ...] = ()) -> Schema:
    return obj(
        {"apiVersion": string(), "kind": string(), "metadata": OBJECT_META, **properties},
        required=required,
    )


def _conditions(*, probe: bool) -> Schema:
    fields: dict[str, Schema] = {
        "type": string(), "status": string(), "reason": string(), "message": string(),
        "lastTransitionTime": string(),
    }  # fmt: skip
    if probe:
        fields["lastProbeTime"] = string()
    return array(obj(fields, required=("type", "status")))


def _builtin(
    group: str, plural: str, kind: str, namespaced: bool, has_status: bool, schema: Schema,
    short_names: tuple[str, ...] = (), columns: tuple[dict[str, str], ...] = (),
) -> KindModel:
    # kubectl's table for these kinds ends with Age (the server's table convertors).
    return KindModel(
        group, ("v1",), plural, kind, namespaced, has_status, schema, crd=False,
        short_names=short_names, columns=(*columns, AGE) if columns else (),
    )


_OBJECT_REFERENCE = obj(
    {k: string() for k in ("apiVersion", "fieldPath", "kind", "name", "namespace",
                           "resourceVersion", "uid")}
)  # fmt: skip

NAMESPACE = _builtin(
    "", "namespaces", "Namespace", False, True,
    _root({"spec": obj({"finalizers": strings()}),
           "status": obj({"phase": string(), "conditions": _conditions(probe=False)})}),
    ("ns",), ({"name": "Status", "type": "string", "jsonPath": ".status.phase"},),
)
SECRET = _builtin(
    "", "secrets", "Secret", True, False,
    _root({"data": string_map(), "stringData": string_map(), "type": string(),
           "immutable": boolean()}),
    (), ({"name": "Type", "type": "string", "jsonPath": ".type"},),
)
CONFIGMAP = _builtin(
    "", "configmaps", "ConfigMap", True, False,
    _root({"data": string_map(), "binaryData": string_map(), "immutable": boolean()}),
    ("cm",),
)
PVC = _builtin(
    "", "persistentvolumeclaims", "PersistentVolumeClaim", True, True,
    _root({
        "spec": obj({
            "accessModes": strings(),
            "resources": obj({"limits": map_of(builtin_quantity()),
                              "requests": map_of(builtin_quantity())}),
            "storageClassName": string(), "volumeMode": string(), "volumeName": string(),
            "selector": label_selector(),
        }),
        "status": obj({"phase": string(), "accessModes": strings(),
                       "capacity": map_of(builtin_quantity()),
                       "conditions": _conditions(probe=True)}),
    }),
    ("pvc",), ({"name": "Status", "type": "string", "jsonPath": ".status.phase"},),
)
POD = _builtin(
    "", "pods", "Pod", True, True,
    _root({
        "spec": pod_spec(crd=False),
        "status": obj({
            "phase": string(), "reason": string(), "message": string(), "hostIP": string(),
            "podIP": string(), "startTime": string(), "qosClass": string(),
            "conditions": _conditions(probe=True),
            "containerStatuses": array(obj(
                {"name": string(), "ready": boolean(), "restartCount": integer(),
                 "image": string(), "imageID": string(), "containerID": string(),
                 "started": boolean(), "state": obj(), "lastState": obj()},
                required=("name", "ready", "restartCount", "image", "imageID"))),
        }),
    }),
    ("po",), ({"name": "Status", "type": "string", "jsonPath": ".status.phase"},),
)
SERVICE = _builtin(
    "", "services", "Service", True, True,
    _root({
        "spec": obj({
            "type": string(), "clusterIP": string(), "clusterIPs": strings(),
            "selector": string_map(),
            "ports": array(obj({"name": string(), "port": integer(), "protocol": string(),
                                "targetPort": builtin_int_or_string(), "nodePort": integer()},
                               required=("port",))),
        }),
        "status": obj({"loadBalancer": obj()}),
    }),
    ("svc",), ({"name": "Type", "type": "string", "jsonPath": ".spec.type"},
               {"name": "Cluster-IP", "type": "string", "jsonPath": ".spec.clusterIP"}),
)
EVENT = _builtin(
    "", "events", "Event", True, False,
    _root({
        "involvedObject": _OBJECT_REFERENCE, "reason": string(), "message": string(),
        "type": string(), "count": integer(), "firstTimestamp": string(),
        "lastTimestamp": string(), "eventTime": string(), "action": string(),
        "reportingComponent": string(), "reportingInstance": string(),
        "source": obj({"component": string(), "host": string()}),
    }, required=("metadata", "involvedObject")),
    ("ev",), ({"name": "Reason", "type": "string", "jsonPath": ".reason"},
              {"name": "Message", "type": "string", "jsonPath": ".message"}),
)
SERVICEACCOUNT = _builtin(
    "", "serviceaccounts", "ServiceAccount", True, False,
    _root({"automountServiceAccountToken": boolean(),
           "imagePullSecrets": array(obj({"name": string()})),
           "secrets": array(_OBJECT_REFERENCE)}),
    ("sa",),
)
JOB = _builtin(
    "batch", "jobs", "Job", True, True,
    _root({
        "spec": obj({
            "activeDeadlineSeconds": integer(), "backoffLimit": integer(),
            "completionMode": string(), "completions": integer(), "parallelism": integer(),
            "suspend": boolean(), "ttlSecondsAfterFinished": integer(),
            "manualSelector": boolean(), "selector": label_selector(), "managedBy": string(),
            "podReplacementPolicy": string(), "template": pod_template(crd=False),
        }, required=("template",)),
        "status": obj({
            "active": integer(), "succeeded": integer(), "failed": integer(),
            "ready": integer(), "terminating": integer(), "startTime": string(),
            "completionTime": string(), "completedIndexes": string(),
            "failedIndexes": string(), "conditions": _conditions(probe=True),
            "uncountedTerminatedPods": obj({"failed": strings(), "succeeded": strings()}),
        }),
    }),
    (), ({"name": "Completions", "type": "integer", "jsonPath": ".spec.completions"},
         {"name": "Succeeded", "type": "integer", "jsonPath": ".status.succeeded"}),
)
PRIORITYCLASS = _builtin(
    "scheduling.k8s.io", "priorityclasses", "PriorityClass", False, False,
    _root({"value": integer(), "globalDefault": boolean(), "description": string(),
           "preemptionPolicy": string()}, required=("value",)),
    ("pc",), ({"name": "Value", "type": "integer", "jsonPath": ".value"},),
)
LEASE = _builtin(
    "coordination.k8s.io", "leases", "Lease", True, False,
    _root({"spec": obj({"holderIdentity": string(), "leaseDurationSeconds": integer(),
                        "acquireTime": string(), "renewTime": string(),
                        "leaseTransitions": integer(), "strategy": string(),
                        "preferredHolder": string()})}),
    (), ({"name": "Holder", "type": "string", "jsonPath": ".spec.holderIdentity"},),
)

BUILTIN_KINDS = (NAMESPACE, SECRET, CONFIGMAP, PVC, POD, SERVICE, EVENT, SERVICEACCOUNT, JOB,
                 PRIORITYCLASS, LEASE)  # fmt: skip
