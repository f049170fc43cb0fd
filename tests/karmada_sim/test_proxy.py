"""The member cluster proxy: pods, logs (tail, since, timestamps, follow), events, jobs."""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from karmada_sim.runtime import EmbeddedSimulator
from tests.support.eventually import eventually

PROXY = "/apis/cluster.karmada.io/v1alpha1/clusters/{cluster}/proxy/"
TOKEN = {"Authorization": "Bearer sim-token"}


@pytest.fixture
async def http(karmada_sim: EmbeddedSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=karmada_sim.url, headers=TOKEN, timeout=10) as c:
        yield c


async def start_job(http: httpx.AsyncClient, ns: str, name: str, run_seconds: float,
                    parallelism: int = 1) -> None:
    job = {"apiVersion": "batch/v1", "kind": "Job",
           "metadata": {"name": name, "namespace": ns, "annotations": {
               "simulator.ml-platform.io/scenario": json.dumps({"runSeconds": run_seconds})}},
           "spec": {"parallelism": parallelism, "completions": parallelism,
                    "template": {"metadata": {"labels": {"app": name}}, "spec": {
                        "restartPolicy": "Never",
                        "containers": [{"name": "trainer", "image": "busybox"}]}}}}
    policy = {"apiVersion": "policy.karmada.io/v1alpha1", "kind": "PropagationPolicy",
              "metadata": {"name": name, "namespace": ns},
              "spec": {"resourceSelectors": [{"apiVersion": "batch/v1", "kind": "Job",
                                              "name": name}],
                       "placement": {"clusterAffinity": {"clusterNames": ["member3"]}}}}
    created = await http.post(f"/apis/batch/v1/namespaces/{ns}/jobs", json=job)
    assert created.status_code == 201, created.text
    created = await http.post(
        f"/apis/policy.karmada.io/v1alpha1/namespaces/{ns}/propagationpolicies", json=policy)
    assert created.status_code == 201, created.text


async def running_pods(http: httpx.AsyncClient, ns: str, app: str) -> list[dict[str, Any]]:
    async def check() -> Any:
        got = await http.get(PROXY.format(cluster="member3") + f"api/v1/namespaces/{ns}/pods",
                             params={"labelSelector": f"app={app}"})
        assert got.status_code == 200
        pods = got.json()["items"]
        return pods if pods and all(p["status"]["phase"] == "Running" for p in pods) else None

    return list(await eventually(check))


async def test_pods_list_get_and_labels(http: httpx.AsyncClient, karmada_ns: str) -> None:
    await start_job(http, karmada_ns, "proxied", 30, parallelism=2)
    pods = await running_pods(http, karmada_ns, "proxied")
    assert len(pods) == 2
    labels = pods[0]["metadata"]["labels"]
    assert labels["job-name"] == labels["batch.kubernetes.io/job-name"] == "proxied"
    assert "controller-uid" in labels
    name = pods[0]["metadata"]["name"]
    one = await http.get(PROXY.format(cluster="member3") + f"api/v1/namespaces/{karmada_ns}/"
                         f"pods/{name}")
    assert one.json()["metadata"]["name"] == name
    none = await http.get(PROXY.format(cluster="member3") + f"api/v1/namespaces/{karmada_ns}/"
                          "pods", params={"labelSelector": "app=nothing"})
    assert none.json()["items"] == []
    jobs = await http.get(PROXY.format(cluster="member3") + f"apis/batch/v1/namespaces/"
                          f"{karmada_ns}/jobs")
    [job] = jobs.json()["items"]
    assert job["status"]["active"] == 2
    events = await http.get(PROXY.format(cluster="member3") + f"api/v1/namespaces/"
                            f"{karmada_ns}/events")
    assert any(e["involvedObject"]["name"] == "proxied" for e in events.json()["items"])
    services = await http.get(PROXY.format(cluster="member3") + f"api/v1/namespaces/"
                              f"{karmada_ns}/services")
    assert services.json()["kind"] == "ServiceList"


async def test_log_tail_timestamps_since_and_container(
    http: httpx.AsyncClient, karmada_ns: str
) -> None:
    await start_job(http, karmada_ns, "logger", 30)
    [pod] = await running_pods(http, karmada_ns, "logger")
    url = PROXY.format(cluster="member3") + f"api/v1/namespaces/{karmada_ns}/pods/" \
        f"{pod['metadata']['name']}/log"

    async def enough() -> Any:
        text = (await http.get(url)).text
        return text if text.count("\n") >= 4 else None

    full = await eventually(enough)
    assert full.splitlines()[0].endswith("starting")
    tail = (await http.get(url, params={"tailLines": "2"})).text.splitlines()
    assert len(tail) == 2
    stamped = (await http.get(url, params={"timestamps": "true", "tailLines": "1"})).text
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \[pod\] ", stamped)
    recent = (await http.get(url, params={"sinceSeconds": "0.25"})).text.splitlines()
    assert 0 < len(recent) < len(full.splitlines())
    assert (await http.get(url, params={"container": "trainer"})).status_code == 200
    assert (await http.get(url, params={"container": "nope"})).status_code == 400
    missing = await http.get(PROXY.format(cluster="member3") +
                             f"api/v1/namespaces/{karmada_ns}/pods/nope/log")
    assert missing.status_code == 404


async def test_log_follow_streams_until_the_pod_terminates(
    http: httpx.AsyncClient, karmada_ns: str
) -> None:
    await start_job(http, karmada_ns, "follower", 0.8)
    [pod] = await running_pods(http, karmada_ns, "follower")
    url = PROXY.format(cluster="member3") + f"api/v1/namespaces/{karmada_ns}/pods/" \
        f"{pod['metadata']['name']}/log"
    chunks: list[str] = []
    started = time.monotonic()
    async with http.stream("GET", url, params={"follow": "true"}) as response:
        assert response.status_code == 200
        async for chunk in response.aiter_text():
            chunks.append(chunk)
    text = "".join(chunks)
    assert len(chunks) > 1  # delivered over time, not in one piece
    assert text.rstrip().endswith("training finished successfully")
    assert time.monotonic() - started < 5


async def test_unknown_cluster_is_404(http: httpx.AsyncClient) -> None:
    got = await http.get(PROXY.format(cluster="nowhere") + "api/v1/namespaces/default/pods")
    assert got.status_code == 404
    assert got.json()["reason"] == "NotFound"


async def test_rayjob_operator_objects_are_listed_on_the_member(
    http: httpx.AsyncClient, karmada_ns: str
) -> None:
    name = "proxied-ray"
    rayjob = {"apiVersion": "ray.io/v1", "kind": "RayJob",
              "metadata": {"name": name, "namespace": karmada_ns, "annotations": {
                  "simulator.ml-platform.io/scenario": json.dumps({"runSeconds": 30})}},
              "spec": {"entrypoint": "python train.py", "rayClusterSpec": {
                  "headGroupSpec": {"rayStartParams": {}, "template": {"spec": {"containers": [
                      {"name": "ray-head", "image": "rayproject/ray:2.46.0"}]}}},
                  "workerGroupSpecs": [{"groupName": "gpu", "replicas": 2, "rayStartParams": {},
                                        "template": {"spec": {"containers": [
                                            {"name": "ray-worker",
                                             "image": "rayproject/ray:2.46.0"}]}}}]}}}
    policy = {"apiVersion": "policy.karmada.io/v1alpha1", "kind": "PropagationPolicy",
              "metadata": {"name": name, "namespace": karmada_ns},
              "spec": {"resourceSelectors": [{"apiVersion": "ray.io/v1", "kind": "RayJob",
                                              "name": name}],
                       "placement": {"clusterAffinity": {"clusterNames": ["member1"]}}}}
    assert (await http.post(f"/apis/ray.io/v1/namespaces/{karmada_ns}/rayjobs",
                            json=rayjob)).status_code == 201
    assert (await http.post(
        f"/apis/policy.karmada.io/v1alpha1/namespaces/{karmada_ns}/propagationpolicies",
        json=policy)).status_code == 201
    base = PROXY.format(cluster="member1")

    async def running() -> Any:
        got = await http.get(base + f"api/v1/namespaces/{karmada_ns}/pods",
                             params={"labelSelector": "ray.io/is-ray-node=yes"})
        pods = got.json()["items"]
        return pods if len(pods) == 3 and all(
            p["status"]["phase"] == "Running" for p in pods) else None

    pods = await eventually(running)
    cluster = pods[0]["metadata"]["labels"]["ray.io/cluster"]
    workers = [p for p in pods if p["metadata"]["labels"]["ray.io/node-type"] == "worker"]
    assert {p["metadata"]["labels"]["ray.io/group"] for p in workers} == {"gpu"}
    clusters = (await http.get(base + f"apis/ray.io/v1/namespaces/{karmada_ns}/rayclusters"))
    assert [c["metadata"]["name"] for c in clusters.json()["items"]] == [cluster]
    services = await http.get(base + f"api/v1/namespaces/{karmada_ns}/services")
    assert f"{cluster}-head-svc" in [s["metadata"]["name"] for s in services.json()["items"]]
    jobs = await http.get(base + f"apis/batch/v1/namespaces/{karmada_ns}/jobs")
    assert [j["metadata"]["name"] for j in jobs.json()["items"]] == [name]
    rayjobs = await http.get(base + f"apis/ray.io/v1/namespaces/{karmada_ns}/rayjobs/{name}")
    assert rayjobs.json()["status"]["rayClusterName"] == cluster


async def test_a_listed_kind_honours_the_label_selector_and_metadata_only_accept(
    http: httpx.AsyncClient, karmada_ns: str
) -> None:
    """A member LIST through the proxy keeps only what the selector matches, and with
    ``Accept: ...;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`` (client-go's metadata
    client) answers each item's metadata alone, as a member's API server does."""
    for name, team in (("sel-a", "a"), ("sel-b", "b")):
        await start_job(http, karmada_ns, name, 30)
        await http.patch(f"/apis/batch/v1/namespaces/{karmada_ns}/jobs/{name}",
                         json={"metadata": {"labels": {"team": team}}},
                         headers={"Content-Type": "application/merge-patch+json"})
    url = PROXY.format(cluster="member3") + f"apis/batch/v1/namespaces/{karmada_ns}/jobs"

    async def labelled() -> Any:
        got = (await http.get(url, params={"labelSelector": "team"})).json()["items"]
        return got if len(got) == 2 else None

    await eventually(labelled)
    only_a = (await http.get(url, params={"labelSelector": "team=a"})).json()
    assert (only_a["kind"], [j["metadata"]["name"] for j in only_a["items"]]) == (
        "JobList", ["sel-a"])
    assert "spec" in only_a["items"][0]
    metadata = (await http.get(url, params={"labelSelector": "team in (a,b)"}, headers={
        "Accept": "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,"
                  "application/json"})).json()
    assert (metadata["apiVersion"], metadata["kind"]) == (
        "meta.k8s.io/v1", "PartialObjectMetadataList")
    assert [(i["kind"], sorted(i), i["metadata"]["name"]) for i in metadata["items"]] == [
        ("PartialObjectMetadata", ["apiVersion", "kind", "metadata"], "sel-a"),
        ("PartialObjectMetadata", ["apiVersion", "kind", "metadata"], "sel-b")]
