"""The resource detector's pure parts: policy matching, binding shape, member manifests."""

from __future__ import annotations

from typing import Any

import yaml

from karmada_sim.karmada import detector
from karmada_sim.karmada.interpreter import reference_dir

TEMPLATE: dict[str, Any] = {
    "apiVersion": "ray.io/v1", "kind": "RayJob",
    "metadata": {"name": "train", "namespace": "team", "uid": "uid-1", "resourceVersion": "7",
                 "generation": 1, "labels": {"app.kubernetes.io/managed-by": "ml-platform",
                                             "pick": "me"}},
    "spec": {"entrypoint": "python x.py"},
    "status": {"jobDeploymentStatus": "Running"},
}


def pp(name: str, selector: dict[str, Any], priority: int = 0, namespace: str = "team",
       kind: str = "PropagationPolicy") -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "labels": {
        detector.PP_ID_LABEL if kind == "PropagationPolicy" else detector.CPP_ID_LABEL:
        f"id-{name}"}}
    if kind == "PropagationPolicy":
        meta["namespace"] = namespace
    return {"apiVersion": "policy.karmada.io/v1alpha1", "kind": kind, "metadata": meta,
            "spec": {"priority": priority, "resourceSelectors": [selector],
                     "placement": {"clusterAffinity": {"clusterNames": ["m1"]}},
                     "propagateDeps": True}}


RAY = {"apiVersion": "ray.io/v1", "kind": "RayJob"}


def test_binding_name_lowercases_the_kind() -> None:
    assert detector.binding_name("train", "RayJob") == "train-rayjob"
    assert detector.binding_name("a:b", "PyTorchJob") == "a.b-pytorchjob"


def test_selector_priorities() -> None:
    assert detector.selector_priority(TEMPLATE, {**RAY, "name": "train"}) == detector.PRIORITY_NAME
    assert detector.selector_priority(TEMPLATE, {**RAY, "name": "other"}) == 0
    assert detector.selector_priority(
        TEMPLATE, {**RAY, "labelSelector": {"matchLabels": {"pick": "me"}}}) == (
        detector.PRIORITY_LABEL_SELECTOR)
    assert detector.selector_priority(TEMPLATE, dict(RAY)) == detector.PRIORITY_MATCH_ALL
    assert detector.selector_priority(TEMPLATE, {**RAY, "namespace": "elsewhere"}) == 0
    assert detector.selector_priority(TEMPLATE, {"apiVersion": "ray.io/v1", "kind": "RayCluster"}) \
        == 0


def test_best_policy_order() -> None:
    by_kind = pp("by-kind", dict(RAY))
    by_name = pp("by-name", {**RAY, "name": "train"})
    urgent = pp("urgent", dict(RAY), priority=5)
    other_ns = pp("other-ns", {**RAY, "name": "train"}, namespace="x")
    cpp = pp("cluster-wide", {**RAY, "name": "train", "namespace": "team"},
             priority=100, kind="ClusterPropagationPolicy")
    assert detector.best_policy(TEMPLATE, [by_kind, by_name]) is by_name
    assert detector.best_policy(TEMPLATE, [by_name, urgent]) is urgent
    assert detector.best_policy(TEMPLATE, [other_ns]) is None
    assert detector.best_policy(TEMPLATE, [cpp, by_kind]) is by_kind  # PP before CPP
    assert detector.best_policy(TEMPLATE, [cpp]) is cpp
    twin = pp("a-first", dict(RAY))
    assert detector.best_policy(TEMPLATE, [by_kind, twin]) is twin  # then by name
    deleting = pp("deleting", {**RAY, "name": "train"})
    deleting["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    assert detector.best_policy(TEMPLATE, [deleting]) is None


def test_binding_matches_the_karmada_example_shape() -> None:
    example = list(yaml.safe_load_all((reference_dir() / "examples" /
        "karmada-propagationpolicy-and-resourcebinding-rayjob.yaml").read_text()))
    policy, expected = example[0], example[1]
    template = {"apiVersion": "ray.io/v1", "kind": "RayJob",
                "metadata": {"name": "rayjob-sample", "namespace": "default",
                             "uid": expected["spec"]["resource"]["uid"],
                             "resourceVersion": expected["spec"]["resource"]["resourceVersion"],
                             "labels": {"mine": "yes"}}}
    binding = detector.build_binding(template, policy, None)
    meta = binding["metadata"]
    assert meta["name"] == expected["metadata"]["name"]
    assert set(meta["labels"]) == set(expected["metadata"]["labels"])
    assert meta["labels"][detector.PP_ID_LABEL] == expected["metadata"]["labels"][
        detector.PP_ID_LABEL]
    assert meta["annotations"] == expected["metadata"]["annotations"]
    assert meta["finalizers"] == expected["metadata"]["finalizers"]
    assert meta["ownerReferences"] == expected["metadata"]["ownerReferences"]
    spec = dict(expected["spec"])
    spec.pop("clusters")
    assert binding["spec"] == spec


def test_binding_keeps_its_permanent_id_and_clusters_on_rebuild() -> None:
    policy = pp("p", {**RAY, "name": "train"})
    first = detector.build_binding(TEMPLATE, policy, (2, {"resourceRequest": {"cpu": "1"}}))
    assert (first["spec"]["replicas"], first["spec"]["propagateDeps"]) == (2, True)
    first["metadata"]["resourceVersion"] = "9"
    first["spec"]["clusters"] = [{"name": "m1", "replicas": 2}]
    again = detector.build_binding(TEMPLATE, policy, None, first)
    assert again["metadata"]["labels"][detector.RB_ID_LABEL] == first["metadata"]["labels"][
        detector.RB_ID_LABEL]
    assert again["spec"]["clusters"] == [{"name": "m1", "replicas": 2}]
    assert again["metadata"]["resourceVersion"] == "9"


def test_claim_and_unclaim_patches() -> None:
    policy = pp("p", {**RAY, "name": "train"})
    claim = detector.claim_patch(policy)
    assert claim == {"metadata": {
        "labels": {detector.PP_ID_LABEL: "id-p"},
        "annotations": {detector.PP_NAME_ANNOTATION: "p",
                        detector.PP_NAMESPACE_ANNOTATION: "team"}}}
    claimed = {**TEMPLATE, "metadata": {**TEMPLATE["metadata"], **claim["metadata"]}}
    assert detector.claimed_by(claimed) == ("team", "p")
    assert detector.claimed_by(TEMPLATE) is None
    assert all(v is None for v in detector.unclaim_patch()["metadata"]["labels"].values())


def test_member_manifest_strips_control_plane_fields() -> None:
    claim = detector.claim_patch(pp("p", dict(RAY)))["metadata"]
    claimed = {**TEMPLATE, "metadata": {
        **TEMPLATE["metadata"], "labels": {**TEMPLATE["metadata"]["labels"], **claim["labels"]},
        "annotations": claim["annotations"]}}
    binding = detector.build_binding(claimed, pp("p", dict(RAY)), None)
    manifest = detector.member_manifest(claimed, binding)
    meta = manifest["metadata"]
    assert "status" not in manifest
    assert not {"uid", "resourceVersion", "generation"} & set(meta)
    assert detector.PP_ID_LABEL not in meta["labels"]
    assert meta["labels"]["app.kubernetes.io/managed-by"] == "ml-platform"
    assert meta["labels"][detector.MANAGED_LABEL] == "true"
    assert meta["annotations"]["resourcetemplate.karmada.io/uid"] == "uid-1"
    assert detector.PP_NAME_ANNOTATION not in meta["annotations"]
