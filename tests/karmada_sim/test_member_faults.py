"""Faults on members (issue 19), driven over HTTP: partitions, evictions, preemptions, node
loss, app failures. The statuses they leave (binding aggregatedStatus, pods through the
cluster proxy, the Cluster's Ready condition) must classify as the platform expects
(app/workloads/failures.py)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from kubernetes_asyncio import client

from app.workloads.failures import Cause, FailureKind, MemberHealth, classify
from app.workloads.status import parse_time
from karmada_sim.runtime import EmbeddedSimulator
from tests.karmada_sim.test_karmada_controller import (
    PP,
    RAY,
    RB,
    create,
    delete,
    get_or_none,
    policy,
    rayjob,
)
from tests.support.eventually import eventually

SCENARIO = "simulator.ml-platform.io/scenario"
PYTORCH = ("kubeflow.org", "v1", "pytorchjobs")
ON_MEMBER1 = {"clusterAffinity": {"clusterNames": ["member1"]}}
CLUSTERS = "/apis/cluster.karmada.io/v1alpha1/clusters"


def scenario(**fields: Any) -> dict[str, str]:
    return {SCENARIO: json.dumps({"runSeconds": 60, **fields})}


def batch_job(name: str, namespace: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "namespace": namespace, "annotations": scenario()},
        "spec": {
            "backoffLimit": 0,
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [{"name": "main", "image": "busybox",
                                    "resources": {"requests": {"cpu": "100m"}}}],
                }
            },
            **spec,
        },
    }


def pytorchjob(name: str, namespace: str) -> dict[str, Any]:
    template = {"spec": {"containers": [{"name": "pytorch", "image": "pytorch",
                                         "resources": {"requests": {"cpu": "100m"}}}]}}
    replica = {"replicas": 1, "restartPolicy": "Never", "template": template}
    return {
        "apiVersion": "kubeflow.org/v1",
        "kind": "PyTorchJob",
        "metadata": {"name": name, "namespace": namespace, "annotations": scenario()},
        "spec": {"pytorchReplicaSpecs": {"Master": replica, "Worker": dict(replica)}},
    }


class Harness:
    """Create a workload on member1 and read what the platform would read of it."""

    def __init__(self, sim: EmbeddedSimulator, api: client.ApiClient, ns: str) -> None:
        self.sim = sim
        self.custom = client.CustomObjectsApi(api)
        self.batch = client.BatchV1Api(api)
        self.ns = ns
        token = sim.call(lambda s: s.config.token) or ""
        self.http = httpx.AsyncClient(base_url=sim.url, timeout=10,
                                      headers={"Authorization": f"Bearer {token}"})

    async def submit(self, kind: str, name: str, **spec: Any) -> None:
        if kind == "Job":
            await self.batch.create_namespaced_job(self.ns, batch_job(name, self.ns, **spec))
            api_version = "batch/v1"
        elif kind == "RayJob":
            await create(self.custom, RAY, self.ns, rayjob(name, self.ns, **scenario()))
            api_version = "ray.io/v1"
        else:
            await create(self.custom, PYTORCH, self.ns, pytorchjob(name, self.ns))
            api_version = "kubeflow.org/v1"
        await create(self.custom, PP, self.ns, policy(name, self.ns, kind, api_version, ON_MEMBER1))

    async def member_status(self, kind: str, name: str) -> dict[str, Any] | None:
        """member1's item of the binding's aggregatedStatus (what the platform reads)."""
        rb = await get_or_none(self.custom.get_namespaced_custom_object(
            *RB[:2], self.ns, RB[2], f"{name}-{kind.lower()}"))
        for item in ((rb or {}).get("status") or {}).get("aggregatedStatus") or []:
            if item.get("clusterName") == "member1" and item.get("status"):
                return dict(item["status"])
        return None

    async def member_workload(self, name: str, cluster: str = "member1") -> dict[str, Any] | None:
        answer = (await self.http.get(f"/_sim/clusters/{cluster}/workloads")).json()
        return next((w for w in answer["workloads"]
                     if (w["namespace"], w["name"]) == (self.ns, name)), None)

    async def running(self, name: str) -> None:
        async def probe() -> bool:
            workload = await self.member_workload(name)
            return workload is not None and workload["phase"] == "Running"

        await eventually(probe, what=f"{name} running on member1")

    async def pods(self) -> list[dict[str, Any]]:
        answer = await self.http.get(
            f"{CLUSTERS}/member1/proxy/api/v1/namespaces/{self.ns}/pods")
        assert answer.status_code == 200, answer.text
        return list(answer.json()["items"])

    async def cluster(self, name: str) -> dict[str, Any]:
        answer = await self.http.get(f"{CLUSTERS}/{name}")
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    async def disrupt(self, **body: Any) -> httpx.Response:
        return await self.http.post("/_sim/disruptions", json=body)


@pytest.fixture
async def harness(
    karmada_sim: EmbeddedSimulator, karmada_client: client.ApiClient, karmada_ns: str
) -> AsyncIterator[Harness]:
    h = Harness(karmada_sim, karmada_client, karmada_ns)
    try:
        yield h
    finally:
        await h.http.post("/_sim/clusters/member1", json={"ready": True, "reachable": True})
        await h.http.delete("/_sim/disruptions")
        await h.http.aclose()


def _failed(kind: str, status: dict[str, Any] | None) -> bool:
    if status is None:
        return False
    if kind == "RayJob":
        return status.get("jobDeploymentStatus") == "Failed"
    return any(c.get("type") in ("Failed", "FailureTarget") and c.get("status") == "True"
               for c in status.get("conditions") or [])


async def _failed_status(h: Harness, kind: str, name: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        status = await h.member_status(kind, name)
        return status if _failed(kind, status) else None

    return dict(await eventually(probe, what=f"{kind} {name} failed on the binding"))


KINDS = ["Job", "PyTorchJob", "RayJob"]
DISRUPTIONS = [
    ("Evict", "EvictionByEvictionAPI", Cause.POD_EVICTED),
    ("Preempt", "PreemptionByScheduler", Cause.PREEMPTED),
    ("NodeLost", "DeletionByTaintManager", Cause.NODE_LOST),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("fault", "reason", "cause"), DISRUPTIONS)
async def test_a_disruption_fails_the_workload_as_infrastructure(
    harness: Harness, kind: str, fault: str, reason: str, cause: Cause
) -> None:
    name = f"d-{kind.lower()}-{fault.lower()}"
    await harness.submit(kind, name)
    await harness.running(name)
    answer = await harness.disrupt(type=fault, cluster="member1", namespace=harness.ns, name=name)
    assert answer.status_code == 201, answer.text
    (hit,) = answer.json()["disrupted"]
    assert (hit["kind"], hit["phase"], hit["disruptionTarget"]["reason"]) == (
        kind, "Failed", reason)
    status = await _failed_status(harness, kind, name)
    pods = await harness.pods()
    disrupted = [p for p in pods if any(c["type"] == "DisruptionTarget"
                                        for c in p["status"]["conditions"])]
    assert [p["metadata"]["name"] for p in disrupted] == hit["pods"]
    (target,) = [c for c in disrupted[0]["status"]["conditions"] if c["type"] == "DisruptionTarget"]
    assert (target["status"], target["reason"]) == ("True", reason)
    assert disrupted[0]["status"]["phase"] == "Failed"
    failure = classify(kind, status, pods=pods)
    assert (failure.kind, failure.cause) == (FailureKind.INFRASTRUCTURE, cause), failure
    # Without the pods, the workload's own status reads as the app's failure: the recovery
    # loop must read the pods before it decides.
    assert classify(kind, status).kind is FailureKind.APPLICATION


@pytest.mark.parametrize("kind", KINDS)
async def test_an_app_failure_carries_its_exit_code(harness: Harness, kind: str) -> None:
    name = f"app-{kind.lower()}"
    await harness.submit(kind, name)
    await harness.running(name)
    answer = await harness.disrupt(type="AppFailure", name=name, namespace=harness.ns,
                                   exitCode=3)
    assert answer.status_code == 201, answer.text
    status = await _failed_status(harness, kind, name)
    failure = classify(kind, status, pods=await harness.pods())
    assert (failure.kind, failure.cause) == (FailureKind.APPLICATION, Cause.EXIT_CODE), failure
    assert "code 3" in failure.detail


async def test_a_job_under_its_backoff_limit_retries_an_evicted_pod(harness: Harness) -> None:
    name = "d-backoff"
    await harness.submit("Job", name, backoffLimit=1)
    await harness.running(name)
    first = (await harness.disrupt(type="Evict", name=name)).json()["disrupted"][0]
    assert first["phase"] == "Pending"  # the Job controller starts a replacement pod

    async def second_attempt_running() -> bool:
        workload = await harness.member_workload(name)
        return workload is not None and (workload["attempt"], workload["phase"]) == (1, "Running")

    await eventually(second_attempt_running)
    status = await harness.member_status("Job", name)
    assert status is not None and status["failed"] == 1
    assert classify("Job", status, pods=await harness.pods()).kind is FailureKind.NONE
    await harness.disrupt(type="Evict", name=name)
    status = await _failed_status(harness, "Job", name)
    assert any(c["reason"] == "BackoffLimitExceeded" for c in status["conditions"])
    failure = classify("Job", status, pods=await harness.pods())
    assert failure.cause is Cause.POD_EVICTED


async def test_a_pod_failure_policy_fails_the_job_on_disruption(harness: Harness) -> None:
    name = "d-pfp"
    rules = [{"action": "FailJob",
              "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]}]
    await harness.submit("Job", name, backoffLimit=6, podFailurePolicy={"rules": rules})
    await harness.running(name)
    await harness.disrupt(type="Preempt", name=name)
    status = await _failed_status(harness, "Job", name)
    (failed,) = [c for c in status["conditions"] if c["type"] == "FailureTarget"]
    assert failed["reason"] == "PodFailurePolicy"
    assert "condition DisruptionTarget matching FailJob rule at index 0" in failed["message"]
    assert classify("Job", status).cause is Cause.POD_DISRUPTED
    assert classify("Job", status, pods=await harness.pods()).cause is Cause.PREEMPTED


async def test_node_loss_by_cluster_and_node_hits_every_pod_there(harness: Harness) -> None:
    names = ["n-a", "n-b"]
    for name in names:
        await harness.submit("Job", name)
    for name in names:
        await harness.running(name)
    answer = await harness.disrupt(type="NodeLost", cluster="member1", node="member1-node-0")
    assert answer.status_code == 201, answer.text
    hit = {(d["namespace"], d["name"]) for d in answer.json()["disrupted"]}
    assert {(harness.ns, n) for n in names} <= hit
    state = (await harness.http.get("/_sim/clusters/member1")).json()
    assert state["lostNodes"] == ["member1-node-0"]

    async def one_node_down() -> bool:
        summary = (await harness.cluster("member1"))["status"]["nodeSummary"]
        return summary["readyNum"] == summary["totalNum"] - 1

    await eventually(one_node_down)
    for name in names:
        status = await _failed_status(harness, "Job", name)
        pods = [p for p in await harness.pods()
                if p["metadata"]["labels"].get("job-name") == name]
        failure = classify("Job", status, pods=pods)
        assert failure.cause is Cause.NODE_LOST
        terminated = pods[0]["status"]["containerStatuses"][0]["state"]["terminated"]
        assert terminated["reason"] == "ContainerStatusUnknown"


async def test_fault_requests_that_hit_nothing(harness: Harness) -> None:
    assert (await harness.disrupt(type="Melt", name="x")).status_code == 400
    assert (await harness.disrupt(type="Evict")).status_code == 400
    assert (await harness.disrupt(type="Evict", name="nothing-here")).status_code == 404
    assert (await harness.disrupt(type="Evict", name="x", cluster="nope")).status_code == 404
    assert (await harness.disrupt(type="AppFailure", name="x", exitCode=0)).status_code == 400
    name = "d-pending"
    await harness.batch.create_namespaced_job(harness.ns, {
        **batch_job(name, harness.ns),
        "metadata": {"name": name, "namespace": harness.ns,
                     "annotations": {SCENARIO: json.dumps({"stuckPending": True})}}})
    await create(harness.custom, PP, harness.ns,
                 policy(name, harness.ns, "Job", "batch/v1", ON_MEMBER1))

    async def on_member() -> bool:
        return await harness.member_workload(name) is not None

    await eventually(on_member)
    answer = await harness.disrupt(type="Evict", name=name)
    assert answer.status_code == 409, answer.text


@pytest.mark.parametrize(
    ("health", "reason", "cause"),
    [
        ({"reachable": False}, "ClusterNotReachable", Cause.MEMBER_UNREACHABLE),
        ({"ready": False}, "ClusterNotReady", Cause.MEMBER_NOT_READY),
    ],
)
async def test_a_member_lost_mid_run_comes_back_with_the_old_attempt_running(
    harness: Harness, health: dict[str, bool], reason: str, cause: Cause
) -> None:
    """The partition: the member goes away, the platform deletes the attempt, Karmada cannot
    delete it there, so it keeps running; when the member returns Karmada removes it."""
    name = f"p-{reason.lower()}"
    await harness.submit("RayJob", name)
    await harness.running(name)
    await harness.http.post("/_sim/clusters/member1", json=health)

    async def not_ready() -> dict[str, Any] | None:
        cluster = await harness.cluster("member1")
        ready = next(c for c in cluster["status"]["conditions"] if c["type"] == "Ready")
        return cluster if ready["status"] == "False" else None

    cluster = await eventually(not_ready)
    ready = next(c for c in cluster["status"]["conditions"] if c["type"] == "Ready")
    assert ready["reason"] == reason
    since = parse_time(ready["lastTransitionTime"])
    assert since is not None
    grace = timedelta(seconds=30)
    member = MemberHealth.from_cluster(cluster)
    running = await harness.member_status("RayJob", name)  # the last status Karmada got
    assert classify("RayJob", running, member=member, now=since, grace=grace).kind is (
        FailureKind.NONE)
    failure = classify("RayJob", running, member=member, now=since + grace, grace=grace)
    assert (failure.kind, failure.cause) == (FailureKind.INFRASTRUCTURE, cause)
    pods = await harness.http.get(f"{CLUSTERS}/member1/proxy/api/v1/namespaces/{harness.ns}/pods")
    assert pods.status_code == (503 if "reachable" in health else 200)

    # The platform gives up on this attempt: Karmada forgets it at once ...
    await delete(harness.custom, RAY, harness.ns, name)

    async def binding_gone() -> bool:
        return await harness.member_status("RayJob", name) is None and await get_or_none(
            harness.custom.get_namespaced_custom_object(*RB[:2], harness.ns, RB[2],
                                                        f"{name}-rayjob")) is None

    await eventually(binding_gone)
    # ... but the member never heard of it: the old attempt is still there, running.
    stale = await harness.member_workload(name)
    assert stale is not None and (stale["phase"], stale["pendingDelete"]) == ("Running", True)
    state = (await harness.http.get("/_sim/clusters/member1")).json()
    assert state["pendingWrites"] >= 1

    await harness.http.post("/_sim/clusters/member1", json={"ready": True, "reachable": True})

    async def removed() -> bool:
        return await harness.member_workload(name) is None

    await eventually(removed, what="the stale attempt deleted once member1 is back")


@pytest.mark.parametrize("kind", ["Job", "RayJob"])
async def test_a_deadline_is_never_an_infrastructure_failure(harness: Harness, kind: str) -> None:
    name = f"dl-{kind.lower()}"
    if kind == "Job":
        await harness.submit(kind, name, activeDeadlineSeconds=1)
    else:
        body = rayjob(name, harness.ns, **scenario())
        body["spec"]["activeDeadlineSeconds"] = 1
        await create(harness.custom, RAY, harness.ns, body)
        await create(harness.custom, PP, harness.ns,
                     policy(name, harness.ns, kind, "ray.io/v1", ON_MEMBER1))
    status = await _failed_status(harness, kind, name)
    failure = classify(kind, status, pods=await harness.pods())
    assert (failure.kind, failure.cause) == (FailureKind.DEADLINE, Cause.DEADLINE_EXCEEDED)


@pytest.mark.parametrize(
    ("fault", "exit_code", "phase"),
    [("Evict", None, "Pending"), ("AppFailure", 3, "Failed"), ("AppFailure", 137, "Pending")],
)
async def test_training_operator_exit_code_policy(
    harness: Harness, fault: str, exit_code: int | None, phase: str
) -> None:
    """restartPolicy ExitCode: SIGTERM/SIGKILL exits are retried, others fail the job at once."""
    name = f"ec-{fault.lower()}-{exit_code or 143}"
    body = pytorchjob(name, harness.ns)
    body["spec"]["runPolicy"] = {"backoffLimit": 2}
    for replica in body["spec"]["pytorchReplicaSpecs"].values():
        replica["restartPolicy"] = "ExitCode"
    await create(harness.custom, PYTORCH, harness.ns, body)
    await create(harness.custom, PP, harness.ns,
                 policy(name, harness.ns, "PyTorchJob", "kubeflow.org/v1", ON_MEMBER1))
    await harness.running(name)
    extra = {} if exit_code is None else {"exitCode": exit_code}
    answer = await harness.disrupt(type=fault, name=name, **extra)
    assert answer.json()["disrupted"][0]["phase"] == phase
