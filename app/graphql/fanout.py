"""Shared delivery of live ``jobStatus`` updates: each update is executed once per document.

Strawberry executes a subscription's selection set once per subscriber per event, then runs
its extension hooks and encodes the message: a few hundred microseconds of CPU per delivery,
so one change of a job followed by 10,000 subscribers took seconds. Here live subscribers of
the same job that sent the same document with the same variables form a *group*: the group
renders each update once (through the schema, so extensions and error masking still apply)
and queues the same encoded payload, wrapped in each member's own operation id, on a
:class:`ConnectionWriter` per websocket.

A member's stream (``resolvers.streams.job_status_stream``, through ``OperationDelivery``)
joins once it has delivered the job's state up to a sequence number, and gets control back — to
take the ordinary per-subscriber path, which back-fills from ``job_events`` — whenever the
group cannot prove it delivered the very next transition: a gap in the sequence, a coalesced
hub queue (or a listener resync), a full writer, or a failed render. Before a member gets
control back, every frame queued for it has been written, so Strawberry's own later messages
(``complete``, errors) never overtake it.

The render is viewer-independent because ``JobStatusUpdate`` has only plain fields (no
resolvers reading the context); ``tests/graphql/test_fanout.py`` keeps it that way.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from app.graphql.frames import frame
from app.jobstate.phases import Phase
from app.jobstate.updates import JobUpdate
from app.live.hub import StatusHub
from app.observability import metrics
from resolvers.delivery import TakeOver

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OperationKey:
    """What decides a rendered payload: the document, its variables and operation name."""

    query: str
    #: Canonical JSON of the variables (hashable); the dict itself is in ``variable_values``.
    variables: str
    operation_name: str | None
    variable_values: dict[str, Any] | None = field(compare=False, hash=False)

    @classmethod
    def of(
        cls, query: str, variables: dict[str, Any] | None, operation_name: str | None
    ) -> OperationKey:
        canonical = json.dumps(variables or {}, sort_keys=True, separators=(",", ":"))
        return cls(query, canonical, operation_name, variables)


#: Renders one update for one document: the encoded ``payload`` of a next/data message.
Renderer = Callable[[OperationKey, Any, JobUpdate], Awaitable[str]]
SendText = Callable[[str], Awaitable[None]]


class ConnectionWriter:
    """Writes queued text frames to one websocket, in order, off the publisher's path.

    A task runs only while frames are queued. A failed send marks the writer broken and
    drops the rest: the connection is gone, and Strawberry cancels its operations.
    """

    def __init__(self, send_text: SendText) -> None:
        self._send = send_text
        self._frames: deque[tuple[Member, str]] = deque()
        self._task: asyncio.Task[None] | None = None
        self.broken = False

    def push(self, member: Member, frame: str) -> None:
        self._frames.append((member, frame))
        member.pending += 1
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        try:
            while self._frames:
                member, frame = self._frames.popleft()
                try:
                    if not self.broken:
                        await self._send(frame)
                except Exception:
                    self.broken = True
                member.frame_written()
        finally:
            self._task = None
            if self._frames:  # cancelled mid-way (shutdown): release whoever waits
                for member, _ in self._frames:
                    member.frame_written()
                self._frames.clear()


@dataclass(eq=False)
class LiveOperation:
    """One websocket operation, as the shared delivery needs it (set by the transport)."""

    key: OperationKey
    #: The frame up to its payload (app.graphql.frames.frame_prefix).
    frame_prefix: str
    writer: ConnectionWriter
    #: The connection's context (the render runs with it).
    context: Any
    #: The transport can take a member over after the stream ends (``handoff``), and later
    #: restart the stream from ``resume_after``: the idle subscription then holds none of
    #: Strawberry's per-operation state. Otherwise the stream waits in ``follow`` itself.
    detachable: bool = False
    #: Set by a stream that ended by joining its group: the transport waits on it instead.
    handoff: Member | None = None
    #: What the stream had delivered when it handed off: (sequence, phase).
    handoff_state: tuple[int, str] | None = None
    #: Set by the transport when it restarts the stream: (sequence, phase) delivered last.
    resume_after: tuple[int, str] | None = None

    def release(self) -> None:
        """Let go of the connection once the operation has ended.

        A copy of the operation's contextvars outlives it wherever a pooled connection was
        opened meanwhile (asyncpg's and aiohttp's transports keep the context they were made
        in), and that copy holds this object: without this, it would keep the websocket and
        the caller's context alive for as long as the pooled connection lives.
        """
        self.context = None
        self.writer = _ENDED
        self.handoff = None


async def _refuse(frame: str) -> None:
    raise ConnectionError("the operation has ended")


#: The writer of every ended operation: it sends nothing.
_ENDED = ConnectionWriter(_refuse)
_ENDED.broken = True


_current: contextvars.ContextVar[LiveOperation | None] = contextvars.ContextVar(
    "live_operation", default=None
)


def current_operation() -> LiveOperation | None:
    """The websocket operation running in this task, if the transport registered one."""
    return _current.get()


@contextlib.contextmanager
def operation_scope(operation: LiveOperation) -> Iterator[None]:
    token = _current.set(operation)
    try:
        yield
    finally:
        _current.reset(token)
        operation.release()


@dataclass(frozen=True)
class FollowOutcome:
    """How a member's time in its group ended."""

    #: The last update the group delivered to this member (None: none).
    last: JobUpdate | None
    #: The delivered update was final (terminal phase or deletion): the stream is over.
    final: bool
    #: Why control came back when not final: "gap", "overflow", "resync", "render",
    #: "interrupted".
    reason: str = ""


@dataclass(eq=False)
class Member:
    operation: LiveOperation
    last_sequence: int
    outcome: asyncio.Future[FollowOutcome]
    group: _Group
    last: JobUpdate | None = None
    pending: int = 0
    _flushed: asyncio.Future[None] | None = None

    def frame_written(self) -> None:
        self.pending -= 1
        if self.pending == 0 and self._flushed is not None and not self._flushed.done():
            self._flushed.set_result(None)

    async def flushed(self) -> None:
        if self.pending > 0:
            self._flushed = asyncio.get_running_loop().create_future()
            await self._flushed

    def finish(self, final: bool, reason: str = "") -> None:
        if not self.outcome.done():
            self.outcome.set_result(FollowOutcome(self.last, final, reason))
            if not final:
                metrics.SHARED_RELEASES.labels(reason=reason).inc()


class _Group:
    """The live members of one (job, document) pair and the task feeding them."""

    def __init__(self, fanout: SharedStatusFanout, job_id: str, key: OperationKey) -> None:
        self.fanout, self.job_id, self.key = fanout, job_id, key
        self.members: set[Member] = set()
        self.subscription = fanout.hub.subscribe(job_ids=[job_id])
        self.task = asyncio.get_running_loop().create_task(self._run())

    def close(self) -> None:
        self.fanout.hub.unsubscribe(self.subscription)
        self.task.cancel()

    def release_all(self, reason: str) -> None:
        for member in self.members:
            member.finish(False, reason)

    async def _run(self) -> None:
        while True:
            update = await self.subscription.get()
            if self.subscription.take_overflow() or update.is_resync:
                # Coalesced, or the listener was down: the history has what was missed.
                self.release_all("resync" if update.is_resync else "overflow")
                continue
            live = [m for m in self.members if not m.outcome.done()]
            if not live:
                continue
            context = live[0].operation.context
            try:
                payload = await self.fanout.render(self.key, context, update)
            except Exception:
                log.exception("job %s: rendering a status update failed", self.job_id)
                self.release_all("render")
                continue
            metrics.SHARED_RENDERS.inc()
            self.deliver(update, payload)

    def deliver(self, update: JobUpdate, payload: str) -> None:
        final = update.deleted or Phase(update.phase).is_terminal
        limit = self.fanout.member_queue_size
        frames = 0
        for member in self.members:
            if member.outcome.done():
                continue
            if not update.deleted and update.sequence <= member.last_sequence:
                continue  # delivered before it joined
            if not update.deleted and update.sequence != member.last_sequence + 1:
                member.finish(False, "gap")
                continue
            if member.pending >= limit:
                member.finish(False, "overflow")  # a slow reader: back-fill it later
                continue
            op = member.operation
            op.writer.push(member, frame(op.frame_prefix, payload))
            frames += 1
            member.last, member.last_sequence = update, update.sequence
            if final:
                member.finish(True)
        metrics.SHARED_FRAMES.inc(frames)


class SharedStatusFanout:
    """Groups live ``jobStatus`` subscribers and delivers each update once per group."""

    def __init__(self, hub: StatusHub, render: Renderer, member_queue_size: int = 64) -> None:
        self.hub = hub
        self.render = render
        self.member_queue_size = member_queue_size
        self._groups: dict[tuple[str, OperationKey], _Group] = {}

    @property
    def member_count(self) -> int:
        return sum(len(g.members) for g in self._groups.values())

    def members_of(self, job_id: str) -> int:
        """How many subscribers of ``job_id`` the groups deliver to right now."""
        return sum(len(g.members) for (job, _), g in self._groups.items() if job == job_id)

    def for_current_operation(self) -> OperationDelivery | None:
        """The offer made to the ``jobStatus`` stream running in this task (if registered)."""
        operation = current_operation()
        return OperationDelivery(self, operation) if operation is not None else None

    def join(self, operation: LiveOperation, job_id: str, last_sequence: int) -> Member:
        """Enrol a member that has delivered the job's state up to ``last_sequence``.

        Synchronous: the caller drops its own hub subscription right before, and no update
        can be published in between.
        """
        key = (job_id, operation.key)
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = _Group(self, job_id, operation.key)
        loop = asyncio.get_running_loop()
        member = Member(operation, last_sequence, loop.create_future(), group)
        group.members.add(member)
        return member

    async def wait(
        self, member: Member, interrupt: asyncio.Future[Any] | None = None
    ) -> FollowOutcome:
        """Until the group hands ``member`` back (or ``interrupt`` resolves first: reason
        "interrupted"). Frames queued for it are written before this returns."""
        try:
            if interrupt is not None:
                waiting: set[asyncio.Future[Any]] = {member.outcome, interrupt}
                await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                member.finish(False, "interrupted")  # no-op if the group decided first
            outcome = await member.outcome
        finally:
            self._leave(member)
        await member.flushed()
        return outcome

    async def follow(
        self, operation: LiveOperation, job_id: str, last_sequence: int
    ) -> FollowOutcome:
        """``join`` then ``wait``: deliver the job's transitions until the group gives up."""
        return await self.wait(self.join(operation, job_id, last_sequence))

    def _leave(self, member: Member) -> None:
        group = member.group
        group.members.discard(member)
        key = (group.job_id, group.key)
        if not group.members and self._groups.get(key) is group:
            del self._groups[key]
            group.close()


@dataclass
class OperationDelivery:
    """``resolvers.delivery.StreamDelivery`` for one websocket operation.

    Detachable operations hand off: the stream ends and the transport waits in the group
    (``LiveOperation.handoff``), restarting the stream from ``resume_after`` if it gets control
    back. Others follow the group inside the stream and resume their own loop afterwards.
    """

    fanout: SharedStatusFanout
    operation: LiveOperation

    def resume_point(self) -> tuple[int, str] | None:
        resume, self.operation.resume_after = self.operation.resume_after, None
        return resume

    async def take_over(self, job_id: str, sequence: int, phase: str) -> TakeOver:
        operation = self.operation
        if operation.detachable:
            operation.handoff = self.fanout.join(operation, job_id, sequence)
            operation.handoff_state = (sequence, phase)
            return TakeOver(detached=True)
        outcome = await self.fanout.follow(operation, job_id, sequence)
        return TakeOver(detached=False, last=outcome.last, final=outcome.final)
