"""Pure helpers of the OPERATE modules, tested with plain values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.operations.logs import (
    PodLog,
    _already_sent,
    bounded_lines,
    pod_refs,
    pod_selector,
    render_logs,
    split_timestamp,
)
from app.operations.retention import parse_duration
from app.operations.stopping import is_suspended, suspend_patch
from app.workloads import ALL_KINDS, BATCHJOB, MPIJOB, PYTORCHJOB, RAYJOB
from resolvers.clusters import cluster_view, parse_quantity
from resolvers.jobs import merge_request


def test_pod_selector_uses_the_job_id_label_and_installation() -> None:
    assert pod_selector("train-1-0000abcd", "prod") == (
        "ml-platform.io/job-id=train-1-0000abcd,ml-platform.io/instance=prod"
    )


def test_pod_refs_sorted_with_container_names() -> None:
    pods = {"items": [
        {"metadata": {"name": "b", "namespace": "ns"},
         "spec": {"containers": [{"name": "main"}, {"name": "sidecar"}]}},
        {"metadata": {"name": "a", "namespace": "ns"}, "spec": {"containers": [{"name": "x"}]}},
    ]}
    refs = pod_refs("member1", pods)
    assert [(r.name, r.containers) for r in refs] == [("a", ("x",)), ("b", ("main", "sidecar"))]
    assert pod_refs("member1", {"items": None}) == []


def test_bounded_lines_keeps_the_newest() -> None:
    assert bounded_lines("1\n2\n3\n", 2) == (["2", "3"], True)
    assert bounded_lines("1\n2\n", 2) == (["1", "2"], False)
    assert bounded_lines("", 5) == ([], False)


def test_render_logs_headers_only_for_several_pods() -> None:
    one = PodLog("m1", "p1", "", "a\n", 1, False)
    two = PodLog("m1", "p2", "c", "b", 1, False)
    assert render_logs([one]) == "a\n"
    assert render_logs([one, two]) == "==> m1/p1 <==\na\n==> m1/p2/c <==\nb\n"
    assert render_logs([]) == ""


def test_split_timestamp_handles_nanoseconds_and_plain_lines() -> None:
    stamp, text = split_timestamp("2026-01-02T03:04:05.123456789Z step=1 loss=0.5\n")
    assert stamp == datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    assert text == "step=1 loss=0.5"
    assert split_timestamp("no stamp here") == (None, "no stamp here")
    assert split_timestamp("2026-13-02T03:04:05Z bad month")[0] is None


def test_resumed_follow_skips_lines_already_sent() -> None:
    t = datetime(2026, 1, 1, tzinfo=UTC)
    assert _already_sent(t - timedelta(seconds=1), "x", t, set())
    assert _already_sent(t, "x", t, {"x"})
    assert not _already_sent(t, "y", t, {"x"})
    assert not _already_sent(t + timedelta(seconds=1), "x", t, {"x"})
    assert not _already_sent(None, "x", t, {"x"})


def test_suspend_patch_per_kind() -> None:
    assert suspend_patch(RAYJOB) == {"spec": {"suspend": True}}
    assert suspend_patch(BATCHJOB) == {"spec": {"suspend": True}}
    assert suspend_patch(PYTORCHJOB) == {"spec": {"runPolicy": {"suspend": True}}}
    assert suspend_patch(MPIJOB) == {"spec": {"runPolicy": {"suspend": True}}}
    for kind in ALL_KINDS:
        patch = suspend_patch(kind)
        assert patch is not None
        assert is_suspended(kind, patch)
        assert not is_suspended(kind, {"spec": {}})


@pytest.mark.parametrize(("text", "seconds"), [
    ("90d", 90 * 86400), ("12h", 43200), ("30m", 1800), ("45s", 45), ("2w", 1209600),
    ("1.5h", 5400), (" 0s ", 0),
])
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["90", "d", "-1d", "1y", "ninety days", ""])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


@pytest.mark.parametrize(("value", "number"), [
    ("64", 64.0), ("500m", 0.5), ("512Gi", 512 * 2**30), ("1k", 1000.0), ("2e3", 2000.0),
    (8, 8.0), ("bogus", 0.0), (None, 0.0), ("1Zi", 0.0),
])
def test_parse_quantity(value: object, number: float) -> None:
    assert parse_quantity(value) == number


def test_cluster_view_reads_capacity_from_the_cluster_status() -> None:
    view = cluster_view({
        "metadata": {"name": "m", "labels": {"zone": "z"}},
        "spec": {"region": "r", "zones": ["a", "b"], "provider": "p"},
        "status": {
            "conditions": [{"type": "Ready", "status": "False", "reason": "ClusterNotReachable"}],
            "nodeSummary": {"totalNum": 4, "readyNum": 3},
            "resourceSummary": {
                "allocatable": {"cpu": "64", "memory": "256Gi", "nvidia.com/gpu": "8",
                                "pods": "440"},
                "allocated": {"cpu": "1500m", "memory": "2Gi"},
                "allocating": {"cpu": "2"},
            },
        },
    })
    assert (view.ready, view.ready_reason, view.zone) == (False, "ClusterNotReachable", "a")
    assert (view.nodes_ready, view.nodes_total) == (3, 4)
    assert view.allocatable.cpu == 64 and view.allocatable.gpus == 8
    assert view.allocatable.memory_bytes == 256 * 2**30 and view.allocatable.pods == 440
    assert view.allocated.cpu == 1.5 and view.allocated.gpus == 0
    assert view.allocating.cpu == 2


def test_merge_request_merges_objects_and_replaces_the_rest() -> None:
    base = {"priority": 1, "resources": {"instanceCount": 1, "instanceResources": {"cpuCores": 2}},
            "targetClusters": ["a"]}
    merged = merge_request(base, {"resources": {"instanceCount": 3}, "targetClusters": ["b"]})
    assert merged == {"priority": 1, "targetClusters": ["b"],
                      "resources": {"instanceCount": 3, "instanceResources": {"cpuCores": 2}}}
    assert base["resources"] == {"instanceCount": 1, "instanceResources": {"cpuCores": 2}}
