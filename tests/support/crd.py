"""Validate generated manifests against the real upstream schemas (test helper).

Wraps the simulator's ``ResourceSchema``: CRD defaults first, then the schema, and - unlike
a real API server, which silently prunes them - fields unknown to the schema are errors,
so a typo in a builder fails a test instead of vanishing.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from karmada_sim.openapi_schema import ResourceSchema
from karmada_sim.reference import reference_dir

REF = reference_dir()
_BUILTIN = "kubernetes/openapi-spec-v3/release-1.35"

# (apiVersion, kind) -> (loader kind, path under the reference dir, version or component)
SOURCES: dict[tuple[str, str], tuple[str, str, str]] = {
    ("ray.io/v1", "RayJob"): ("crd", "kuberay/crds/ray.io_rayjobs.yaml", "v1"),
    ("kubeflow.org/v1", "PyTorchJob"): (
        "crd",
        "kubeflow-training-operator-v1/crds/kubeflow.org_pytorchjobs.yaml",
        "v1",
    ),
    ("kubeflow.org/v1", "TFJob"): (
        "crd",
        "kubeflow-training-operator-v1/crds/kubeflow.org_tfjobs.yaml",
        "v1",
    ),
    ("kubeflow.org/v1", "JAXJob"): (
        "crd",
        "kubeflow-training-operator-v1/crds/kubeflow.org_jaxjobs.yaml",
        "v1",
    ),
    ("kubeflow.org/v2beta1", "MPIJob"): (
        "crd",
        "kubeflow-mpi-operator/crds/kubeflow.org_mpijobs.yaml",
        "v2beta1",
    ),
    ("policy.karmada.io/v1alpha1", "PropagationPolicy"): (
        "crd",
        "karmada/crds/policy.karmada.io_propagationpolicies.yaml",
        "v1alpha1",
    ),
    ("work.karmada.io/v1alpha2", "ResourceBinding"): (
        "crd",
        "karmada/crds/work.karmada.io_resourcebindings.yaml",
        "v1alpha2",
    ),
    ("config.karmada.io/v1alpha1", "ResourceInterpreterCustomization"): (
        "crd",
        "karmada/crds/config.karmada.io_resourceinterpretercustomizations.yaml",
        "v1alpha1",
    ),
    ("batch/v1", "Job"): (
        "builtin",
        f"{_BUILTIN}/apis__batch__v1_openapi.json",
        "io.k8s.api.batch.v1.Job",
    ),
    ("v1", "PersistentVolumeClaim"): (
        "builtin",
        f"{_BUILTIN}/api__v1_openapi.json",
        "io.k8s.api.core.v1.PersistentVolumeClaim",
    ),
}


@functools.cache
def schema_for(api_version: str, kind: str) -> ResourceSchema:
    """The upstream schema for a kind (cached: the CRD files are large)."""
    loader, path, which = SOURCES[(api_version, kind)]
    if loader == "crd":
        return ResourceSchema.from_crd(REF / path, which)
    return ResourceSchema.from_builtin(REF / path, which)


def manifest_errors(obj: Mapping[str, Any]) -> list[str]:
    """Schema errors plus unknown fields (after defaults), as ``path: message`` strings."""
    schema = schema_for(str(obj["apiVersion"]), str(obj["kind"]))
    as_dict = dict(obj)
    unknown = [
        f"{path}: unknown field" for path in schema.unknown_fields(schema.apply_defaults(as_dict))
    ]
    return unknown + [f"{e.field}: {e.message}" for e in schema.validate(as_dict)]


def reference_path(relative: str) -> Path:
    """A file in the k8s reference directory."""
    return REF / relative
