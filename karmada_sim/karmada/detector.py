"""karmada-controller-manager's resource detector, as pure functions.

- policy matching: pkg/util/selector.go ResourceMatches / ResourceSelectorPriority (a selector
  naming the object beats a labelSelector beats kind-only), explicit ``spec.priority`` first,
  PropagationPolicy before ClusterPropagationPolicy, then the policy name;
- the claim Karmada writes on the template: label ``propagationpolicy.karmada.io/permanent-id``
  and annotations ``propagationpolicy.karmada.io/name`` / ``.../namespace``
  (pkg/detector/claim.go, pkg/apis/policy/v1alpha1/well_known_constants.go);
- ``build_binding``: pkg/detector/detector.go BuildResourceBinding — name
  ``<name>-<kind lowercased>`` (pkg/util/names GenerateBindingName), Karmada's own labels
  (never the template's), an ownerReference to the template (controller, blockOwnerDeletion),
  finalizer ``karmada.io/binding-controller``, spec.resource {apiVersion, kind, namespace,
  name, uid, resourceVersion}, placement/propagateDeps/schedulerName/conflictResolution/failover
  copied from the policy, replicas/replicaRequirements when the kind is replica-interpretable.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from karmada_sim.karmada.affinity import label_selector_matches

PP_ID_LABEL = "propagationpolicy.karmada.io/permanent-id"
CPP_ID_LABEL = "clusterpropagationpolicy.karmada.io/permanent-id"
RB_ID_LABEL = "resourcebinding.karmada.io/permanent-id"
PP_NAME_ANNOTATION = "propagationpolicy.karmada.io/name"
PP_NAMESPACE_ANNOTATION = "propagationpolicy.karmada.io/namespace"
CPP_NAME_ANNOTATION = "clusterpropagationpolicy.karmada.io/name"
PP_FINALIZER = "karmada.io/propagation-policy-controller"
CPP_FINALIZER = "karmada.io/cluster-propagation-policy-controller"
BINDING_FINALIZER = "karmada.io/binding-controller"
MANAGED_LABEL = "karmada.io/managed"

# ImplicitPriority (pkg/util/selector.go)
PRIORITY_MISMATCH = 0
PRIORITY_MATCH_ALL = 1
PRIORITY_LABEL_SELECTOR = 2
PRIORITY_NAME = 3


def binding_name(name: str, kind: str) -> str:
    """names.GenerateBindingName: ``<name>-<lowercase kind>`` (':' made DNS-safe)."""
    return f"{name.replace(':', '.')}-{kind.lower()}"


def selector_priority(obj: dict[str, Any], selector: dict[str, Any]) -> int:
    """How well one resourceSelector matches the object (0: not at all)."""
    meta = obj.get("metadata") or {}
    if selector.get("apiVersion") != obj.get("apiVersion") or selector.get("kind") != obj.get(
        "kind"
    ):
        return PRIORITY_MISMATCH
    if selector.get("namespace") and selector["namespace"] != meta.get("namespace"):
        return PRIORITY_MISMATCH
    if selector.get("name"):
        return PRIORITY_NAME if selector["name"] == meta.get("name") else PRIORITY_MISMATCH
    if selector.get("labelSelector") is not None:
        matched = label_selector_matches(selector["labelSelector"], meta.get("labels") or {})
        return PRIORITY_LABEL_SELECTOR if matched else PRIORITY_MISMATCH
    return PRIORITY_MATCH_ALL


def policy_priority(obj: dict[str, Any], policy: dict[str, Any]) -> int:
    """The best implicit priority over the policy's resourceSelectors."""
    selectors = (policy.get("spec") or {}).get("resourceSelectors") or []
    return max((selector_priority(obj, s) for s in selectors), default=PRIORITY_MISMATCH)


def best_policy(obj: dict[str, Any], policies: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The policy that claims ``obj`` (PPs of its namespace and CPPs), or None."""
    meta = obj.get("metadata") or {}
    best: tuple[Any, ...] | None = None
    chosen: dict[str, Any] | None = None
    for policy in policies:
        pmeta = policy.get("metadata") or {}
        if pmeta.get("deletionTimestamp"):
            continue
        is_pp = policy.get("kind") == "PropagationPolicy"
        if is_pp and pmeta.get("namespace") != meta.get("namespace"):
            continue
        implicit = policy_priority(obj, policy)
        if implicit == PRIORITY_MISMATCH:
            continue
        explicit = int((policy.get("spec") or {}).get("priority") or 0)
        rank = (1 if is_pp else 0, explicit, implicit)
        # ties: alphabetical by name (the first wins)
        chosen_name = str(((chosen or {}).get("metadata") or {}).get("name", ""))
        if best is None or rank > best or (rank == best and pmeta.get("name", "") < chosen_name):
            best, chosen = rank, policy
    return chosen


def policy_id(policy: dict[str, Any]) -> str:
    labels = (policy.get("metadata") or {}).get("labels") or {}
    return labels.get(PP_ID_LABEL) or labels.get(CPP_ID_LABEL) or ""


def claim_patch(policy: dict[str, Any]) -> dict[str, Any]:
    """The metadata merge patch that claims a template for ``policy``."""
    meta = policy["metadata"]
    if policy.get("kind") == "PropagationPolicy":
        return {"metadata": {
            "labels": {PP_ID_LABEL: policy_id(policy)},
            "annotations": {PP_NAME_ANNOTATION: meta["name"],
                            PP_NAMESPACE_ANNOTATION: meta.get("namespace", "")}}}
    return {"metadata": {"labels": {CPP_ID_LABEL: policy_id(policy)},
                         "annotations": {CPP_NAME_ANNOTATION: meta["name"]}}}


def unclaim_patch() -> dict[str, Any]:
    """Remove every policy claim from a template."""
    return {"metadata": {
        "labels": {PP_ID_LABEL: None, CPP_ID_LABEL: None},
        "annotations": {PP_NAME_ANNOTATION: None, PP_NAMESPACE_ANNOTATION: None,
                        CPP_NAME_ANNOTATION: None}}}


def claimed_by(obj: dict[str, Any]) -> tuple[str, str] | None:
    """(namespace, name) of the PP claiming ``obj`` ("" namespace for a CPP), or None."""
    ann = (obj.get("metadata") or {}).get("annotations") or {}
    if ann.get(PP_NAME_ANNOTATION):
        return ann.get(PP_NAMESPACE_ANNOTATION, ""), ann[PP_NAME_ANNOTATION]
    if ann.get(CPP_NAME_ANNOTATION):
        return "", ann[CPP_NAME_ANNOTATION]
    return None


def build_binding(
    template: dict[str, Any],
    policy: dict[str, Any],
    replicas: tuple[int, dict[str, Any] | None] | None,
    existing: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ResourceBinding for ``template`` claimed by ``policy`` (spec only, no status)."""
    meta = template["metadata"]
    pspec = policy.get("spec") or {}
    pmeta = policy["metadata"]
    is_pp = policy.get("kind") == "PropagationPolicy"
    labels = {(PP_ID_LABEL if is_pp else CPP_ID_LABEL): policy_id(policy)}
    old_labels = ((existing or {}).get("metadata") or {}).get("labels") or {}
    labels[RB_ID_LABEL] = old_labels.get(RB_ID_LABEL) or str(uuid.uuid4())
    annotations = ({PP_NAME_ANNOTATION: pmeta["name"],
                    PP_NAMESPACE_ANNOTATION: pmeta.get("namespace", "")}
                   if is_pp else {CPP_NAME_ANNOTATION: pmeta["name"]})
    spec: dict[str, Any] = {
        "resource": {
            "apiVersion": template["apiVersion"], "kind": template["kind"],
            "namespace": meta.get("namespace", ""), "name": meta["name"],
            "uid": meta.get("uid", ""), "resourceVersion": meta.get("resourceVersion", ""),
        },
        "placement": copy.deepcopy(pspec.get("placement") or {}),
        "conflictResolution": pspec.get("conflictResolution", "Abort"),
        "schedulerName": pspec.get("schedulerName", "default-scheduler"),
    }
    if pspec.get("propagateDeps"):
        spec["propagateDeps"] = True
    if pspec.get("failover"):
        spec["failover"] = copy.deepcopy(pspec["failover"])
    if replicas is not None:
        count, requirements = replicas
        if count:
            spec["replicas"] = count
        if requirements:
            spec["replicaRequirements"] = requirements
    if existing is not None and (existing.get("spec") or {}).get("clusters"):
        spec["clusters"] = existing["spec"]["clusters"]
    binding: dict[str, Any] = {
        "apiVersion": "work.karmada.io/v1alpha2",
        "kind": "ResourceBinding",
        "metadata": {
            "name": binding_name(meta["name"], template["kind"]),
            "namespace": meta.get("namespace", ""),
            "labels": labels,
            "annotations": annotations,
            "finalizers": [BINDING_FINALIZER],
            "ownerReferences": [{
                "apiVersion": template["apiVersion"], "kind": template["kind"],
                "name": meta["name"], "uid": meta.get("uid", ""),
                "controller": True, "blockOwnerDeletion": True,
            }],
        },
        "spec": spec,
    }
    if existing is not None:
        binding["metadata"]["resourceVersion"] = existing["metadata"].get("resourceVersion")
    return binding


def member_manifest(template: dict[str, Any], binding: dict[str, Any]) -> dict[str, Any]:
    """The copy Karmada's execution controller applies to a member (Work manifest)."""
    obj = copy.deepcopy(template)
    meta = obj.setdefault("metadata", {})
    for dropped in ("uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
                    "ownerReferences", "finalizers", "deletionTimestamp", "selfLink"):
        meta.pop(dropped, None)
    obj.pop("status", None)
    labels = dict(meta.get("labels") or {})
    for key in (PP_ID_LABEL, CPP_ID_LABEL):
        labels.pop(key, None)
    labels[MANAGED_LABEL] = "true"
    bmeta = binding["metadata"]
    labels[RB_ID_LABEL] = (bmeta.get("labels") or {}).get(RB_ID_LABEL, "")
    meta["labels"] = labels
    annotations = dict(meta.get("annotations") or {})
    for key in (PP_NAME_ANNOTATION, PP_NAMESPACE_ANNOTATION, CPP_NAME_ANNOTATION):
        annotations.pop(key, None)
    annotations["resourcetemplate.karmada.io/uid"] = template["metadata"].get("uid", "")
    annotations["resourcebinding.karmada.io/name"] = bmeta["name"]
    annotations["resourcebinding.karmada.io/namespace"] = bmeta.get("namespace", "")
    meta["annotations"] = annotations
    return obj
