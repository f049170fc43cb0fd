"""Kubeflow Trainer v2 (trainer.kubeflow.org/v1alpha1): TrainJob and the training runtimes.

Schema: kubeflow/trainer manifests/base/crds/trainer.kubeflow.org_{trainjobs,trainingruntimes,
clustertrainingruntimes}.yaml @ 8c0f505. The product does not create these; the model keeps
the fields a TrainJob's author writes (runtimeRef, trainer) and the runtime template's
metadata, and prunes the rest (JobSet templates, ML policies).
"""

from __future__ import annotations

from karmada_sim.builtin.meta import METAV1_CONDITION, TEMPLATE_META
from karmada_sim.builtin.model import KindModel
from karmada_sim.builtin.schema import (
    array,
    boolean,
    integer,
    map_of,
    obj,
    quantity,
    resource_root,
    string,
    string_map,
    strings,
)

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
            "suspend": boolean(default=False),
            "trainer": obj({
                "args": strings(), "command": strings(),
                "env": array(obj({"name": string(), "value": string()}, required=("name",))),
                "image": string(max_length=500), "numNodes": integer(minimum=0),
                "numProcPerNode": integer(),
                "resourcesPerNode": obj({"limits": map_of(quantity()),
                                         "requests": map_of(quantity())}),
            }),
            "labels": string_map(),
            "annotations": string_map(),
        }, required=("runtimeRef",)),
        "status": obj({"conditions": array(METAV1_CONDITION)}),
    }),
)  # fmt: skip

_RUNTIME_SPEC = obj({"template": obj({"metadata": TEMPLATE_META})})
TRAININGRUNTIME = KindModel(
    "trainer.kubeflow.org", ("v1alpha1",), "trainingruntimes", "TrainingRuntime",
    namespaced=True, has_status=False, schema=resource_root({"spec": _RUNTIME_SPEC}),
)  # fmt: skip
CLUSTERTRAININGRUNTIME = KindModel(
    "trainer.kubeflow.org", ("v1alpha1",), "clustertrainingruntimes", "ClusterTrainingRuntime",
    namespaced=False, has_status=False, schema=resource_root({"spec": _RUNTIME_SPEC}),
)  # fmt: skip
