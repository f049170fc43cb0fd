"""karmada-scheduler rules as a pure function (karmada_sim.karmada.scheduler)."""

from __future__ import annotations

from typing import Any

import pytest

from karmada_sim.karmada.scheduler import (
    NOT_READY_TAINT,
    ClusterView,
    ScheduleRequest,
    SchedulingError,
    cluster_matches,
    schedule,
)

RAY = ("ray.io/v1", "RayJob")
JOB = ("batch/v1", "Job")
ALL_APIS = {RAY, JOB, ("kubeflow.org/v1", "PyTorchJob")}


def member(name: str, **kw: Any) -> ClusterView:
    kw.setdefault("api_enablements", set(ALL_APIS))
    kw.setdefault("available", {"cpu": 16000, "memory": 64 * 2**30, "pods": 110})
    kw["available"].setdefault("pods", 110)
    return ClusterView(name=name, **kw)


def names(result: list[dict[str, Any]]) -> list[str]:
    return sorted(c["name"] for c in result)


def rayjob(placement: dict[str, Any], **kw: Any) -> ScheduleRequest:
    return ScheduleRequest(api_version=RAY[0], kind=RAY[1], placement=placement, **kw)


TWO = [member("member1", region="us-east-1"), member("member2", region="eu-west-1")]


def test_bare_divided_rayjob_goes_whole_to_every_cluster_negative_case() -> None:
    # RayJob has no replicaResource hook -> binding replicas 0 -> assignReplicas gives every
    # selected cluster a full copy, even under Divided (the job would run twice).
    placement = {"clusterAffinity": {"clusterNames": ["member1", "member2"]},
                 "replicaScheduling": {"replicaSchedulingType": "Divided",
                                       "replicaDivisionPreference": "Weighted"}}
    result = schedule(rayjob(placement), TWO)
    assert result.clusters == [{"name": "member1"}, {"name": "member2"}]


def test_spread_by_cluster_max_groups_one_picks_exactly_one_cluster() -> None:
    placement = {"clusterAffinity": {"clusterNames": ["member1", "member2"]},
                 "spreadConstraints": [{"spreadByField": "cluster", "minGroups": 1,
                                        "maxGroups": 1}],
                 "replicaScheduling": {"replicaSchedulingType": "Divided",
                                       "replicaDivisionPreference": "Aggregated"}}
    result = schedule(rayjob(placement), TWO)
    assert len(result.clusters) == 1


def test_spread_prefers_cluster_already_scheduled_locality() -> None:
    placement = {"spreadConstraints": [{"spreadByField": "cluster", "minGroups": 1,
                                        "maxGroups": 1}]}
    result = schedule(rayjob(placement, previous=[{"name": "member2"}]), TWO)
    assert result.clusters == [{"name": "member2"}]


def test_cluster_without_the_crd_is_not_a_candidate() -> None:
    clusters = [member("member1", api_enablements={JOB}), member("member2")]
    assert names(schedule(rayjob({}), clusters).clusters) == ["member2"]


def test_no_cluster_with_the_crd_is_no_cluster_fit() -> None:
    clusters = [member("member1", api_enablements={JOB})]
    with pytest.raises(SchedulingError) as err:
        schedule(rayjob({}), clusters)
    assert err.value.reason == "NoClusterFit"
    assert err.value.message == (
        "0/1 clusters are available: 1 cluster(s) did not have the API resource.")


def test_not_ready_cluster_is_filtered_by_its_taint() -> None:
    clusters = [member("member1", taints=[NOT_READY_TAINT]), member("member2")]
    assert names(schedule(rayjob({}), clusters).clusters) == ["member2"]
    with pytest.raises(SchedulingError) as err:
        schedule(rayjob({"clusterAffinity": {"clusterNames": ["member1"]}}), clusters)
    assert "untolerated taint {cluster.karmada.io/not-ready: }" in err.value.message


def test_affinity_label_field_and_exclude() -> None:
    gpu = member("gpu", labels={"accelerator": "nvidia"}, provider="aws", region="us-east-1",
                 zones=["us-east-1a"])
    assert cluster_matches(gpu, {"labelSelector": {"matchLabels": {"accelerator": "nvidia"}}})
    assert not cluster_matches(gpu, {"labelSelector": {"matchExpressions": [
        {"key": "accelerator", "operator": "NotIn", "values": ["nvidia"]}]}})
    assert cluster_matches(gpu, {"fieldSelector": {"matchExpressions": [
        {"key": "region", "operator": "In", "values": ["us-east-1"]},
        {"key": "provider", "operator": "In", "values": ["aws"]},
        {"key": "zone", "operator": "In", "values": ["us-east-1a", "x"]}]}})
    assert not cluster_matches(gpu, {"fieldSelector": {"matchExpressions": [
        {"key": "zone", "operator": "NotIn", "values": ["us-east-1a"]}]}})
    assert not cluster_matches(gpu, {"exclude": ["gpu"]})
    assert not cluster_matches(gpu, {"clusterNames": ["other"]})


def test_cluster_affinities_fall_back_to_the_next_term() -> None:
    placement = {"clusterAffinities": [
        {"affinityName": "primary", "clusterNames": ["gone"]},
        {"affinityName": "backup", "clusterNames": ["member2"]},
    ]}
    result = schedule(rayjob(placement), TWO)
    assert result.clusters == [{"name": "member2"}]
    assert result.affinity_name == "backup"


def test_spread_by_region_one_cluster_per_region() -> None:
    clusters = [member("a1", region="r1"), member("a2", region="r1"), member("b1", region="r2")]
    placement = {"spreadConstraints": [
        {"spreadByField": "region", "minGroups": 2, "maxGroups": 2},
        {"spreadByField": "cluster", "minGroups": 2, "maxGroups": 2}]}
    result = schedule(rayjob(placement), clusters)
    assert len(result.clusters) == 2
    assert {c["name"][0] for c in result.clusters} == {"a", "b"}


def test_region_spread_filters_clusters_without_region() -> None:
    clusters = [member("a1", region=""), member("b1", region="r2")]
    placement = {"spreadConstraints": [{"spreadByField": "region", "minGroups": 1,
                                        "maxGroups": 1}]}
    assert names(schedule(rayjob(placement), clusters).clusters) == ["b1"]


def job_request(replicas: int, placement: dict[str, Any], cpu: str = "1") -> ScheduleRequest:
    return ScheduleRequest(api_version=JOB[0], kind=JOB[1], placement=placement,
                           replicas=replicas,
                           requirements={"resourceRequest": {"cpu": cpu}})


def test_duplicated_job_copies_replicas_to_each_cluster() -> None:
    result = schedule(job_request(3, {"replicaScheduling": {
        "replicaSchedulingType": "Duplicated"}}), TWO)
    assert result.clusters == [{"name": "member1", "replicas": 3},
                               {"name": "member2", "replicas": 3}]


def test_divided_static_weights() -> None:
    placement = {"replicaScheduling": {
        "replicaSchedulingType": "Divided", "replicaDivisionPreference": "Weighted",
        "weightPreference": {"staticWeightList": [
            {"targetCluster": {"clusterNames": ["member1"]}, "weight": 1},
            {"targetCluster": {"clusterNames": ["member2"]}, "weight": 3}]}}}
    result = schedule(job_request(4, placement), TWO)
    assert sorted(result.clusters, key=lambda c: c["name"]) == [
        {"name": "member1", "replicas": 1}, {"name": "member2", "replicas": 3}]


def test_divided_aggregated_packs_the_fewest_clusters() -> None:
    clusters = [member("small", available={"cpu": 2000}), member("big", available={"cpu": 8000})]
    placement = {"replicaScheduling": {"replicaSchedulingType": "Divided",
                                       "replicaDivisionPreference": "Aggregated"}}
    assert schedule(job_request(5, placement), clusters).clusters == [
        {"name": "big", "replicas": 5}]
    result = schedule(job_request(9, placement), clusters)
    assert sorted(result.clusters, key=lambda c: c["name"]) == [
        {"name": "big", "replicas": 7}, {"name": "small", "replicas": 2}]


def test_divided_not_enough_room_is_unschedulable() -> None:
    clusters = [member("small", available={"cpu": 2000})]
    placement = {"replicaScheduling": {"replicaSchedulingType": "Divided",
                                       "replicaDivisionPreference": "Aggregated"}}
    with pytest.raises(SchedulingError) as err:
        schedule(job_request(3, placement), clusters)
    assert err.value.reason == "Unschedulable"
    assert err.value.message == "Clusters available replicas 2 are not enough to schedule."


def test_gpu_requirement_picks_the_gpu_cluster_under_spread() -> None:
    clusters = [member("cpu-only", available={"cpu": 64000}),
                member("gpu", available={"cpu": 64000, "nvidia.com/gpu": 8})]
    placement = {"spreadConstraints": [{"spreadByField": "cluster", "minGroups": 1,
                                        "maxGroups": 1}],
                 "replicaScheduling": {"replicaSchedulingType": "Divided",
                                       "replicaDivisionPreference": "Aggregated"}}
    request = ScheduleRequest(api_version=JOB[0], kind=JOB[1], placement=placement, replicas=2,
                              requirements={"resourceRequest": {"nvidia.com/gpu": "1"}})
    assert schedule(request, clusters).clusters == [{"name": "gpu", "replicas": 2}]


def test_emptier_cluster_wins_without_replica_requirements() -> None:
    # GeneralEstimator: no requirements -> free pod slots decide the order.
    clusters = [member("member1", available={"pods": 10}), member("member2",
                                                                 available={"pods": 50})]
    placement = {"spreadConstraints": [{"spreadByField": "cluster", "minGroups": 1,
                                        "maxGroups": 1}]}
    assert schedule(rayjob(placement), clusters).clusters == [{"name": "member2"}]
    # a cluster without a resource summary has no room at all
    assert schedule(rayjob(placement), [member("member1", available={"pods": 1}),
                                        ClusterView("member0", api_enablements=set(ALL_APIS))]
                    ).clusters == [{"name": "member1"}]


def test_cluster_view_from_cluster_object_example() -> None:
    import yaml

    from karmada_sim.karmada.interpreter import reference_dir

    docs = list(yaml.safe_load_all(
        (reference_dir() / "examples" / "karmada-cluster-with-status.yaml").read_text()))
    views = [ClusterView.from_cluster(d) for d in docs if d]
    assert views[0].name
    assert all(("batch/v1", "Job") in v.api_enablements for v in views)
    assert any(v.available.get("nvidia.com/gpu", 0) > 0 for v in views)
