"""Replica requirements and dependencies of a pod template, as Karmada computes them.

- ``replica_requirements``: pkg/util/helper/binding.go GenerateReplicaRequirements +
  pkg/util/resource.go AddPodTemplateRequest (requests default to limits; containers summed,
  init containers max'ed, overhead added; only cpu/memory/ephemeral-storage/pods and scalar
  resources such as ``nvidia.com/gpu`` count).
- ``pod_dependencies``: pkg/util/helper/pod.go GetDependenciesFromPodTemplate (ConfigMaps,
  Secrets, ServiceAccount unless "default", PVCs; lifted VisitPodSecretNames /
  VisitPodConfigmapNames).
"""

from __future__ import annotations

from typing import Any

from karmada_sim.karmada.quantity import Quantity, binary_bytes, decimal_count, milli_cpu

_NATIVE = {"cpu", "memory", "ephemeral-storage", "pods"}


def is_scalar_resource(name: str) -> bool:
    """lifted.IsScalarResourceName: extended, hugepages-, attachable-volumes-."""
    if name.startswith(("hugepages-", "attachable-volumes-")):
        return True
    if "/" in name:
        return not name.startswith(("kubernetes.io/", "requests."))
    return False


class ResourceTotals:
    """util.Resource: integer amounts per resource name (cpu in milli)."""

    def __init__(self) -> None:
        self.amounts: dict[str, int] = {}

    @staticmethod
    def _amount(name: str, quantity: Any) -> int | None:
        q = Quantity.parse(quantity)
        if name == "cpu":
            return q.milli_value()
        if name in _NATIVE or is_scalar_resource(name):
            return q.int_value()
        return None

    def add(self, resources: dict[str, Any] | None) -> None:
        for name, quantity in (resources or {}).items():
            amount = self._amount(name, quantity)
            if amount is not None:
                self.amounts[name] = self.amounts.get(name, 0) + amount

    def set_max(self, resources: dict[str, Any] | None) -> None:
        for name, quantity in (resources or {}).items():
            amount = self._amount(name, quantity)
            if amount is not None and amount > self.amounts.get(name, 0):
                self.amounts[name] = amount

    def resource_list(self) -> dict[str, str] | None:
        """Canonical quantity strings (Resource.ResourceList); None when empty."""
        out: dict[str, str] = {}
        for name, amount in self.amounts.items():
            if amount <= 0:
                continue
            if name == "cpu":
                out[name] = milli_cpu(amount)
            elif name in ("memory", "ephemeral-storage") or name.startswith("hugepages-"):
                out[name] = binary_bytes(amount)
            else:
                out[name] = decimal_count(amount)
        return out or None


def _effective_requests(container: dict[str, Any]) -> dict[str, Any]:
    resources = container.get("resources") or {}
    requests = dict(resources.get("requests") or {})
    for name, value in (resources.get("limits") or {}).items():
        requests.setdefault(name, value)
    return requests


def pod_request_totals(pod_spec: dict[str, Any]) -> ResourceTotals:
    """The effective request of one pod (AddPodTemplateRequest)."""
    totals = ResourceTotals()
    for container in pod_spec.get("containers") or []:
        totals.add(_effective_requests(container))
    for container in pod_spec.get("initContainers") or []:
        totals.set_max(_effective_requests(container))
    totals.add(pod_spec.get("overhead"))
    return totals


def node_claim(pod_spec: dict[str, Any]) -> dict[str, Any] | None:
    """GenerateNodeClaimByPodSpec."""
    claim: dict[str, Any] = {}
    if pod_spec.get("nodeSelector"):
        claim["nodeSelector"] = pod_spec["nodeSelector"]
    if pod_spec.get("tolerations"):
        claim["tolerations"] = pod_spec["tolerations"]
    required = (((pod_spec.get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution"))
    if required is not None:
        claim["hardNodeAffinity"] = required
    if "nodeSelector" not in claim and "hardNodeAffinity" not in claim and not claim.get(
        "tolerations"
    ):
        return None
    return claim


def replica_requirements(template: dict[str, Any]) -> dict[str, Any] | None:
    """ReplicaRequirements of a PodTemplateSpec (None when it asks for nothing)."""
    spec = template.get("spec") or {}
    claim = node_claim(spec)
    request = pod_request_totals(spec).resource_list()
    if claim is None and request is None:
        return None
    out: dict[str, Any] = {}
    if claim is not None:
        out["nodeClaim"] = claim
    if request is not None:
        out["resourceRequest"] = request
    return out


_SECRET_VOLUME_REFS = (
    ("azureFile", "secretName"),
    ("cephfs", "secretRef.name"),
    ("cinder", "secretRef.name"),
    ("flexVolume", "secretRef.name"),
    ("rbd", "secretRef.name"),
    ("scaleIO", "secretRef.name"),
    ("iscsi", "secretRef.name"),
    ("storageos", "secretRef.name"),
    ("csi", "nodePublishSecretRef.name"),
    ("secret", "secretName"),
)


def _dig(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _all_containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        *(spec.get("initContainers") or []),
        *(spec.get("containers") or []),
        *(spec.get("ephemeralContainers") or []),
    ]


def _names(spec: dict[str, Any]) -> tuple[set[str], set[str]]:
    config_maps: set[str] = set()
    secrets: set[str] = set()
    for ref in spec.get("imagePullSecrets") or []:
        if ref.get("name"):
            secrets.add(ref["name"])
    for container in _all_containers(spec):
        for source in container.get("envFrom") or []:
            if _dig(source, "configMapRef.name"):
                config_maps.add(source["configMapRef"]["name"])
            if _dig(source, "secretRef.name"):
                secrets.add(source["secretRef"]["name"])
        for env in container.get("env") or []:
            if _dig(env, "valueFrom.configMapKeyRef.name"):
                config_maps.add(env["valueFrom"]["configMapKeyRef"]["name"])
            if _dig(env, "valueFrom.secretKeyRef.name"):
                secrets.add(env["valueFrom"]["secretKeyRef"]["name"])
    for volume in spec.get("volumes") or []:
        if _dig(volume, "configMap.name"):
            config_maps.add(volume["configMap"]["name"])
        for kind, field in _SECRET_VOLUME_REFS:
            name = _dig(volume, f"{kind}.{field}")
            if name:
                secrets.add(name)
        for source in _dig(volume, "projected.sources") or []:
            if _dig(source, "configMap.name"):
                config_maps.add(source["configMap"]["name"])
            if _dig(source, "secret.name"):
                secrets.add(source["secret"]["name"])
    return config_maps, secrets


def pod_dependencies(template: dict[str, Any], namespace: str) -> list[dict[str, str]]:
    """DependentObjectReferences of a pod template (sorted within each kind)."""
    spec = template.get("spec") or {}
    config_maps, secrets = _names(spec)
    accounts = {spec["serviceAccountName"]} if spec.get("serviceAccountName") not in (
        None, "", "default") else set()
    claims = {
        name for v in spec.get("volumes") or []
        if (name := _dig(v, "persistentVolumeClaim.claimName"))
    }
    refs: list[dict[str, str]] = []
    for kind, names in (("ConfigMap", config_maps), ("Secret", secrets),
                        ("ServiceAccount", accounts), ("PersistentVolumeClaim", claims)):
        refs.extend({"apiVersion": "v1", "kind": kind, "namespace": namespace, "name": n}
                    for n in sorted(names))
    return refs
