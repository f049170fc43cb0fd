"""The resources the simulated API server serves, read from the upstream reference data.

Custom resources come from the CRD files (served versions, scope, names, printer columns,
schemas); built-in kinds from a small table pointing into the Kubernetes 1.35 OpenAPI v3
documents; Karmada's `Cluster` (served by karmada-aggregated-apiserver, no CRD; k8s-reference
caveat 1) from the derived JSON Schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from karmada_sim.openapi_schema import ResourceSchema, load_yaml_documents

# CRD files served by the simulated Karmada control plane. The mpi-operator v2beta1 MPIJob is
# the one Karmada's interpreter targets; the training-operator v1 MPIJob CRD has the same name
# and cannot be installed next to it (k8s-reference caveat 4).
CRD_FILES = (
    "kuberay/crds/ray.io_rayjobs.yaml",
    "kuberay/crds/ray.io_rayclusters.yaml",
    "karmada/crds/policy.karmada.io_propagationpolicies.yaml",
    "karmada/crds/policy.karmada.io_clusterpropagationpolicies.yaml",
    "karmada/crds/policy.karmada.io_overridepolicies.yaml",
    "karmada/crds/policy.karmada.io_clusteroverridepolicies.yaml",
    "karmada/crds/policy.karmada.io_federatedresourcequotas.yaml",
    "karmada/crds/work.karmada.io_resourcebindings.yaml",
    "karmada/crds/work.karmada.io_clusterresourcebindings.yaml",
    "karmada/crds/work.karmada.io_works.yaml",
    "karmada/crds/config.karmada.io_resourceinterpretercustomizations.yaml",
    "kubeflow-training-operator-v1/crds/kubeflow.org_pytorchjobs.yaml",
    "kubeflow-training-operator-v1/crds/kubeflow.org_tfjobs.yaml",
    "kubeflow-training-operator-v1/crds/kubeflow.org_jaxjobs.yaml",
    "kubeflow-training-operator-v1/crds/kubeflow.org_xgboostjobs.yaml",
    "kubeflow-mpi-operator/crds/kubeflow.org_mpijobs.yaml",
    "kubeflow-trainer-v2/crds/trainer.kubeflow.org_trainjobs.yaml",
    "kubeflow-trainer-v2/crds/trainer.kubeflow.org_trainingruntimes.yaml",
    "kubeflow-trainer-v2/crds/trainer.kubeflow.org_clustertrainingruntimes.yaml",
)

_OPENAPI = "kubernetes/openapi-spec-v3/release-1.35/"


@dataclass(frozen=True)
class _Builtin:
    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool
    has_status: bool
    document: str
    short_names: tuple[str, ...] = ()
    # Printer columns of the real server's table convertor, for the few kinds kubectl shows.
    columns: tuple[dict[str, Any], ...] = ()


BUILTINS: tuple[_Builtin, ...] = (
    _Builtin("", "v1", "namespaces", "Namespace", False, True, "api__v1_openapi.json", ("ns",),
             ({"name": "Status", "type": "string", "jsonPath": ".status.phase"},)),
    _Builtin("", "v1", "secrets", "Secret", True, False, "api__v1_openapi.json", (),
             ({"name": "Type", "type": "string", "jsonPath": ".type"},)),
    _Builtin("", "v1", "configmaps", "ConfigMap", True, False, "api__v1_openapi.json", ("cm",)),
    _Builtin("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", True, True,
             "api__v1_openapi.json", ("pvc",),
             ({"name": "Status", "type": "string", "jsonPath": ".status.phase"},)),
    _Builtin("", "v1", "pods", "Pod", True, True, "api__v1_openapi.json", ("po",),
             ({"name": "Status", "type": "string", "jsonPath": ".status.phase"},)),
    _Builtin("", "v1", "services", "Service", True, True, "api__v1_openapi.json", ("svc",),
             ({"name": "Type", "type": "string", "jsonPath": ".spec.type"},
              {"name": "Cluster-IP", "type": "string", "jsonPath": ".spec.clusterIP"})),
    _Builtin("", "v1", "events", "Event", True, False, "api__v1_openapi.json", ("ev",),
             ({"name": "Reason", "type": "string", "jsonPath": ".reason"},
              {"name": "Message", "type": "string", "jsonPath": ".message"})),
    _Builtin("", "v1", "serviceaccounts", "ServiceAccount", True, False,
             "api__v1_openapi.json", ("sa",)),
    _Builtin("batch", "v1", "jobs", "Job", True, True, "apis__batch__v1_openapi.json", (),
             ({"name": "Completions", "type": "integer", "jsonPath": ".spec.completions"},
              {"name": "Succeeded", "type": "integer", "jsonPath": ".status.succeeded"})),
    _Builtin("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", False, False,
             "apis__scheduling.k8s.io__v1_openapi.json", ("pc",),
             ({"name": "Value", "type": "integer", "jsonPath": ".value"},)),
    _Builtin("coordination.k8s.io", "v1", "leases", "Lease", True, False,
             "apis__coordination.k8s.io__v1_openapi.json", (),
             ({"name": "Holder", "type": "string", "jsonPath": ".spec.holderIdentity"},)),
)  # fmt: skip

_AGE = {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}
# The built-in table convertors end with Age.
BUILTINS = tuple(
    _Builtin(**{**b.__dict__, "columns": (*b.columns, _AGE) if b.columns else ()}) for b in BUILTINS
)

_COMPONENT_PREFIX = {
    "": "io.k8s.api.core.v1.",
    "batch": "io.k8s.api.batch.v1.",
    "scheduling.k8s.io": "io.k8s.api.scheduling.v1.",
    "coordination.k8s.io": "io.k8s.api.coordination.v1.",
}

CLUSTER_SCHEMA = "karmada/openapi/cluster.karmada.io_v1alpha1_Cluster.schema.json"


@dataclass(frozen=True)
class ResourceType:
    """One served resource (group/version/plural). Hashable; compare by identity fields."""

    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool
    has_status: bool
    singular: str = field(default="", compare=False)
    short_names: tuple[str, ...] = field(default=(), compare=False)
    categories: tuple[str, ...] = field(default=(), compare=False)
    printer_columns: tuple[dict[str, Any], ...] = field(default=(), compare=False)
    # Other subresources served besides status (e.g. Cluster's "proxy").
    extra_subresources: tuple[str, ...] = field(default=(), compare=False)
    # Whether this version is the storage/preferred version of its group-resource.
    preferred: bool = field(default=True, compare=False)
    # DELETE answers the deleted object (custom resources) or a Success Status (built-in
    # registries: genericregistry.Store.ReturnDeletedObject is false).
    return_deleted_object: bool = field(default=True, compare=False)
    schema: ResourceSchema | None = field(default=None, compare=False, repr=False)

    @property
    def api_version(self) -> str:
        """`v1` for the core group, else `group/version`."""
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_resource(self) -> tuple[str, str]:
        """Identity of the stored objects, shared by all served versions."""
        return (self.group, self.plural)

    @property
    def list_kind(self) -> str:
        return f"{self.kind}List"


def load_resource_types(reference: Path) -> list[ResourceType]:
    """Every resource the simulator serves, from the reference directory."""
    types: list[ResourceType] = []
    for relative in CRD_FILES:
        types.extend(_crd_types(reference / relative))
    for b in BUILTINS:
        schema = ResourceSchema.from_builtin(
            reference / _OPENAPI / b.document, _COMPONENT_PREFIX[b.group] + b.kind
        )
        types.append(
            ResourceType(
                b.group,
                b.version,
                b.plural,
                b.kind,
                b.namespaced,
                b.has_status,
                singular=b.kind.lower(),
                short_names=b.short_names,
                printer_columns=b.columns,
                return_deleted_object=False,
                schema=schema,
            )
        )
    types.append(
        ResourceType(
            "cluster.karmada.io",
            "v1alpha1",
            "clusters",
            "Cluster",
            namespaced=False,
            has_status=True,
            singular="cluster",
            categories=("karmada-io",),
            # karmada-aggregated-apiserver's table columns (pkg/printers/internalversion).
            printer_columns=(
                {"name": "Version", "type": "string", "jsonPath": ".status.kubernetesVersion"},
                {"name": "Mode", "type": "string", "jsonPath": ".spec.syncMode"},
                {
                    "name": "Ready",
                    "type": "string",
                    "jsonPath": '.status.conditions[?(@.type=="Ready")].status',
                },
            ),
            extra_subresources=("proxy",),
            return_deleted_object=False,
            schema=ResourceSchema.from_json_schema(reference / CLUSTER_SCHEMA),
        )
    )
    return types


def _crd_types(path: Path) -> list[ResourceType]:
    types: list[ResourceType] = []
    for doc in load_yaml_documents(str(path)):
        if doc.get("kind") != "CustomResourceDefinition":
            continue
        spec = doc["spec"]
        names = spec["names"]
        for ver in spec["versions"]:
            if not ver.get("served", True):
                continue
            schema = ver.get("schema", {}).get("openAPIV3Schema", {})
            types.append(
                ResourceType(
                    spec["group"],
                    ver["name"],
                    names["plural"],
                    names["kind"],
                    namespaced=spec["scope"] == "Namespaced",
                    has_status="status" in (ver.get("subresources") or {}),
                    singular=names.get("singular", names["kind"].lower()),
                    short_names=tuple(names.get("shortNames") or ()),
                    categories=tuple(names.get("categories") or ()),
                    printer_columns=tuple(ver.get("additionalPrinterColumns") or ()),
                    preferred=bool(ver.get("storage")),
                    schema=ResourceSchema(
                        schema, group=spec["group"], version=ver["name"], kind=names["kind"]
                    ),
                )
            )
    return types
