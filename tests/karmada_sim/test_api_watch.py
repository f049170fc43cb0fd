"""WATCH semantics through kubernetes-asyncio's `watch.Watch` over a socket."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
from kubernetes_asyncio import client, watch
from kubernetes_asyncio.client.exceptions import ApiException

from karmada_sim.runtime import EmbeddedSimulator
from tests.karmada_sim.test_api_crud import GROUP, MERGE, PLURAL, VERSION, rayjob


async def _collect(stream: Any, count: int, deadline: float = 10.0) -> list[tuple[str, str]]:
    """The first `count` (type, name) events, or fail after `deadline` seconds."""
    out: list[tuple[str, str]] = []

    async def run() -> None:
        async for event in stream:
            out.append((event["type"], event["raw_object"]["metadata"].get("name", "")))
            if len(out) >= count:
                return

    await asyncio.wait_for(run(), deadline)
    return out


async def test_watch_from_resource_version_sees_changes_in_order(
    api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    listed = await api.list_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL)
    rv = listed["metadata"]["resourceVersion"]
    await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, rayjob("w1"))
    await api.patch_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, "w1", {"spec": {"suspend": True}}, **MERGE
    )
    await api.delete_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "w1")
    w = watch.Watch()
    stream = w.stream(
        api.list_namespaced_custom_object,
        GROUP,
        VERSION,
        namespace,
        PLURAL,
        resource_version=rv,
        timeout_seconds=5,
    )
    events = await _collect(stream, 3)
    await w.close()
    assert events == [("ADDED", "w1"), ("MODIFIED", "w1"), ("DELETED", "w1")]


async def test_watch_without_resource_version_replays_current_objects_then_live(
    api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, rayjob("old"))
    w = watch.Watch()
    stream = w.stream(
        api.list_namespaced_custom_object, GROUP, VERSION, namespace, PLURAL, timeout_seconds=5
    )
    first = await _collect(stream, 1)
    assert first == [("ADDED", "old")]
    await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, rayjob("new"))
    assert await _collect(stream, 1) == [("ADDED", "new")]
    await w.close()


async def test_label_selected_watch_turns_leaving_objects_into_deleted(
    api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    rv = (await api.list_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL))["metadata"][
        "resourceVersion"
    ]
    await api.create_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, rayjob("sel", {"app": "a"})
    )
    await api.create_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, rayjob("other", {"app": "b"})
    )
    await api.patch_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, "sel", {"metadata": {"labels": {"app": "z"}}}, **MERGE
    )
    w = watch.Watch()
    stream = w.stream(
        api.list_namespaced_custom_object,
        GROUP,
        VERSION,
        namespace,
        PLURAL,
        label_selector="app=a",
        resource_version=rv,
        timeout_seconds=5,
    )
    assert await _collect(stream, 2) == [("ADDED", "sel"), ("DELETED", "sel")]
    await w.close()


async def test_timeout_seconds_ends_the_stream_with_a_bookmark(
    api_sim: EmbeddedSimulator, namespace: str
) -> None:
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=api_sim.url, timeout=10) as http:
        response = await http.get(
            f"/apis/ray.io/v1/namespaces/{namespace}/rayjobs",
            params={"watch": "true", "timeoutSeconds": "1", "allowWatchBookmarks": "true"},
            headers={"Authorization": "Bearer sim-token"},
        )
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    lines = [line for line in response.text.splitlines() if line]
    assert len(lines) == 1
    assert '"type":"BOOKMARK"' in lines[0]
    assert 0.9 <= elapsed < 5


async def test_watch_from_compacted_resource_version_is_410(
    api_sim: EmbeddedSimulator, api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    rv = (await api.list_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL))["metadata"][
        "resourceVersion"
    ]
    await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, rayjob("gone"))
    async with httpx.AsyncClient(base_url=api_sim.url) as http:
        assert (await http.post("/_sim/history/compact")).status_code == 200
    w = watch.Watch()
    stream = w.stream(
        api.list_namespaced_custom_object,
        GROUP,
        VERSION,
        namespace,
        PLURAL,
        resource_version=rv,
        timeout_seconds=5,
    )
    with pytest.raises(ApiException) as info:
        await _collect(stream, 1)
    assert info.value.status == 410
    await w.close()


async def test_expire_sends_error_event_with_410_status(
    api_sim: EmbeddedSimulator, api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, rayjob("e1"))
    w = watch.Watch()
    stream = w.stream(
        api.list_namespaced_custom_object, GROUP, VERSION, namespace, PLURAL, timeout_seconds=10
    )
    assert await _collect(stream, 1) == [("ADDED", "e1")]
    async with httpx.AsyncClient(base_url=api_sim.url) as http:
        closed = await http.post("/_sim/watches/close", json={"mode": "expire"})
    assert closed.json()["watches"] >= 1
    with pytest.raises(ApiException) as info:
        await _collect(stream, 1)
    assert info.value.status == 410
    await w.close()


async def test_close_watches_after_n_events(
    api_sim: EmbeddedSimulator, api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    w = watch.Watch()
    stream = w.stream(
        api.list_namespaced_custom_object, GROUP, VERSION, namespace, PLURAL, timeout_seconds=10
    )
    await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, rayjob("n0"))
    assert await _collect(stream, 1) == [("ADDED", "n0")]
    async with httpx.AsyncClient(base_url=api_sim.url) as http:
        await http.post("/_sim/watches/close", json={"mode": "close", "afterEvents": 2})
    for name in ("n1", "n2", "n3"):
        await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, rayjob(name))
    got: list[tuple[str, str]] = []

    async def drain() -> None:
        async for event in stream:
            got.append((event["type"], event["raw_object"]["metadata"]["name"]))

    await asyncio.wait_for(drain(), 5)  # ends because the server closed the stream
    assert got == [("ADDED", "n1"), ("ADDED", "n2")]
    await w.close()


async def test_abort_breaks_the_stream_mid_response(
    api_sim: EmbeddedSimulator, namespace: str
) -> None:
    headers = {"Authorization": "Bearer sim-token"}
    async with (
        httpx.AsyncClient(base_url=api_sim.url, timeout=10) as http,
        http.stream(
            "GET",
            f"/api/v1/namespaces/{namespace}/configmaps",
            params={"watch": "true", "timeoutSeconds": "10"},
            headers=headers,
        ) as response,
    ):
        assert response.status_code == 200
        async with httpx.AsyncClient(base_url=api_sim.url) as control:
            await _wait_for_watches(control)
            await control.post("/_sim/watches/close", json={"mode": "abort"})
        with pytest.raises(httpx.HTTPError):
            async for _ in response.aiter_bytes():
                pass


async def _wait_for_watches(control: httpx.AsyncClient) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if (await control.get("/_sim/watches")).json()["open"] >= 1:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the watch never opened")


async def _open_watches(control: httpx.AsyncClient) -> int:
    count: int = (await control.get("/_sim/watches")).json()["open"]
    return count


async def test_client_disconnect_releases_the_watch(
    api_sim: EmbeddedSimulator, namespace: str
) -> None:
    async with httpx.AsyncClient(base_url=api_sim.url) as control:
        before = await _open_watches(control)
        async with (
            httpx.AsyncClient(base_url=api_sim.url, timeout=10) as http,
            http.stream(
                "GET",
                f"/api/v1/namespaces/{namespace}/configmaps",
                params={"watch": "true", "timeoutSeconds": "60"},
                headers={"Authorization": "Bearer sim-token"},
            ) as response,
        ):
            assert response.status_code == 200
            await _wait_for_watches(control)
            assert await _open_watches(control) == before + 1
        deadline = time.monotonic() + 5
        while await _open_watches(control) != before:
            assert time.monotonic() < deadline, "the server kept the closed watch open"
            await asyncio.sleep(0.02)


async def test_table_watch_for_kubectl_get_w(
    api_sim: EmbeddedSimulator, api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, rayjob("tw"))
    async with httpx.AsyncClient(base_url=api_sim.url, timeout=10) as http:
        response = await http.get(
            f"/apis/ray.io/v1/namespaces/{namespace}/rayjobs",
            params={"watch": "true", "timeoutSeconds": "1"},
            headers={
                "Authorization": "Bearer sim-token",
                "Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
            },
        )
    [line] = [json.loads(x) for x in response.text.splitlines() if x]
    assert line["type"] == "ADDED"
    assert line["object"]["kind"] == "Table"
    assert line["object"]["rows"][0]["cells"][0] == "tw"


async def test_continue_token_from_compacted_snapshot_is_410(
    api_sim: EmbeddedSimulator, api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    for name in ("c1", "c2", "c3"):
        await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, rayjob(name))
    page = await api.list_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, limit=1)
    token = page["metadata"]["continue"]
    await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, rayjob("c4"))
    async with httpx.AsyncClient(base_url=api_sim.url) as control:
        await control.post("/_sim/history/compact")
    with pytest.raises(ApiException) as info:
        await api.list_namespaced_custom_object(
            GROUP, VERSION, namespace, PLURAL, limit=1, _continue=token
        )
    assert info.value.status == 410
