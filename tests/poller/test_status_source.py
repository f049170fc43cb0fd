"""LIST mode's compact source (app.poller.status_source.ListStatusSource): Table rows every tick,
whole objects only for what moved; and KarmadaClient.list_metadata against the simulator."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from app.karmada import KarmadaClient
from app.karmada.client import TABLE_ACCEPT
from app.karmada.resources import RESOURCE_BINDINGS, ApiResource
from app.poller import status_source
from app.poller.status_source import ListStatusSource, resource_of_kind

RAYJOBS = resource_of_kind("RayJob")
CONFIGMAPS = ApiResource("", "v1", "configmaps")


def _template(name: str, version: int, phase: str = "Running") -> dict[str, Any]:
    return {
        "kind": "RayJob",
        "metadata": {"namespace": "ns", "name": name, "resourceVersion": str(version)},
        "status": {"jobStatus": phase},
    }


def _binding(name: str, target: str, version: int) -> dict[str, Any]:
    return {
        "kind": "ResourceBinding",
        "metadata": {"namespace": "ns", "name": name, "resourceVersion": str(version)},
        "spec": {"resource": {"kind": "RayJob", "namespace": "ns", "name": target}},
    }


class FakeKarmada:
    """The three reads the source makes, over in-memory objects; counts each call."""

    def __init__(self) -> None:
        self.objects: dict[ApiResource, dict[str, dict[str, Any]]] = {
            RAYJOBS: {},
            RESOURCE_BINDINGS: {},
        }
        self.calls: list[str] = []

    def put(self, resource: ApiResource, obj: dict[str, Any]) -> None:
        self.objects[resource][obj["metadata"]["name"]] = obj

    async def list_metadata(self, resource: ApiResource, **_: Any) -> list[dict[str, Any]]:
        self.calls.append(f"rows {resource.plural}")
        return [dict(o["metadata"]) for o in self.objects[resource].values()]

    async def list_all(self, resource: ApiResource, **_: Any) -> list[dict[str, Any]]:
        self.calls.append(f"list {resource.plural}")
        return list(self.objects[resource].values())

    async def get_or_none(
        self, resource: ApiResource, namespace: str | None, name: str
    ) -> dict[str, Any] | None:
        self.calls.append(f"get {resource.plural}/{name}")
        return self.objects[resource].get(name)


@pytest.fixture
def fake() -> FakeKarmada:
    fake = FakeKarmada()
    for n in range(3):
        fake.put(RAYJOBS, _template(f"job{n}", 1))
        fake.put(RESOURCE_BINDINGS, _binding(f"job{n}-rayjob", f"job{n}", 1))
    return fake


def _source(fake: FakeKarmada, compact: bool = True) -> ListStatusSource:
    karmada: Any = fake
    return ListStatusSource(karmada, "sel", 500, compact=compact)


async def test_first_tick_fetches_everything_and_reports_all_changed(fake: FakeKarmada) -> None:
    source = _source(fake)
    await source.sync({"RayJob"}, {"ns"})
    assert source.drain_changed() is None  # the poller then interprets every job
    assert source.template(("RayJob", "ns", "job1")) == fake.objects[RAYJOBS]["job1"]
    assert source.binding(("RayJob", "ns", "job2")) is not None
    assert sorted(c for c in fake.calls if c.startswith("get")) == sorted(
        [
            *(f"get resourcebindings/job{n}-rayjob" for n in range(3)),
            *(f"get rayjobs/job{n}" for n in range(3)),
        ]
    )


async def test_a_quiet_tick_reads_rows_only(fake: FakeKarmada) -> None:
    source = _source(fake)
    await source.sync({"RayJob"}, {"ns"})
    source.drain_changed()
    fake.calls.clear()
    await source.sync({"RayJob"}, {"ns"})
    assert fake.calls == ["rows rayjobs", "rows resourcebindings"]
    assert source.drain_changed() == set()


async def test_only_moved_objects_are_fetched_and_named(fake: FakeKarmada) -> None:
    source = _source(fake)
    await source.sync({"RayJob"}, {"ns"})
    source.drain_changed()
    fake.calls.clear()
    fake.put(RAYJOBS, _template("job0", 2, "Complete"))
    fake.put(RESOURCE_BINDINGS, _binding("job2-rayjob", "job2", 2))
    await source.sync({"RayJob"}, {"ns"})
    assert sorted(c for c in fake.calls if c.startswith("get")) == [
        "get rayjobs/job0",
        "get resourcebindings/job2-rayjob",
    ]
    assert source.drain_changed() == {("RayJob", "ns", "job0"), ("RayJob", "ns", "job2")}
    assert source.template(("RayJob", "ns", "job0"))["status"]["jobStatus"] == "Complete"  # type: ignore[index]


async def test_vanished_objects_are_dropped_and_named(fake: FakeKarmada) -> None:
    source = _source(fake)
    await source.sync({"RayJob"}, {"ns"})
    source.drain_changed()
    del fake.objects[RAYJOBS]["job1"]
    del fake.objects[RESOURCE_BINDINGS]["job1-rayjob"]
    await source.sync({"RayJob"}, {"ns"})
    assert source.drain_changed() == {("RayJob", "ns", "job1")}
    assert source.template(("RayJob", "ns", "job1")) is None
    assert source.binding(("RayJob", "ns", "job1")) is None


async def test_many_changes_are_read_with_one_full_list(
    fake: FakeKarmada, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(status_source, "COMPACT_FETCH_LIMIT", 1)
    source = _source(fake)
    await source.sync({"RayJob"}, {"ns"})
    source.drain_changed()
    fake.calls.clear()
    for n in range(3):
        fake.put(RAYJOBS, _template(f"job{n}", 2))
    await source.sync({"RayJob"}, {"ns"})
    assert "list rayjobs" in fake.calls and not any(c.startswith("get rayjobs") for c in fake.calls)
    assert source.drain_changed() is None


async def test_changes_accumulate_until_drained(fake: FakeKarmada) -> None:
    source = _source(fake)
    await source.sync({"RayJob"}, {"ns"})
    source.drain_changed()
    fake.put(RAYJOBS, _template("job0", 2))
    await source.sync({"RayJob"}, {"ns"})
    fake.put(RAYJOBS, _template("job1", 2))
    await source.sync({"RayJob"}, {"ns"})
    assert source.drain_changed() == {("RayJob", "ns", "job0"), ("RayJob", "ns", "job1")}


async def test_without_compact_rows_every_tick_lists_everything(fake: FakeKarmada) -> None:
    source = _source(fake, compact=False)
    for _ in range(2):
        await source.sync({"RayJob"}, {"ns"})
        assert source.drain_changed() is None
    assert fake.calls == ["list rayjobs", "list resourcebindings"] * 2


async def test_list_metadata_reads_table_rows_page_by_page(karmada: KarmadaClient) -> None:
    label = f"rows-{uuid.uuid4().hex[:8]}"
    names = []
    for n in range(5):
        name = f"{label}-{n}"
        names.append(name)
        body = {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": name, "labels": {"rows": label}},
            "data": {"big": "x" * 2000},
        }
        await karmada.create(CONFIGMAPS, "default", body)
    # The simulator answers Kubernetes' Table media type with rows of object metadata.
    page = await karmada.request(
        "GET",
        CONFIGMAPS.path("default"),
        query={"labelSelector": f"rows={label}"},
        accept=TABLE_ACCEPT,
    )
    assert page["kind"] == "Table"
    assert all(row["object"]["kind"] == "PartialObjectMetadata" for row in page["rows"])
    metas = await karmada.list_metadata(
        CONFIGMAPS, "default", label_selector=f"rows={label}", page_size=2
    )
    assert sorted(m["name"] for m in metas) == names  # three pages, nothing lost
    assert all(m["resourceVersion"] for m in metas)
    assert all("data" not in m for m in metas)
