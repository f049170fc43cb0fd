"""The built-in model: what the simulator needs from upstream, written by us, for bare clones.

Used when no upstream reference data is found (karmada_sim/reference.py resolves the source).
Two entry points:

* `resource_types()` -> the same `list[ResourceType]` as
  `karmada_sim.resource_types.load_resource_types(directory)`: every served kind with its
  names, printer columns and a compact structural schema (karmada_sim/builtin/<family>.py,
  written with karmada_sim/builtin/schema.py), run by the same `ResourceSchema` engine
  (defaulting, pruning, validation) as the real CRDs and OpenAPI documents.
* `interpreter_rules()` -> `InterpreterRules`, for
  `ResourceInterpreter(builtin=interpreter_rules())`: Karmada's third-party interpreter
  customizations (AggregateStatus, InterpretHealth, InterpretComponent, InterpretDependency,
  InterpretStatus) as pure Python functions, in place of the Lua in karmada-thirdparty/.
  batch/v1 Job keeps Karmada's native interpreter (karmada_sim/karmada/native_job.py) in both
  modes.

tests/karmada_sim/test_builtin_model_differential.py keeps the model equal to upstream.
"""

from __future__ import annotations

from karmada_sim.builtin.core import BUILTIN_KINDS
from karmada_sim.builtin.karmada import CLUSTER, KARMADA_KINDS
from karmada_sim.builtin.kubeflow import (
    JAXJOB,
    PYTORCHJOB,
    PYTORCHJOB_RULES,
    TFJOB,
    TFJOB_RULES,
    XGBOOSTJOB,
)
from karmada_sim.builtin.model import InterpreterRules, KindModel, KindRules
from karmada_sim.builtin.mpijob import MPIJOB, MPIJOB_RULES
from karmada_sim.builtin.ray import RAYCLUSTER, RAYCLUSTER_RULES, RAYJOB, RAYJOB_RULES
from karmada_sim.builtin.trainer import CLUSTERTRAININGRUNTIME, TRAININGRUNTIME, TRAINJOB
from karmada_sim.openapi_schema import ResourceSchema
from karmada_sim.resource_types import ResourceType

__all__ = ["KINDS", "InterpreterRules", "KindModel", "KindRules", "interpreter_rules",
           "resource_types"]  # fmt: skip

# In load_resource_types' order: CRDs, built-in kinds, Cluster.
KINDS: tuple[KindModel, ...] = (
    RAYJOB, RAYCLUSTER, *KARMADA_KINDS, PYTORCHJOB, TFJOB, JAXJOB, XGBOOSTJOB, MPIJOB,
    TRAINJOB, TRAININGRUNTIME, CLUSTERTRAININGRUNTIME, *BUILTIN_KINDS, CLUSTER,
)  # fmt: skip


def resource_types() -> list[ResourceType]:
    """Every resource the simulator serves, from the built-in model."""
    types: list[ResourceType] = []
    for model in KINDS:
        for i, version in enumerate(model.versions):
            columns = model.columns
            if i > 0 and model.old_columns is not None:
                columns = model.old_columns
            types.append(
                ResourceType(
                    model.group,
                    version,
                    model.plural,
                    model.kind,
                    model.namespaced,
                    model.has_status,
                    singular=model.kind.lower(),
                    short_names=model.short_names,
                    categories=model.categories,
                    printer_columns=columns,
                    extra_subresources=model.extra_subresources,
                    preferred=i == 0,
                    return_deleted_object=model.crd,
                    schema=ResourceSchema.from_model(
                        model.schema, group=model.group, version=version, kind=model.kind,
                        crd=model.crd,
                    ),
                )
            )
    return types


def interpreter_rules() -> InterpreterRules:
    """Karmada's third-party interpreter rules per (apiVersion, kind)."""
    return {
        ("ray.io/v1", "RayJob"): RAYJOB_RULES,
        ("ray.io/v1", "RayCluster"): RAYCLUSTER_RULES,
        ("kubeflow.org/v1", "PyTorchJob"): PYTORCHJOB_RULES,
        ("kubeflow.org/v1", "TFJob"): TFJOB_RULES,
        ("kubeflow.org/v2beta1", "MPIJob"): MPIJOB_RULES,
    }
