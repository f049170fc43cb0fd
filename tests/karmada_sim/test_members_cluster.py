"""One member cluster on its own: capacity, pending pods, events, logs, cleanup."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from karmada_sim.config import MemberConfig
from karmada_sim.members.cluster import MemberCluster
from karmada_sim.members.lifecycle import Timing
from karmada_sim.members.scenario import Scenario
from tests.support.eventually import eventually


@pytest.fixture
async def member() -> AsyncIterator[MemberCluster]:
    config = MemberConfig(name="m", nodes=1, cpu_per_node=4, gpus_per_node=2,
                          operators=("kuberay", "training-operator"))
    m = MemberCluster(config, Timing(initializing_seconds=0.05, running_seconds=0.2), 0.02)
    task = asyncio.get_running_loop().create_task(m.run())
    try:
        yield m
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def gpu_job(name: str, gpus: int, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"backoffLimit": 0, **spec, "template": {"spec": {"containers": [
                {"name": "main", "image": "trainer:1",
                 "resources": {"limits": {"nvidia.com/gpu": str(gpus)}}}]}}}}


def phase_of(member: MemberCluster, name: str) -> str | None:
    pods = [p for (ns, _), p in member.pods.items()
            if p["metadata"]["labels"].get("job-name") == name]
    return pods[0]["status"]["phase"] if pods else None


def job_key(name: str) -> tuple[str, str, str, str]:
    return ("batch/v1", "Job", "default", name)


async def test_pods_wait_for_gpus_and_start_when_freed(member: MemberCluster) -> None:
    member.apply(gpu_job("first", 2), Scenario(run_seconds=0.3))
    await eventually(lambda: phase_of(member, "first") == "Running")
    assert member.resource_summary()["allocated"]["nvidia.com/gpu"] == "2"
    member.apply(gpu_job("second", 1), Scenario(run_seconds=0.1))
    await eventually(lambda: phase_of(member, "second") == "Pending")
    pending = next(p for p in member.pods.values()
                   if p["metadata"]["labels"]["job-name"] == "second")
    scheduled = pending["status"]["conditions"][0]
    assert (scheduled["reason"], "Insufficient nvidia.com/gpu" in scheduled["message"]) == (
        "Unschedulable", True)
    assert member.resource_summary()["allocating"]["nvidia.com/gpu"] == "1"
    assert any(e["reason"] == "FailedScheduling" for e in member.events)
    await eventually(lambda: phase_of(member, "second") == "Succeeded")
    assert member.resource_summary()["allocated"]["nvidia.com/gpu"] == "0"


async def test_image_pull_backoff_and_stuck_pending(member: MemberCluster) -> None:
    member.apply(gpu_job("pull", 0), Scenario(image_pull_backoff=True))
    member.apply(gpu_job("stuck", 0), Scenario(stuck_pending=True))
    member.apply(gpu_job("control", 0), Scenario(run_seconds=60))

    def waiting() -> Any:
        pod = next((p for p in member.pods.values()
                    if p["metadata"]["labels"]["job-name"] == "pull"), None)
        statuses = (pod or {}).get("status", {}).get("containerStatuses") or []
        return statuses and statuses[0]["state"].get("waiting", {}).get("reason")

    assert await eventually(waiting) == "ImagePullBackOff"
    assert any(e["reason"] == "BackOff" for e in member.events)
    # A job applied alongside it has started: the stuck one would have too.
    await eventually(lambda: phase_of(member, "control") == "Running")
    assert phase_of(member, "stuck") == "Pending"
    assert (member.get(job_key("stuck")) or {}).get("status", {})["active"] == 1


async def test_logs_grow_while_running_and_end_with_the_outcome(member: MemberCluster) -> None:
    member.apply(gpu_job("talk", 0), Scenario(run_seconds=0.15, outcome="Failed",
                                              failure_message="NaN loss"))
    pod = await eventually(lambda: next((k for k, p in member.pods.items()
                                    if p["metadata"]["labels"]["job-name"] == "talk"), None))
    await eventually(lambda: (member.get(job_key("talk")) or {}).get("status", {}).get("failed"))
    lines, terminated = member.pod_log(*pod) or ([], False)
    assert terminated
    assert lines[0][1].endswith("starting") and lines[-1][1].endswith("ERROR: NaN loss")
    assert len(lines) >= 4
    assert [t for t, _ in lines] == sorted(t for t, _ in lines)


async def test_delete_removes_pods_and_frees_capacity(member: MemberCluster) -> None:
    member.apply(gpu_job("gone", 2), Scenario(run_seconds=30))
    await eventually(lambda: phase_of(member, "gone") == "Running")
    member.delete(job_key("gone"))
    assert phase_of(member, "gone") is None
    assert member.allocated.get("nvidia.com/gpu", 0) == 0
    assert member.get(job_key("gone")) is None


async def test_ttl_after_finished_removes_pods(member: MemberCluster) -> None:
    member.apply(gpu_job("ttl", 0, ttlSecondsAfterFinished=0.1), Scenario(run_seconds=0.05))
    await eventually(lambda: phase_of(member, "ttl") == "Succeeded")
    await eventually(lambda: phase_of(member, "ttl") is None)


async def test_status_change_callback_fires(member: MemberCluster) -> None:
    seen: list[tuple[str, tuple[str, str, str, str]]] = []
    member.on_status_change = lambda cluster, key: seen.append((cluster, key))
    member.apply(gpu_job("cb", 0), Scenario(run_seconds=0.05))
    await eventually(lambda: (member.get(job_key("cb")) or {}).get("status", {}).get("succeeded"))
    assert ("m", job_key("cb")) in seen


def test_api_enablements_follow_installed_operators() -> None:
    m = MemberCluster(MemberConfig(name="x", operators=("mpi-operator",)), Timing(), 1.0)
    assert m.serves("kubeflow.org/v2beta1", "MPIJob")
    assert m.serves("batch/v1", "Job")
    assert not m.serves("ray.io/v1", "RayJob")
    assert not m.serves("kubeflow.org/v1", "PyTorchJob")


async def test_rayjob_shutdown_after_finish_tears_down_cluster_and_pods(
    member: MemberCluster,
) -> None:
    rayjob = {"apiVersion": "ray.io/v1", "kind": "RayJob",
              "metadata": {"name": "rj", "namespace": "default"},
              "spec": {"entrypoint": "python x.py", "shutdownAfterJobFinishes": True,
                       "ttlSecondsAfterFinished": 0,
                       "rayClusterSpec": {"headGroupSpec": {"template": {"spec": {
                           "containers": [{"name": "head", "image": "ray"}]}}}}}}
    member.apply(rayjob, Scenario(run_seconds=0.1))
    await eventually(lambda: member.list_kind("ray.io/v1", "RayCluster", "default"))
    key = ("ray.io/v1", "RayJob", "default", "rj")

    def torn_down() -> bool:
        status = (member.get(key) or {}).get("status", {})
        return status.get("jobDeploymentStatus") == "Complete" and not any(
            owner == key for owner in member.pod_owner.values())

    await eventually(torn_down)
    assert member.list_kind("ray.io/v1", "RayCluster", "default") == []
    assert member.allocated.get("cpu", 0) == 0


def ray_job(name: str) -> dict[str, Any]:
    template = {"spec": {"containers": [{"name": "ray", "image": "rayproject/ray:2.9.0"}]}}
    return {"apiVersion": "ray.io/v1", "kind": "RayJob",
            "metadata": {"name": name, "namespace": "default", "uid": f"uid-{name}"},
            "spec": {"entrypoint": "python train.py", "rayClusterSpec": {
                "headGroupSpec": {"template": template},
                "workerGroupSpecs": [{"groupName": "w", "replicas": 1, "template": template}]}}}


async def test_logs_of_finished_workloads_are_final(member: MemberCluster) -> None:
    """A Succeeded job's pods, and Ray nodes that outlive their job, write nothing more."""
    member.apply(gpu_job("done", 0), Scenario(run_seconds=0.1))
    member.apply(ray_job("ray-done"), Scenario(run_seconds=0.1))
    member.apply(gpu_job("busy", 0), Scenario(run_seconds=60))  # the control: still running
    rayjob = ("ray.io/v1", "RayJob", "default", "ray-done")
    await eventually(lambda: phase_of(member, "done") == "Succeeded")
    await eventually(lambda: (member.get(rayjob) or {}).get("status", {}).get("jobStatus")
                == "SUCCEEDED")
    finished = [k for k, p in member.pods.items()
                if p["metadata"]["labels"].get("job-name") == "done"
                or p["metadata"]["labels"].get("ray.io/originated-from-cr-name") == "ray-done"]
    busy = next(k for k, p in member.pods.items()
                if p["metadata"]["labels"].get("job-name") == "busy")
    assert len(finished) >= 3  # the Job's pod, the Ray head and worker (and the submitter)
    await eventually(lambda: len((member.pod_log(*busy) or ([], False))[0]) > 1)
    first = {k: (member.pod_log(*k) or ([], False))[0] for k in finished}
    busy_before = len((member.pod_log(*busy) or ([], False))[0])
    # The member's own clock moves on by many log intervals (a positive signal, no sleep).
    start = member.now()
    await eventually(lambda: member.now() >= start + 10 * member.log_interval)
    await eventually(lambda: len((member.pod_log(*busy) or ([], False))[0]) > busy_before)
    for key, lines in first.items():
        assert (member.pod_log(*key) or ([], False))[0] == lines, key
    head = next(k for k in finished if "-head-" in k[1])
    assert first[head][-1][1].endswith("job succeeded; idle until teardown")
    assert not any("step=" in text for _, text in first[head][-1:])
