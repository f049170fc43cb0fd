"""The Kubernetes/Karmada resources the product reads and writes, and their REST paths."""

from __future__ import annotations

from dataclasses import dataclass

from app.karmada.paths import api_path


@dataclass(frozen=True)
class ApiResource:
    group: str
    version: str
    plural: str
    namespaced: bool = True

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    def path(self, namespace: str | None = None, name: str | None = None) -> str:
        """Validated and escaped by app.karmada.paths (InvalidPathValue for a bad value)."""
        return api_path(
            self.group, self.version, self.plural, namespace if self.namespaced else None, name
        )


CLUSTERS = ApiResource("cluster.karmada.io", "v1alpha1", "clusters", namespaced=False)
PROPAGATION_POLICIES = ApiResource("policy.karmada.io", "v1alpha1", "propagationpolicies")
RESOURCE_BINDINGS = ApiResource("work.karmada.io", "v1alpha2", "resourcebindings")
NAMESPACES = ApiResource("", "v1", "namespaces", namespaced=False)
SECRETS = ApiResource("", "v1", "secrets")
PVCS = ApiResource("", "v1", "persistentvolumeclaims")
PRIORITY_CLASSES = ApiResource("scheduling.k8s.io", "v1", "priorityclasses", namespaced=False)


def resource_for_manifest(manifest: dict[str, object], plural: str) -> ApiResource:
    """The resource a manifest belongs to, given its plural (which a manifest lacks)."""
    api_version = str(manifest["apiVersion"])
    group, _, version = api_version.rpartition("/")
    return ApiResource(group, version, plural)
