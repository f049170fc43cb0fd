"""ObjectStore in-process contract (what SIM-KARMADA's controllers use), on plain dicts."""

from __future__ import annotations

import asyncio

import pytest

from karmada_sim.errors import Conflict, Forbidden, Gone, Invalid, NotFound
from karmada_sim.runtime import Simulator
from karmada_sim.store import ObjectStore, StoreEvent


@pytest.fixture
def store() -> ObjectStore:
    return Simulator().store


def _cm(name: str, **meta: object) -> dict[str, object]:
    return {"metadata": {"name": name, "namespace": "default", **meta}, "data": {"k": "v"}}


def _drain(queue: asyncio.Queue[StoreEvent]) -> list[StoreEvent]:
    out: list[StoreEvent] = []
    while not queue.empty():
        out.append(queue.get_nowait())
    return out


def test_resource_lookup_and_unknown_kind(store: ObjectStore) -> None:
    rt = store.resource("ray.io/v1", "RayJob")
    assert (rt.group, rt.version, rt.plural, rt.namespaced, rt.has_status) == (
        "ray.io",
        "v1",
        "rayjobs",
        True,
        True,
    )
    assert rt.api_version == "ray.io/v1"
    assert store.resource("v1", "Pod").api_version == "v1"
    assert store.resource("cluster.karmada.io/v1alpha1", "Cluster").namespaced is False
    with pytest.raises(KeyError):
        store.resource("kubeflow.org/v1", "MPIJob")  # v2beta1 only (k8s-reference caveat 4)


def test_subscribe_delivers_copies_in_order(store: ObjectStore) -> None:
    cm = store.resource("v1", "ConfigMap")
    queue = store.subscribe(cm)
    others = store.subscribe(store.resource("v1", "Secret"))
    created = store.create(cm, _cm("a"))
    store.patch(cm, "default", "a", {"data": {"k": "w"}})
    store.delete(cm, "default", "a")
    events = _drain(queue)
    assert [e.type for e in events] == ["ADDED", "MODIFIED", "DELETED"]
    rvs = [e.resource_version for e in events]
    assert rvs == sorted(rvs) and len(set(rvs)) == 3
    assert events[1].object["data"] == {"k": "w"}
    events[0].object["data"]["k"] = "mutated"
    got = store.get(cm, "default", "a")
    assert got is None
    assert created["metadata"]["resourceVersion"] == str(rvs[0])
    assert _drain(others) == []
    store.unsubscribe(queue)
    store.create(cm, _cm("b"))
    assert _drain(queue) == []


def test_get_returns_copies(store: ObjectStore) -> None:
    cm = store.resource("v1", "ConfigMap")
    store.create(cm, _cm("c"))
    first = store.get(cm, "default", "c")
    assert first is not None
    first["data"]["k"] = "changed"
    again = store.get(cm, "default", "c")
    assert again is not None and again["data"]["k"] == "v"


def test_generate_name(store: ObjectStore) -> None:
    cm = store.resource("v1", "ConfigMap")
    made = store.create(cm, {"metadata": {"generateName": "job-", "namespace": "default"}})
    assert made["metadata"]["name"].startswith("job-")
    assert len(made["metadata"]["name"]) == len("job-") + 5
    with pytest.raises(Invalid):
        store.create(cm, {"metadata": {"namespace": "default"}})


def test_update_conflict_and_missing(store: ObjectStore) -> None:
    cm = store.resource("v1", "ConfigMap")
    created = store.create(cm, _cm("u"))
    store.patch(cm, "default", "u", {"data": {"k": "2"}})
    with pytest.raises(Conflict):
        store.update(cm, created)
    with pytest.raises(NotFound):
        store.update(cm, _cm("missing"))
    unconditional = _cm("u")
    updated = store.update(cm, unconditional)
    assert updated["data"] == {"k": "v"}


def test_no_new_finalizers_while_deleting(store: ObjectStore) -> None:
    cm = store.resource("v1", "ConfigMap")
    store.create(cm, _cm("f", finalizers=["a/b"]))
    marked = store.delete(cm, "default", "f")
    assert marked is not None and marked["metadata"]["deletionTimestamp"]
    with pytest.raises(Forbidden):
        store.patch(cm, "default", "f", {"metadata": {"finalizers": ["a/b", "c/d"]}})
    store.patch(cm, "default", "f", {"metadata": {"finalizers": []}})
    assert store.get(cm, "default", "f") is None
    assert store.delete(cm, "default", "f") is None


def test_history_since_and_gone_after_compaction(store: ObjectStore) -> None:
    cm = store.resource("v1", "ConfigMap")
    start = store.resource_version
    store.create(cm, _cm("h1"))
    store.create(cm, _cm("h2"))
    assert [e.object["metadata"]["name"] for e in store.history_since(cm, start)] == ["h1", "h2"]
    store.compact()
    with pytest.raises(Gone):
        list(store.history_since(cm, start))
    assert list(store.history_since(cm, store.resource_version)) == []


def test_bounded_history_expires_old_resource_versions() -> None:
    from karmada_sim.config import SimulatorConfig

    small = Simulator(SimulatorConfig(watch_history=3)).store
    cm = small.resource("v1", "ConfigMap")
    start = small.resource_version
    for i in range(5):
        small.create(cm, _cm(f"b{i}"))
    with pytest.raises(Gone):
        list(small.history_since(cm, start))


def test_terminating_namespace_refuses_new_content(store: ObjectStore) -> None:
    ns = store.resource("v1", "Namespace")
    cm = store.resource("v1", "ConfigMap")
    store.create(ns, {"metadata": {"name": "doomed"}})
    store.create(cm, {"metadata": {"name": "held", "namespace": "doomed", "finalizers": ["x/y"]}})
    store.delete(ns, None, "doomed")
    namespace = store.get(ns, None, "doomed")
    assert namespace is not None and namespace["status"]["phase"] == "Terminating"
    with pytest.raises(Forbidden):
        store.create(cm, {"metadata": {"name": "new", "namespace": "doomed"}})
    store.patch(cm, "doomed", "held", {"metadata": {"finalizers": None}})
    assert store.get(ns, None, "doomed") is None


def test_list_orders_and_filters(store: ObjectStore) -> None:
    cm = store.resource("v1", "ConfigMap")
    for name, tier in (("b", "x"), ("a", "x"), ("c", "y")):
        store.create(cm, _cm(name, labels={"tier": tier}))
    names = [o["metadata"]["name"] for o in store.list(cm, "default", "tier=x")]
    assert names == ["a", "b"]
