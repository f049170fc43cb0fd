"""Karmada's own kinds: policies, bindings, works, interpreter customizations, Cluster.

Schema: karmada-io/karmada charts/karmada/_crds/bases/{policy,work,config}/*.yaml @ f8fdd02
(k8s-reference karmada/crds/), and for Cluster (served by karmada-aggregated-apiserver, no
CRD) api/openapi-spec/swagger.json @ f8fdd02 via the derived
karmada/openapi/cluster.karmada.io_v1alpha1_Cluster.schema.json.
"""

from __future__ import annotations

from karmada_sim.builtin.meta import METAV1_CONDITION, OBJECT_META, label_selector
from karmada_sim.builtin.model import KindModel
from karmada_sim.builtin.schema import (
    Schema,
    array,
    boolean,
    free_object,
    integer,
    map_of,
    obj,
    quantity,
    resource_root,
    string,
    string_map,
    strings,
)

_CATEGORY = ("karmada-io",)
# apiextensionsv1.JSON: any value, kept as it is.
_ANY: Schema = {"x-kubernetes-preserve-unknown-fields": True}
_AGE = {"jsonPath": ".metadata.creationTimestamp", "name": "AGE", "type": "date"}


def _field_selector() -> Schema:
    return obj({"matchExpressions": array(obj(
        {"key": string(), "operator": string(), "values": strings()},
        required=("key", "operator")))})  # fmt: skip


def _cluster_affinity() -> Schema:
    return obj({"clusterNames": strings(), "exclude": strings(),
                "labelSelector": label_selector(), "fieldSelector": _field_selector()})


_TOLERATION = obj({"effect": string(), "key": string(), "operator": string(),
                   "tolerationSeconds": integer(), "value": string()})  # fmt: skip

PLACEMENT = obj({
    "clusterAffinity": _cluster_affinity(),
    "clusterTolerations": array(_TOLERATION),
    "replicaScheduling": obj({
        "replicaDivisionPreference": string(enum=("Aggregated", "Weighted")),
        "replicaSchedulingType": string(enum=("Duplicated", "Divided"), default="Divided"),
        "weightPreference": obj({
            "dynamicWeight": string(enum=("AvailableReplicas",)),
            "staticWeightList": array(obj(
                {"targetCluster": _cluster_affinity(), "weight": integer(minimum=1)},
                required=("targetCluster", "weight"))),
        }),
    }),
    "spreadConstraints": array(obj({
        "maxGroups": integer(), "minGroups": integer(),
        "spreadByField": string(enum=("cluster", "region", "zone", "provider")),
        "spreadByLabel": string(),
    })),
})  # fmt: skip

_POLICY_SPEC = obj({
    "resourceSelectors": array(obj({
        "apiVersion": string(), "kind": string(), "name": string(), "namespace": string(),
        "labelSelector": label_selector(),
    }, required=("apiVersion", "kind")), min_items=1),
    "placement": PLACEMENT,
    "propagateDeps": boolean(),
    "conflictResolution": string(enum=("Abort", "Overwrite"), default="Abort"),
    "preemption": string(enum=("Always", "Never"), default="Never"),
    "priority": integer(default=0),
    "schedulerName": string(default="default-scheduler"),
    "preserveResourcesOnDeletion": boolean(),
    "association": boolean(),
    "dependentOverrides": strings(),
    "suspension": obj({"dispatching": boolean(),
                       "dispatchingOnClusters": obj({"clusterNames": strings()})}),
}, required=("resourceSelectors",))  # fmt: skip

_POLICY_COLUMNS = (
    {"jsonPath": ".spec.conflictResolution", "name": "CONFLICT-RESOLUTION", "type": "string"},
    {"jsonPath": ".spec.priority", "name": "PRIORITY", "type": "string"},
    _AGE,
)


def _policy(plural: str, kind: str, namespaced: bool, short: str) -> KindModel:
    return KindModel(
        "policy.karmada.io", ("v1alpha1",), plural, kind, namespaced, has_status=False,
        short_names=(short,), categories=_CATEGORY, columns=_POLICY_COLUMNS,
        schema=resource_root({"spec": _POLICY_SPEC}, required=("spec",)),
    )  # fmt: skip


PROPAGATIONPOLICY = _policy("propagationpolicies", "PropagationPolicy", True, "pp")
CLUSTERPROPAGATIONPOLICY = _policy(
    "clusterpropagationpolicies", "ClusterPropagationPolicy", False, "cpp"
)

_OVERRIDE_SPEC = obj({
    "resourceSelectors": array(obj({
        "apiVersion": string(), "kind": string(), "name": string(), "namespace": string(),
        "labelSelector": label_selector(),
    }, required=("apiVersion", "kind"))),
    "overrideRules": array(obj({
        "targetCluster": _cluster_affinity(),
        "overriders": obj({
            "plaintext": array(obj({"operator": string(enum=("add", "remove", "replace")),
                                    "path": string(), "value": _ANY},
                                   required=("operator", "path"))),
            "labelsOverrider": array(obj({"operator": string(enum=("add", "remove", "replace")),
                                          "value": string_map()}, required=("operator",))),
            "annotationsOverrider": array(obj({"operator": string(enum=("add", "remove",
                                                                        "replace")),
                                               "value": string_map()}, required=("operator",))),
        }),
    }, required=("overriders",))),
})  # fmt: skip


def _override(plural: str, kind: str, namespaced: bool, short: str) -> KindModel:
    return KindModel(
        "policy.karmada.io", ("v1alpha1",), plural, kind, namespaced, has_status=False,
        short_names=(short,), categories=_CATEGORY,
        schema=resource_root({"spec": _OVERRIDE_SPEC}, required=("spec",)),
    )  # fmt: skip


OVERRIDEPOLICY = _override("overridepolicies", "OverridePolicy", True, "op")
CLUSTEROVERRIDEPOLICY = _override("clusteroverridepolicies", "ClusterOverridePolicy", False,
                                  "cop")  # fmt: skip

FEDERATEDRESOURCEQUOTA = KindModel(
    "policy.karmada.io", ("v1alpha1",), "federatedresourcequotas", "FederatedResourceQuota",
    namespaced=True, has_status=True, categories=_CATEGORY,
    columns=({"jsonPath": ".status.overall", "name": "OVERALL", "type": "string"},
             {"jsonPath": ".status.overallUsed", "name": "OVERALL_USED", "type": "string"}),
    schema=resource_root({
        "spec": obj({
            "overall": map_of(quantity()),
            "staticAssignments": array(obj({"clusterName": string(),
                                            "hard": map_of(quantity())},
                                           required=("clusterName", "hard"))),
        }, required=("overall",)),
        "status": obj({
            "overall": map_of(quantity()), "overallUsed": map_of(quantity()),
            "aggregatedStatus": array(obj({"clusterName": string(), "hard": map_of(quantity()),
                                           "used": map_of(quantity())},
                                          required=("clusterName",))),
        }),
    }, required=("spec",)),
)  # fmt: skip

_BINDING_SPEC = obj({
    "resource": obj({
        "apiVersion": string(), "kind": string(), "name": string(), "namespace": string(),
        "resourceVersion": string(), "uid": string(),
    }, required=("apiVersion", "kind", "name")),
    "replicas": integer(),
    "replicaRequirements": obj({
        "namespace": string(), "priorityClassName": string(),
        "resourceRequest": map_of(quantity()),
        "nodeClaim": obj({"nodeSelector": string_map(), "tolerations": array(_TOLERATION)}),
    }),
    "clusters": array(obj({"name": string(), "replicas": integer()}, required=("name",))),
    "placement": PLACEMENT,
    "propagateDeps": boolean(),
    "conflictResolution": string(enum=("Abort", "Overwrite"), default="Abort"),
    "schedulerName": string(),
    "preserveResourcesOnDeletion": boolean(),
    "rescheduleTriggeredAt": string(),
    "requiredBy": array(obj({
        "name": string(), "namespace": string(),
        "clusters": array(obj({"name": string(), "replicas": integer()}, required=("name",))),
    }, required=("name",))),
    "schedulePriority": obj({"priority": integer(default=0)}),
    "suspension": obj({"dispatching": boolean(), "scheduling": boolean(),
                       "dispatchingOnClusters": obj({"clusterNames": strings()})}),
}, required=("resource",))  # fmt: skip

_BINDING_STATUS = obj({
    "aggregatedStatus": array(obj({
        "clusterName": string(), "applied": boolean(), "appliedMessage": string(),
        "health": string(enum=("Healthy", "Unhealthy", "Unknown")),
        "status": free_object(),
    }, required=("clusterName",))),
    "conditions": array(METAV1_CONDITION),
    "lastScheduledTime": string(),
    "schedulerObservedGeneration": integer(),
    "schedulerObservingAffinityName": string(),
})  # fmt: skip

_BINDING_COLUMNS = (
    {"jsonPath": '.status.conditions[?(@.type=="Scheduled")].status', "name": "SCHEDULED",
     "type": "string"},
    {"jsonPath": '.status.conditions[?(@.type=="FullyApplied")].status', "name": "FULLYAPPLIED",
     "type": "string"},
    _AGE,
)  # fmt: skip


def _binding(plural: str, kind: str, namespaced: bool, short: str) -> KindModel:
    return KindModel(
        "work.karmada.io", ("v1alpha2", "v1alpha1"), plural, kind, namespaced, has_status=True,
        short_names=(short,), categories=_CATEGORY, columns=_BINDING_COLUMNS, old_columns=(),
        schema=resource_root({"spec": _BINDING_SPEC, "status": _BINDING_STATUS},
                             required=("spec",)),
    )  # fmt: skip


RESOURCEBINDING = _binding("resourcebindings", "ResourceBinding", True, "rb")
CLUSTERRESOURCEBINDING = _binding("clusterresourcebindings", "ClusterResourceBinding", False,
                                  "crb")  # fmt: skip

WORK = KindModel(
    "work.karmada.io", ("v1alpha1",), "works", "Work", namespaced=True, has_status=True,
    short_names=("wk",), categories=_CATEGORY,
    columns=({"jsonPath": ".spec.workload.manifests[*].kind", "name": "WORKLOAD-KIND",
              "type": "string"},
             {"jsonPath": '.status.conditions[?(@.type=="Applied")].status', "name": "APPLIED",
              "type": "string"},
             _AGE),
    schema=resource_root({
        "spec": obj({
            "workload": obj({"manifests": array(free_object())}),
            "suspendDispatching": boolean(),
            "preserveResourcesOnDeletion": boolean(),
        }),
        "status": obj({
            "conditions": array(METAV1_CONDITION),
            "manifestStatuses": array(obj({
                "identifier": obj({"ordinal": integer(), "group": string(), "version": string(),
                                   "kind": string(), "namespace": string(), "name": string(),
                                   "resource": string()},
                                  required=("kind", "name", "namespace", "ordinal", "resource",
                                            "version")),
                "status": free_object(),
                "health": string(enum=("Healthy", "Unhealthy", "Unknown")),
            }, required=("identifier",))),
        }),
    }),
)  # fmt: skip

_LUA = obj({"luaScript": string()}, required=("luaScript",))
RESOURCEINTERPRETERCUSTOMIZATION = KindModel(
    "config.karmada.io", ("v1alpha1",), "resourceinterpretercustomizations",
    "ResourceInterpreterCustomization", namespaced=False, has_status=False,
    short_names=("ric",), categories=_CATEGORY,
    columns=({"jsonPath": ".spec.target.apiVersion", "name": "TARGET-API-VERSION",
              "type": "string"},
             {"jsonPath": ".spec.target.kind", "name": "TARGET-KIND", "type": "string"},
             _AGE),
    schema=resource_root({
        "spec": obj({
            "target": obj({"apiVersion": string(), "kind": string()},
                          required=("apiVersion", "kind")),
            "customizations": obj({
                "componentResource": _LUA, "dependencyInterpretation": _LUA,
                "healthInterpretation": _LUA, "replicaResource": _LUA,
                "replicaRevision": _LUA, "retention": _LUA, "statusAggregation": _LUA,
                "statusReflection": _LUA,
            }),
        }, required=("customizations", "target")),
    }, required=("spec",)),
)  # fmt: skip

_QUANTITY_STRING = string()  # the swagger's Quantity is a plain string
CLUSTER = KindModel(
    "cluster.karmada.io", ("v1alpha1",), "clusters", "Cluster", namespaced=False,
    has_status=True, crd=False, categories=_CATEGORY, extra_subresources=("proxy",),
    # karmada-aggregated-apiserver's table columns (pkg/printers/internalversion).
    columns=(
        {"name": "Version", "type": "string", "jsonPath": ".status.kubernetesVersion"},
        {"name": "Mode", "type": "string", "jsonPath": ".spec.syncMode"},
        {"name": "Ready", "type": "string",
         "jsonPath": '.status.conditions[?(@.type=="Ready")].status'},
    ),
    schema=obj({
        "apiVersion": string(), "kind": string(), "metadata": OBJECT_META,
        "spec": obj({
            "id": string(), "syncMode": string(), "apiEndpoint": string(),
            "secretRef": obj({"namespace": string(), "name": string()},
                             required=("namespace", "name")),
            "impersonatorSecretRef": obj({"namespace": string(), "name": string()},
                                         required=("namespace", "name")),
            "insecureSkipTLSVerification": boolean(), "proxyURL": string(),
            "provider": string(), "region": string(), "zone": string(), "zones": strings(),
            "taints": array(obj({"key": string(), "value": string(), "effect": string(),
                                 "timeAdded": string()}, required=("key", "effect"))),
            "resourceModels": array(obj({
                "grade": integer(),
                "ranges": array(obj({"name": string(), "min": _QUANTITY_STRING,
                                     "max": _QUANTITY_STRING},
                                    required=("name", "min", "max"))),
            }, required=("grade", "ranges"))),
        }, required=("syncMode",)),
        "status": obj({
            "kubernetesVersion": string(),
            "apiEnablements": array(obj({
                "groupVersion": string(),
                "resources": array(obj({"name": string(), "kind": string()},
                                       required=("name", "kind"))),
            }, required=("groupVersion",))),
            "conditions": array(obj({
                "type": string(), "status": string(), "observedGeneration": integer(),
                "lastTransitionTime": string(), "reason": string(), "message": string(),
            }, required=("type", "status", "lastTransitionTime", "reason", "message"))),
            "nodeSummary": obj({"totalNum": integer(), "readyNum": integer()}),
            "resourceSummary": obj({
                "allocatable": map_of(_QUANTITY_STRING), "allocated": map_of(_QUANTITY_STRING),
                "allocating": map_of(_QUANTITY_STRING),
                "allocatableModelings": array(obj({"grade": integer(), "count": integer()},
                                                  required=("grade", "count"))),
            }),
        }),
    }, required=("spec",)),
)  # fmt: skip

KARMADA_KINDS = (
    PROPAGATIONPOLICY, CLUSTERPROPAGATIONPOLICY, OVERRIDEPOLICY, CLUSTEROVERRIDEPOLICY,
    FEDERATEDRESOURCEQUOTA, RESOURCEBINDING, CLUSTERRESOURCEBINDING, WORK,
    RESOURCEINTERPRETERCUSTOMIZATION,
)  # fmt: skip
