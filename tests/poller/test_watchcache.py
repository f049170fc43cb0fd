"""The LIST+WATCH cache: pure bookkeeping with plain dicts, then against the simulator, with
its watches expired (410), aborted mid-stream, and its history compacted."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.karmada import KarmadaClient
from app.karmada.resources import ApiResource
from app.poller.watchcache import ObjectCache, ResourceWatcher, WatchExpired
from karmada_sim.runtime import EmbeddedSimulator
from tests.support.eventually import eventually
from tests.support.simulator import sim_control

CONFIGMAPS = ApiResource("", "v1", "configmaps")


def _obj(name: str, version: str, ns: str = "default") -> dict[str, Any]:
    return {"metadata": {"namespace": ns, "name": name, "resourceVersion": version}}


def test_replace_marks_only_moved_or_vanished_objects_changed() -> None:
    cache = ObjectCache()
    cache.replace([_obj("a", "1"), _obj("b", "2")], "2")
    assert cache.drain_changed() == {("default", "a"), ("default", "b")}
    cache.replace([_obj("a", "1"), _obj("c", "3")], "3")
    assert cache.drain_changed() == {("default", "b"), ("default", "c")}
    assert set(cache.objects) == {("default", "a"), ("default", "c")}
    assert cache.drain_changed() == set()


def test_events_update_objects_version_and_changed_keys() -> None:
    cache = ObjectCache()
    cache.apply({"type": "ADDED", "object": _obj("a", "5")})
    cache.apply({"type": "MODIFIED", "object": _obj("a", "6")})
    cache.apply({"type": "BOOKMARK", "object": {"metadata": {"resourceVersion": "9"}}})
    assert cache.resource_version == "9"
    assert cache.drain_changed() == {("default", "a")}
    cache.apply({"type": "DELETED", "object": _obj("a", "10")})
    assert cache.objects == {} and cache.drain_changed() == {("default", "a")}


def test_an_expired_watch_raises_for_a_relist() -> None:
    cache = ObjectCache()
    with pytest.raises(WatchExpired):
        cache.apply({"type": "ERROR", "object": {"kind": "Status", "code": 410}})


@pytest.fixture
async def watcher(karmada: KarmadaClient) -> AsyncIterator[ResourceWatcher]:
    selector = f"live-test={uuid.uuid4().hex[:12]}"
    w = ResourceWatcher(karmada, CONFIGMAPS, "default", label_selector=selector, page_size=2)
    task = asyncio.create_task(w.run())
    try:
        await asyncio.wait_for(w.synced.wait(), 10)
        yield w
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _create(karmada: KarmadaClient, watcher: ResourceWatcher, name: str) -> str:
    assert watcher.label_selector is not None
    key, value = watcher.label_selector.split("=")
    full = f"{name}-{uuid.uuid4().hex[:6]}"
    body = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": full, "labels": {key: value}},
        "data": {"n": name},
    }
    await karmada.create(CONFIGMAPS, "default", body)
    return full


async def _seen(watcher: ResourceWatcher, name: str) -> bool:
    return ("default", name) in watcher.cache.objects


@pytest.mark.parametrize("mode", ["expire", "abort", "close"])
async def test_a_broken_watch_loses_no_change(
    karmada: KarmadaClient, platform_sim: EmbeddedSimulator, watcher: ResourceWatcher, mode: str
) -> None:
    first = await _create(karmada, watcher, "first")
    await eventually(lambda: _seen(watcher, first), what="first object via watch")
    lists_before = watcher.lists
    # Break the watch only after one more event, so the change itself races the break.
    sim_control(platform_sim, "POST", "/_sim/watches/close", json={"mode": mode, "afterEvents": 1})
    names = [await _create(karmada, watcher, f"n{i}") for i in range(5)]
    for name in names:
        await eventually(functools.partial(_seen, watcher, name), what=f"{name} after {mode}")
    changed = watcher.cache.drain_changed()
    assert {("default", n) for n in [first, *names]} <= changed
    if mode != "close":  # 410 and a broken stream re-LIST; a clean end just re-watches
        await eventually(lambda: watcher.lists > lists_before, what="a re-list")
    assert watcher.watches >= 2


async def test_a_compacted_history_forces_a_relist_and_catches_up(
    karmada: KarmadaClient, platform_sim: EmbeddedSimulator, watcher: ResourceWatcher
) -> None:
    sim_control(platform_sim, "POST", "/_sim/history/compact")
    sim_control(platform_sim, "POST", "/_sim/watches/close", json={"mode": "abort"})
    name = await _create(karmada, watcher, "after-compact")
    await eventually(lambda: _seen(watcher, name), what="object after compaction")
    assert watcher.cache.resource_version


async def test_periodic_relist_heals_with_no_spurious_changes(karmada: KarmadaClient) -> None:
    selector = f"live-test={uuid.uuid4().hex[:12]}"
    w = ResourceWatcher(karmada, CONFIGMAPS, "default", label_selector=selector, relist_seconds=1)
    task = asyncio.create_task(w.run())
    try:
        await asyncio.wait_for(w.synced.wait(), 10)
        name = await _create(karmada, w, "stable")
        await eventually(lambda: _seen(w, name), what="object")
        w.cache.drain_changed()
        lists = w.lists
        await eventually(lambda: w.lists > lists, timeout=10, what="periodic re-list")
        assert w.cache.drain_changed() == set()  # nothing moved: nothing to interpret
        assert ("default", name) in w.cache.objects
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
