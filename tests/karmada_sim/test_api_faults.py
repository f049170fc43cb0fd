"""Fault injection, request counters and the `/_sim/` control API."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import aiohttp
import httpx
import pytest
from kubernetes_asyncio import client
from kubernetes_asyncio.client.exceptions import ApiException

from karmada_sim.runtime import EmbeddedSimulator


@pytest.fixture
async def control(api_sim: EmbeddedSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=api_sim.url, timeout=10) as http:
        await http.delete("/_sim/faults")
        yield http
        await http.delete("/_sim/faults")


async def test_healthz(control: httpx.AsyncClient) -> None:
    response = await control.get("/_sim/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_status_fault_for_next_n_requests_then_recovers(
    control: httpx.AsyncClient, api_client: client.ApiClient, namespace: str
) -> None:
    core = client.CoreV1Api(api_client)
    rule = await control.post(
        "/_sim/faults",
        json={"pathRegex": f"/namespaces/{namespace}/configmaps$", "status": 503, "count": 2},
    )
    assert rule.status_code == 201
    for _ in range(2):
        with pytest.raises(ApiException) as info:
            await core.list_namespaced_config_map(namespace)
        assert info.value.status == 503
        assert '"reason":"ServiceUnavailable"' in info.value.body
    listed = await core.list_namespaced_config_map(namespace)
    assert listed.items == []
    faults = (await control.get("/_sim/faults")).json()["faults"]
    assert faults == []  # used up


async def test_429_carries_retry_after(
    control: httpx.AsyncClient, api_client: client.ApiClient, namespace: str
) -> None:
    core = client.CoreV1Api(api_client)
    await control.post(
        "/_sim/faults",
        json={"pathRegex": f"/namespaces/{namespace}/secrets", "status": 429, "count": 1},
    )
    with pytest.raises(ApiException) as info:
        await core.list_namespaced_secret(namespace)
    assert info.value.status == 429
    assert info.value.headers["Retry-After"] == "1"


async def test_fault_for_a_duration_and_method_filter(
    control: httpx.AsyncClient, api_client: client.ApiClient, namespace: str
) -> None:
    core = client.CoreV1Api(api_client)
    await control.post(
        "/_sim/faults",
        json={
            "pathRegex": f"/namespaces/{namespace}/configmaps",
            "methods": ["POST"],
            "status": 500,
            "durationSeconds": 30,
        },
    )
    await core.list_namespaced_config_map(namespace)  # GET is not affected
    with pytest.raises(ApiException) as info:
        await core.create_namespaced_config_map(namespace, {"metadata": {"name": "x"}})
    assert info.value.status == 500
    [rule] = (await control.get("/_sim/faults")).json()["faults"]
    assert 0 < rule["remainingSeconds"] <= 30
    assert (await control.delete(f"/_sim/faults/{rule['id']}")).status_code == 200
    await core.create_namespaced_config_map(namespace, {"metadata": {"name": "x"}})


async def test_latency_fault_delays_matching_requests(
    control: httpx.AsyncClient, api_client: client.ApiClient, namespace: str
) -> None:
    core = client.CoreV1Api(api_client)
    await control.post(
        "/_sim/faults",
        json={"pathRegex": f"/namespaces/{namespace}/services", "latencyMs": 300, "count": 1},
    )
    started = time.monotonic()
    await core.list_namespaced_service(namespace)
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    await core.list_namespaced_service(namespace)
    assert time.monotonic() - started < 0.3


async def test_dropped_connection_gets_no_response(
    control: httpx.AsyncClient, api_client: client.ApiClient, namespace: str
) -> None:
    core = client.CoreV1Api(api_client)
    # Not count-limited: aiohttp retries an idempotent request once on a reused connection.
    rule = await control.post(
        "/_sim/faults",
        json={"pathRegex": f"/namespaces/{namespace}/pods$", "drop": True},
    )
    with pytest.raises(aiohttp.ClientError):
        await core.list_namespaced_pod(namespace)
    [described] = (await control.get("/_sim/faults")).json()["faults"]
    assert described["hits"] >= 1
    await control.delete(f"/_sim/faults/{rule.json()['id']}")
    assert (await core.list_namespaced_pod(namespace)).items == []


async def test_request_counters_by_verb_and_resource_template(
    control: httpx.AsyncClient, api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    assert (await control.post("/_sim/requests/reset")).status_code == 200
    for _ in range(3):
        await api.list_namespaced_custom_object("ray.io", "v1", namespace, "rayjobs")
    await api.list_cluster_custom_object("ray.io", "v1", "rayjobs")
    with pytest.raises(ApiException):
        await api.get_namespaced_custom_object("ray.io", "v1", namespace, "rayjobs", "x")
    counts = (await control.get("/_sim/requests")).json()["counts"]
    assert counts["list ray.io/v1/rayjobs"] == 4
    assert counts["get ray.io/v1/rayjobs"] == 1
    await control.post("/_sim/requests/reset")
    assert (await control.get("/_sim/requests")).json()["counts"] == {}


async def test_bad_fault_spec_is_400(control: httpx.AsyncClient) -> None:
    response = await control.post("/_sim/faults", json={"pathRegex": "("})
    assert response.status_code == 400
    response = await control.post("/_sim/faults", json={"pathRegex": "x"})
    assert response.status_code == 400
