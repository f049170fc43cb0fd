"""The shared fan-out (app.graphql.fanout) with a real hub, a counting renderer and fake sockets."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from app.graphql.fanout import (
    ConnectionWriter,
    FollowOutcome,
    LiveOperation,
    OperationKey,
    SharedStatusFanout,
)
from app.graphql.frames import frame_prefix
from app.jobstate.updates import JobUpdate
from app.live.hub import StatusHub
from resolvers.streams import state_of_update
from schema.types import Cluster, JobStatusUpdate
from tests.support.eventually import eventually

QUERY = "subscription($id: ID!) { jobStatus(id: $id) { phase sequence } }"


def _update(seq: int, phase: str = "RUNNING", *, deleted: bool = False) -> JobUpdate:
    return JobUpdate("job-a", "default", seq, phase, "Running", "", datetime.now(UTC), deleted)


class Renderer:
    """Counts renders; the payload names the update so frames can be checked."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[OperationKey, int]] = []
        self.fail = fail

    async def __call__(self, key: OperationKey, context: Any, update: JobUpdate) -> str:
        self.calls.append((key, update.sequence))
        await asyncio.sleep(0)  # a render yields to the loop, as Schema.execute may
        if self.fail:
            raise RuntimeError("render failed")
        return json.dumps(
            {"data": {"jobStatus": {"phase": update.phase, "sequence": update.sequence}}}
        )


class Socket:
    """A websocket's send side: records frames; can be held to play a slow reader."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self.open = asyncio.Event()
        self.open.set()

    async def send_text(self, text: str) -> None:
        await self.open.wait()
        self.frames.append(json.loads(text))


def _operation(
    writer: ConnectionWriter, op_id: str, variables: dict[str, Any] | None = None
) -> LiveOperation:
    key = OperationKey.of(QUERY, variables or {"id": "job-a"}, None)
    return LiveOperation(key, frame_prefix(op_id, "next"), writer, None)


async def test_one_render_per_update_however_many_members() -> None:
    hub, render = StatusHub(), Renderer()
    fanout = SharedStatusFanout(hub, render)
    sockets = [Socket() for _ in range(4)]
    writers = [ConnectionWriter(s.send_text) for s in sockets]
    follows = [
        asyncio.create_task(fanout.follow(_operation(writers[n % 4], f"op{n}"), "job-a", 1))
        for n in range(40)
    ]
    await eventually(lambda: fanout.member_count == 40, timeout=5, what="all joined")
    assert hub.subscriber_count == 1  # the group's one subscription, not one per member
    hub.deliver([_update(2), _update(3, "SUCCEEDED")])
    outcomes: list[FollowOutcome] = await asyncio.gather(*follows)
    assert [seq for _, seq in render.calls] == [2, 3]
    assert all(o.final and o.last is not None and o.last.sequence == 3 for o in outcomes)
    for n, socket in enumerate(sockets):
        by_id: dict[str, list[int]] = {}
        for frame in socket.frames:
            assert frame["type"] == "next"
            by_id.setdefault(frame["id"], []).append(
                frame["payload"]["data"]["jobStatus"]["sequence"]
            )
        assert by_id == {f"op{m}": [2, 3] for m in range(n, 40, 4)}
    assert fanout.member_count == 0 and hub.subscriber_count == 0  # the group closed


async def test_different_variables_are_different_groups() -> None:
    hub, render = StatusHub(), Renderer()
    fanout = SharedStatusFanout(hub, render)
    writer = ConnectionWriter(Socket().send_text)
    a = asyncio.create_task(fanout.follow(_operation(writer, "a"), "job-a", 1))
    b = asyncio.create_task(
        fanout.follow(_operation(writer, "b", {"id": "job-a", "afterSequence": 0}), "job-a", 1)
    )
    await eventually(lambda: fanout.member_count == 2, timeout=5, what="both joined")
    hub.deliver([_update(2, "FAILED")])
    await asyncio.gather(a, b)
    assert sorted(key.variables for key, _ in render.calls) == sorted(
        ['{"id":"job-a"}', '{"afterSequence":0,"id":"job-a"}']
    )


async def test_a_gap_hands_the_member_back_without_a_frame() -> None:
    hub, render = StatusHub(), Renderer()
    fanout = SharedStatusFanout(hub, render)
    socket = Socket()
    follow = asyncio.create_task(
        fanout.follow(_operation(ConnectionWriter(socket.send_text), "x"), "job-a", 1)
    )
    await eventually(lambda: fanout.member_count == 1, timeout=5, what="joined")
    hub.deliver([_update(3)])  # sequence 2 never reached the group
    outcome = await follow
    assert outcome == FollowOutcome(None, False, "gap")
    assert socket.frames == []


async def test_updates_already_delivered_are_skipped() -> None:
    hub, render = StatusHub(), Renderer()
    fanout = SharedStatusFanout(hub, render)
    socket = Socket()
    follow = asyncio.create_task(
        fanout.follow(_operation(ConnectionWriter(socket.send_text), "x"), "job-a", 5)
    )
    await eventually(lambda: fanout.member_count == 1, timeout=5, what="joined")
    hub.deliver([_update(4), _update(5), _update(6, "STOPPED")])
    outcome = await follow
    assert outcome.final and [
        f["payload"]["data"]["jobStatus"]["sequence"] for f in socket.frames
    ] == [6]


async def test_a_deletion_is_final_whatever_its_sequence() -> None:
    hub = StatusHub()
    fanout = SharedStatusFanout(hub, Renderer())
    socket = Socket()
    follow = asyncio.create_task(
        fanout.follow(_operation(ConnectionWriter(socket.send_text), "x"), "job-a", 3)
    )
    await eventually(lambda: fanout.member_count == 1, timeout=5, what="joined")
    hub.deliver([_update(3, "DELETING", deleted=True)])
    outcome = await follow
    assert outcome.final and outcome.last is not None and outcome.last.deleted
    assert len(socket.frames) == 1


async def test_a_slow_reader_is_handed_back_and_its_frames_are_written_first() -> None:
    hub = StatusHub()
    fanout = SharedStatusFanout(hub, Renderer(), member_queue_size=2)
    slow, fast = Socket(), Socket()
    slow.open.clear()  # its socket does not drain
    slow_follow = asyncio.create_task(
        fanout.follow(_operation(ConnectionWriter(slow.send_text), "slow"), "job-a", 1)
    )
    fast_follow = asyncio.create_task(
        fanout.follow(_operation(ConnectionWriter(fast.send_text), "fast"), "job-a", 1)
    )
    await eventually(lambda: fanout.member_count == 2, timeout=5, what="joined")
    hub.deliver([_update(2), _update(3), _update(4), _update(5, "SUCCEEDED")])
    assert (await fast_follow).final
    await eventually(
        lambda: slow_follow.done() is False and fanout.member_count == 0, timeout=5, what="released"
    )
    # Handed back ("overflow") only once what was queued for it is on the wire.
    assert not slow_follow.done()
    slow.open.set()
    outcome = await slow_follow
    assert outcome == FollowOutcome(outcome.last, False, "overflow")
    assert outcome.last is not None and outcome.last.sequence == 3
    assert [f["payload"]["data"]["jobStatus"]["sequence"] for f in slow.frames] == [2, 3]
    assert [f["payload"]["data"]["jobStatus"]["sequence"] for f in fast.frames] == [2, 3, 4, 5]


@pytest.mark.parametrize("poke", ["resync", "overflow"])
async def test_a_coalesced_or_resynced_group_hands_everyone_back(poke: str) -> None:
    hub = StatusHub(queue_size=1)
    fanout = SharedStatusFanout(hub, Renderer())
    writer = ConnectionWriter(Socket().send_text)
    follows = [
        asyncio.create_task(fanout.follow(_operation(writer, str(n)), "job-a", 1)) for n in range(3)
    ]
    await eventually(lambda: fanout.member_count == 3, timeout=5, what="joined")
    if poke == "resync":
        hub.resync()
    else:
        hub.deliver([_update(2), _update(3)])  # the group's one-slot queue overflows
    outcomes = await asyncio.gather(*follows)
    assert {o.reason for o in outcomes} == {poke}
    assert not any(o.final for o in outcomes)


async def test_a_failed_render_hands_everyone_back() -> None:
    hub = StatusHub()
    fanout = SharedStatusFanout(hub, Renderer(fail=True))
    socket = Socket()
    follow = asyncio.create_task(
        fanout.follow(_operation(ConnectionWriter(socket.send_text), "x"), "job-a", 1)
    )
    await eventually(lambda: fanout.member_count == 1, timeout=5, what="joined")
    hub.deliver([_update(2)])
    assert (await follow).reason == "render" and socket.frames == []


async def test_a_cancelled_follower_leaves_and_the_group_closes() -> None:
    hub = StatusHub()
    fanout = SharedStatusFanout(hub, Renderer())
    follow = asyncio.create_task(
        fanout.follow(_operation(ConnectionWriter(Socket().send_text), "x"), "job-a", 1)
    )
    await eventually(lambda: fanout.member_count == 1, timeout=5, what="joined")
    follow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await follow
    assert fanout.member_count == 0 and hub.subscriber_count == 0


async def test_a_broken_socket_drops_its_frames_without_stalling_the_member() -> None:
    async def closed(_text: str) -> None:
        raise RuntimeError("websocket is closed")

    hub = StatusHub()
    fanout = SharedStatusFanout(hub, Renderer())
    writer = ConnectionWriter(closed)
    follow = asyncio.create_task(fanout.follow(_operation(writer, "x"), "job-a", 1))
    await eventually(lambda: fanout.member_count == 1, timeout=5, what="joined")
    hub.deliver([_update(2, "SUCCEEDED")])
    assert (await follow).final and writer.broken


def _reading_info(cls: type, seen: set[type]) -> list[str]:
    # Fields of cls, and of every object type reachable from it, whose resolver takes `info`.
    if cls in seen:
        return []
    seen.add(cls)
    found = []
    for f in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        if f.base_resolver is not None and f.base_resolver.info_parameter is not None:
            found.append(f"{cls.__name__}.{f.python_name}")
        inner = f.type
        while hasattr(inner, "of_type"):  # lists and optionals
            inner = inner.of_type
        if hasattr(inner, "__strawberry_definition__"):
            found += _reading_info(inner, seen)
    return found


def test_the_shared_render_cannot_depend_on_the_viewer() -> None:
    # The group renders with one member's context for all: no field JobStatusUpdate can
    # select (JobStatusUpdate.job and the Job's own fields too) may read info.context.
    assert _reading_info(JobStatusUpdate, set()) == []
    assert "Job" in {t.__name__ for t in _reachable(JobStatusUpdate)}  # the walk goes deep
    assert _reading_info(Cluster, set()) == ["Cluster.jobs"]  # and it sees such a field


def _reachable(cls: type) -> set[type]:
    seen: set[type] = set()
    _reading_info(cls, seen)
    return seen


async def test_an_interrupt_hands_the_member_back_and_it_leaves() -> None:
    hub = StatusHub()
    fanout = SharedStatusFanout(hub, Renderer())
    member = fanout.join(_operation(ConnectionWriter(Socket().send_text), "x"), "job-a", 4)
    assert fanout.members_of("job-a") == 1 and hub.subscriber_count == 1
    interrupt: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    waiting = asyncio.create_task(fanout.wait(member, interrupt))
    interrupt.set_result(None)  # e.g. the connection's credentials were revoked
    assert await waiting == FollowOutcome(None, False, "interrupted")
    assert fanout.members_of("job-a") == 0 and hub.subscriber_count == 0


async def test_updates_between_join_and_wait_are_not_lost() -> None:
    # The transport joins in the stream and waits later, after Strawberry's stream closed.
    hub = StatusHub()
    fanout = SharedStatusFanout(hub, Renderer())
    socket = Socket()
    member = fanout.join(_operation(ConnectionWriter(socket.send_text), "x"), "job-a", 1)
    hub.deliver([_update(2), _update(3, "SUCCEEDED")])
    await asyncio.sleep(0)  # the stream closing meanwhile (any number of loop turns)
    outcome = await fanout.wait(member)
    assert outcome.final and [
        f["payload"]["data"]["jobStatus"]["sequence"] for f in socket.frames
    ] == [2, 3]


@pytest.mark.parametrize(
    ("phase", "deleted", "reason"),
    [("DELETING", True, "DELETE_REQUESTED"), ("RUNNING", True, "DELETE_REQUESTED"),
     ("RUNNING", False, "RUNNING"), ("SUCCEEDED", False, "COMPLETED")],
)
def test_a_notification_without_a_reason_still_renders_an_enum_reason(
    phase: str, deleted: bool, reason: str
) -> None:
    # app.live.pg_bridge relays deletions (and transitions whose event is gone) without a
    # reason; JobStatusUpdate.reason is the JobReason enum, so one must be chosen.
    update = JobUpdate("job-a", "default", 3, phase, "", "", datetime.now(UTC), deleted)
    rendered = JobStatusUpdate.from_state(state_of_update(update))
    assert rendered.reason.name == reason
