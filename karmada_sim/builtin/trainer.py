"""Kubeflow Trainer v2 (trainer.kubeflow.org/v1alpha1): TrainJob and the training runtimes.

Schema: kubeflow/trainer manifests/base/crds/trainer.kubeflow.org_{trainjobs,trainingruntimes,
clustertrainingruntimes}.yaml @ 8c0f505. The product does not create these; the model keeps
what the upstream examples and runtimes use (runtimeRef, trainer, runtime patches of pod
placement, ML policies, replicated jobs of pod templates) and prunes the rest (JobSet network,
startup and failure policies, pod group policies).
"""

from __future__ import annotations

from karmada_sim.builtin.meta import METAV1_CONDITION, TEMPLATE_META
from karmada_sim.builtin.model import KindModel
from karmada_sim.builtin.pods import pod_spec, pod_template
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
    strings,
)

_POD_SPEC = pod_spec(crd=True)
_CONTAINER = _POD_SPEC["properties"]["containers"]["items"]


def _patch_pod_spec() -> Schema:
    """PodSpecPatch: the placement fields of a pod spec; containers by name, env and mounts."""
    props = _POD_SPEC["properties"]
    container = obj(
        {k: _CONTAINER["properties"][k] for k in ("name", "env", "volumeMounts")},
        required=("name",),
    )
    return obj({
        **{k: props[k] for k in ("imagePullSecrets", "nodeSelector", "serviceAccountName",
                                 "terminationGracePeriodSeconds", "tolerations", "volumes")},
        "containers": array(container), "initContainers": array(container),
    })  # fmt: skip


_RUNTIME_PATCH = obj({
    "manager": string(min_length=1, max_length=253),
    "time": string(),
    "trainingRuntimeSpec": obj({"template": obj({
        "metadata": TEMPLATE_META,
        "spec": obj({"replicatedJobs": array(obj({
            "name": string(min_length=1, max_length=253),
            "template": obj({"metadata": TEMPLATE_META, "spec": obj({"template": obj({
                "metadata": TEMPLATE_META, "spec": _patch_pod_spec()})})}),
        }, required=("name",)), max_items=100)}),
    })}),
}, required=("manager",))  # fmt: skip

TRAINJOB = KindModel(
    "trainer.kubeflow.org", ("v1alpha1",), "trainjobs", "TrainJob", namespaced=True,
    has_status=True,
    columns=({"jsonPath": ".status.conditions[-1:].type", "name": "State", "type": "string"},
             {"jsonPath": ".metadata.creationTimestamp", "name": "Age", "type": "date"}),
    schema=resource_root({
        "spec": obj({
            "activeDeadlineSeconds": integer(minimum=1),
            "managedBy": string(default="trainer.kubeflow.org/trainjob-controller",
                                max_length=253),
            "runtimeRef": obj({
                "apiGroup": string(default="trainer.kubeflow.org", max_length=253),
                "kind": string(default="ClusterTrainingRuntime", max_length=253),
                "name": string(min_length=1, max_length=253),
            }, required=("name",)),
            "runtimePatches": array(_RUNTIME_PATCH, max_items=16),
            "suspend": boolean(default=False),
            "trainer": obj({
                "args": strings(), "command": strings(), "env": _CONTAINER["properties"]["env"],
                "image": string(max_length=500), "numNodes": integer(minimum=0),
                "numProcPerNode": integer(),
                "resourcesPerNode": obj({"limits": map_of(quantity()),
                                         "requests": map_of(quantity())}),
            }),
        }, required=("runtimeRef",)),
        "status": obj({"conditions": array(METAV1_CONDITION)}),
    }),
)  # fmt: skip

_RUNTIME_SPEC = obj({
    "mlPolicy": obj({
        "numNodes": integer(),
        "torch": obj({"envInjection": free_object()}),
        "mpi": obj({
            "mpiImplementation": string(enum=("OpenMPI", ""), default="OpenMPI"),
            "numProcPerNode": integer(default=1),
            "runLauncherAsNode": boolean(default=False),
            "sshAuthMountPath": string(default="/root/.ssh", max_length=4096),
        }),
        "jax": obj(), "xgboost": obj(), "flux": obj({"numProcPerNode": integer(default=1)}),
    }),
    "template": obj({
        "metadata": TEMPLATE_META,
        "spec": obj({
            "network": obj({"enableDNSHostnames": boolean(), "publishNotReadyAddresses": boolean(),
                            "subdomain": string()}),
            "successPolicy": obj({"operator": string(enum=("All", "Any")),
                                  "targetReplicatedJobs": strings()}, required=("operator",)),
            "suspend": boolean(),
            "ttlSecondsAfterFinished": integer(minimum=0),
            "replicatedJobs": array(obj({
            "name": string(),
            "groupName": string(default="default"),
            "replicas": integer(default=1),
            "dependsOn": array(obj({"name": string(),
                                    "status": string(enum=("Ready", "Complete"))},
                                   required=("name", "status"))),
            "template": obj({"metadata": TEMPLATE_META, "spec": obj({
                "template": pod_template(crd=True), "parallelism": integer(),
                "completions": integer(), "backoffLimit": integer(),
                "completionMode": string(), "podReplacementPolicy": string(),
            }, required=("template",))}),
        }, required=("name", "template")))}),
    }),
})  # fmt: skip

TRAININGRUNTIME = KindModel(
    "trainer.kubeflow.org", ("v1alpha1",), "trainingruntimes", "TrainingRuntime",
    namespaced=True, has_status=False, schema=resource_root({"spec": _RUNTIME_SPEC}),
)  # fmt: skip
CLUSTERTRAININGRUNTIME = KindModel(
    "trainer.kubeflow.org", ("v1alpha1",), "clustertrainingruntimes", "ClusterTrainingRuntime",
    namespaced=False, has_status=False, schema=resource_root({"spec": _RUNTIME_SPEC}),
)  # fmt: skip
