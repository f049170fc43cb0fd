"""Job logs: live from the member clusters when the pods exist, else from the archive.

Reads say which source they used. ``attempt`` (issue 19) picks one attempt of a recovered job:
the current one (the default) is read as above, from its own pods only (the attempt label);
an earlier one from its archive (taken when the recovery replaced it). A follow stream ends
when the job reaches a final state (after a short drain for the last lines) or when the
client leaves; an unreachable member ends it with an error result.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal

from app.db.models import TrainingJob
from app.jobstate.phases import Phase
from app.karmada.paths import InvalidPathValue, check_name
from app.operations.archive import archived_logs
from app.operations.logs import (
    LogLine,
    MemberUnreachable,
    PodLog,
    PodLogReader,
    bounded_lines,
    render_logs,
)
from resolvers.context import Context
from resolvers.errors import InvalidInput, Unavailable
from resolvers.jobs import get_job

LogSource = Literal["live", "archive"]


@dataclass(frozen=True)
class JobLogs:
    source: LogSource
    pods: list[PodLog] = field(default_factory=list)

    @property
    def text(self) -> str:
        return render_logs(self.pods)

    @property
    def truncated(self) -> bool:
        return any(p.truncated for p in self.pods)


@dataclass(frozen=True)
class LogStreamEnded:
    """The last item of a follow stream that could not go on (e.g. a member is down)."""

    reason: str


def reader_for(ctx: Context) -> PodLogReader:
    return PodLogReader(ctx.karmada, ctx.services.settings.karmada.ml_platform_instance)


def _check_bounds(ctx: Context, tail_lines: int | None, since_seconds: int | None) -> int:
    limit = ctx.services.settings.operations.log_read_max_lines
    if tail_lines is None:
        return limit
    if not 0 <= tail_lines <= limit:
        raise InvalidInput("tailLines", f"must be between 0 and {limit}")
    if since_seconds is not None and since_seconds < 1:
        raise InvalidInput("sinceSeconds", "must be at least 1")
    return tail_lines


def check_attempt(attempt: int | None, attempts: int) -> int:
    """The attempt to read: ``attempt``, or the current one (``attempts``, the job's number
    of attempts) when None; InvalidInput naming ``attempt`` outside 1..attempts (pure)."""
    if attempt is None:
        return attempts
    if not 1 <= attempt <= attempts:
        which = "1" if attempts == 1 else f"from 1 to {attempts}"
        raise InvalidInput(
            "attempt", f"must be {which}: the job has {attempts} attempt(s) ({attempt} given)"
        )
    return attempt


async def job_logs(
    ctx: Context,
    job_id: str,
    *,
    tail_lines: int | None = None,
    since_seconds: int | None = None,
    pod: str | None = None,
    attempt: int | None = None,
) -> JobLogs:
    """The logs of one attempt of the job (default: its current one): live pods first, else
    the archive (``source`` says which); an earlier attempt's from the archive.

    Raises JobNotFound, InvalidInput, or Unavailable when a member holding the pods is
    unreachable and nothing is archived.
    """
    if pod is not None:
        try:
            check_name(pod, "pod")  # it selects a pod whose name goes into a Karmada path
        except InvalidPathValue as exc:
            raise InvalidInput(exc.field, exc.reason) from None
    job = await get_job(ctx, job_id)
    tail = _check_bounds(ctx, tail_lines, since_seconds)
    number = check_attempt(attempt, job.attempt)
    if number != job.attempt:
        earlier = await archived_logs(job.id, number, pod)
        return JobLogs("archive", [_tail(p, tail) for p in earlier])
    reader = reader_for(ctx)
    unreachable: MemberUnreachable | None = None
    try:
        pods = await reader.find_pods(job, pod)
        if pods:
            return JobLogs("live", await reader.read(pods, tail_lines=tail,
                                                     since_seconds=since_seconds))
    except MemberUnreachable as exc:
        unreachable = exc
    archived = await archived_logs(job.id, job.attempt, pod)
    if archived:
        return JobLogs("archive", [_tail(p, tail) for p in archived])
    if unreachable is not None:
        raise Unavailable(str(unreachable)) from unreachable
    return JobLogs("live", [])


def _tail(log: PodLog, limit: int) -> PodLog:
    lines, cut = bounded_lines(log.text, limit)
    return PodLog(
        log.cluster,
        log.pod,
        log.container,
        "".join(f"{line}\n" for line in lines),
        len(lines),
        log.truncated or cut,
    )


def _is_final(phase: str) -> bool:
    return phase == Phase.DELETING.value or Phase(phase).is_terminal


async def job_log_stream(
    ctx: Context, job_id: str, *, pod: str | None = None, tail_lines: int = 100
) -> AsyncIterator[LogLine | LogStreamEnded]:
    """Follow the job's pod logs live; for a finished job, its logs once, then the end."""
    hub = ctx.hub
    subscription = hub.subscribe(job_ids=[job_id])
    try:
        job = await get_job(ctx, job_id)
        tail = _check_bounds(ctx, tail_lines, None)
        if _is_final(job.status):
            async for item in _snapshot(ctx, job, tail, pod):
                yield item
            return
        ended = asyncio.Event()

        async def watch_end() -> None:
            while True:
                update = await subscription.get()
                if update.deleted or _is_final(update.phase):
                    ended.set()
                    return

        watcher = asyncio.create_task(watch_end())
        try:
            async for item in _follow_until(ctx, job, tail, pod, ended):
                yield item
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
    finally:
        hub.unsubscribe(subscription)


async def _snapshot(
    ctx: Context, job: TrainingJob, tail: int, pod: str | None
) -> AsyncIterator[LogLine | LogStreamEnded]:
    try:
        logs = await job_logs(ctx, job.id, tail_lines=tail, pod=pod)
    except Unavailable as exc:
        yield LogStreamEnded(str(exc))
        return
    for item in logs.pods:
        for line in item.text.splitlines():
            yield LogLine(item.cluster, item.pod, item.container, line)


async def _follow_until(
    ctx: Context, job: TrainingJob, tail: int, pod: str | None, ended: asyncio.Event
) -> AsyncIterator[LogLine | LogStreamEnded]:
    """Lines from the live follow until ``ended`` (plus the drain period) or an error."""
    queue: asyncio.Queue[LogLine | LogStreamEnded | None] = asyncio.Queue(1000)
    reader = reader_for(ctx)

    async def pump() -> None:
        try:
            async for line in reader.follow(job, pod=pod, tail_lines=tail):
                await queue.put(line)
        except MemberUnreachable as exc:
            await queue.put(LogStreamEnded(str(exc)))
        except Exception:  # the job row vanished (deleted) or Karmada failed
            await queue.put(None)

    loop = asyncio.get_running_loop()
    drain = ctx.services.settings.operations.log_follow_drain_seconds
    pumping = asyncio.create_task(pump())
    drain_until: float | None = None
    try:
        while True:
            if ended.is_set() and drain_until is None:
                drain_until = loop.time() + drain
            wait = 0.25 if drain_until is None else drain_until - loop.time()
            if wait <= 0:
                return
            try:
                item = await asyncio.wait_for(queue.get(), timeout=wait)
            except TimeoutError:
                continue
            if item is None:
                return
            yield item
            if isinstance(item, LogStreamEnded):
                return
    finally:
        pumping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pumping
