"""app.submission.recovery.retire_with: a burst of Recovering jobs sends every job's deletes
first, then lists each member once for all the checks (issue 19), with the same answers as
one job at a time; a member that does not answer follows the policy; deletes already sent
are not sent again."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from app.jobstate.recovery import RecoveryPolicy
from app.karmada import METADATA_LIST_ACCEPT, KarmadaUnavailable, NotFound
from app.submission.recovery import retire_with
from app.workloads import ClusterCapabilities

INSTANCE = "test-instance"


class FakeKarmada:
    """Records every request in order; members hold workload names, or None: unreachable."""

    def __init__(self, members: dict[str, set[str] | None]) -> None:
        self.members = members
        self.calls: list[tuple[str, ...]] = []
        self.fail_deletes: set[str] = set()

    async def delete(self, resource: Any, namespace: str, name: str, **_: Any) -> bool:
        self.calls.append(("delete", resource.plural, name))
        if name in self.fail_deletes:
            raise KarmadaUnavailable("down")
        if resource.plural == "rayjobs":
            for names in self.members.values():
                if names is not None:
                    names.discard(name)  # the member removes it when the delete arrives
        return True

    async def proxy_get(self, cluster: str, path: str, *, query: dict[str, str],
                        accept: str = "application/json") -> dict[str, Any]:
        self.calls.append(("list", cluster, path, query["labelSelector"], accept))
        if cluster not in self.members:
            raise NotFound("no such cluster")
        names = self.members[cluster]
        if names is None:
            raise KarmadaUnavailable("unreachable")
        return {"items": [{"metadata": {"name": n}} for n in sorted(names)]}


def job(n: int) -> Any:
    return SimpleNamespace(id=f"job-{n}", kind="RayJob", namespace="default", attempt=2)


def earlier(n: int, cluster: str) -> list[Any]:
    return [SimpleNamespace(number=1, object_name=f"rj-{n}", cluster=cluster)]


CLUSTERS = [ClusterCapabilities("member1", True), ClusterCapabilities("member2", True)]


async def retire(karmada: FakeKarmada, jobs: list[Any], before: dict[str, list[Any]],
                 policy: RecoveryPolicy | None = None,
                 deleted: dict[str, int] | None = None,
                 clusters: list[ClusterCapabilities] | None = None) -> dict[str, str | None]:
    return await retire_with(
        karmada, jobs, before, lambda _: policy or RecoveryPolicy(), INSTANCE,
        clusters or CLUSTERS, deleted={} if deleted is None else deleted)  # type: ignore[arg-type]


async def test_all_deletes_first_then_one_list_per_member() -> None:
    jobs = [job(n) for n in range(50)]
    before = {j.id: earlier(n, "member1" if n % 2 else "member2") for n, j in enumerate(jobs)}
    karmada = FakeKarmada({"member1": {f"rj-{n}" for n in range(50)}, "member2": set()})
    answers = await retire(karmada, jobs, before)
    assert answers == {j.id: None for j in jobs}
    kinds = [c[0] for c in karmada.calls]
    assert kinds == ["delete"] * 100 + ["list"] * 2  # a workload and a policy per job
    lists = karmada.calls[100:]
    assert sorted(c[1] for c in lists) == ["member1", "member2"]
    assert all(c[2] == "/apis/ray.io/v1/namespaces/default/rayjobs"
               and c[3] == f"ml-platform.io/instance={INSTANCE}"
               and c[4] == METADATA_LIST_ACCEPT for c in lists)


async def test_a_job_whose_old_attempt_still_runs_waits_and_is_not_deleted_twice() -> None:
    jobs = [job(1), job(2)]
    before = {"job-1": earlier(1, "member1"), "job-2": earlier(2, "member1")}
    karmada = FakeKarmada({"member1": set(), "member2": set()})
    karmada.delete = _keeping(karmada, "rj-1")  # type: ignore[method-assign]
    deleted: dict[str, int] = {}
    answers = await retire(karmada, jobs, before, deleted=deleted)
    assert answers == {"job-1": "waiting for rj-1 to stop on member1", "job-2": None}
    assert deleted == {"job-1": 2, "job-2": 2}
    karmada.calls.clear()
    again = await retire(karmada, [job(1)], {"job-1": earlier(1, "member1")}, deleted=deleted)
    assert again == {"job-1": "waiting for rj-1 to stop on member1"}
    assert [c[0] for c in karmada.calls] == ["list"]  # its deletes were sent already


def _keeping(karmada: FakeKarmada, name: str) -> Any:
    """A delete after which the member still runs ``name`` (it goes later)."""
    async def delete(resource: Any, namespace: str, deleted: str, **_: Any) -> bool:
        karmada.calls.append(("delete", resource.plural, deleted))
        return True

    assert karmada.members["member1"] is not None
    karmada.members["member1"].add(name)
    return delete


async def test_an_unreachable_member_follows_the_policy() -> None:
    before = {"job-1": earlier(1, "member1")}
    karmada = FakeKarmada({"member1": None, "member2": set()})
    assert await retire(karmada, [job(1)], before) == {"job-1": None}
    wait = RecoveryPolicy(on_unreachable="wait")
    assert await retire(karmada, [job(1)], before, policy=wait) == {
        "job-1": "waiting for member member1 to come back and remove attempt(s)"}


async def test_a_member_not_ready_holds_the_deletion() -> None:
    """NotReady: Karmada holds the delete, so a copy still there is waited for only with
    ``wait``; a copy already gone lets the new attempt start either way."""
    before = {"job-1": earlier(1, "member1")}
    not_ready = [ClusterCapabilities("member1", False), ClusterCapabilities("member2", True)]
    karmada = FakeKarmada({"member1": set(), "member2": set()})
    karmada.delete = _keeping(karmada, "rj-1")  # type: ignore[method-assign]
    wait = RecoveryPolicy(on_unreachable="wait")
    assert await retire(karmada, [job(1)], before, clusters=not_ready) == {"job-1": None}
    assert await retire(karmada, [job(1)], before, policy=wait, clusters=not_ready) == {
        "job-1": "waiting for member member1 to come back and remove attempt(s)"}


async def test_a_job_whose_deletes_fail_is_left_to_retire_itself() -> None:
    jobs = [job(1), job(2)]
    before = {"job-1": earlier(1, "member1"), "job-2": earlier(2, "member1")}
    karmada = FakeKarmada({"member1": {"rj-1", "rj-2"}, "member2": set()})
    karmada.fail_deletes = {"rj-1"}
    deleted: dict[str, int] = {}
    answers = await retire(karmada, jobs, before, deleted=deleted)
    assert answers == {"job-2": None}
    assert deleted == {"job-2": 2}


async def test_a_gone_cluster_runs_nothing() -> None:
    before = {"job-1": earlier(1, "member9")}
    karmada = FakeKarmada({"member1": set()})
    assert await retire(karmada, [job(1)], before) == {"job-1": None}
