"""The status poller: publishes job status from Karmada once per tick (docs/live-status.md).

Each tick: refresh the in-memory active set from the database (by delta), bring the status
source in sync (watch caches: usually no request at all; list mode: one paged LIST of
compact rows per kind in use plus one of ResourceBindings), interpret only the jobs whose
objects changed, write changed rows and their ``job_events`` in one transaction, then
publish. Ticks never overlap; a slow tick delays the next one. Jobs not yet on Karmada are
(re)submitted by a burst task beside the ticks, one burst at a time, so a retry storm never
holds status back. ``observers`` are called with each published batch of updates (other
workers hook in there).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from app.db.history import Change, apply_changes, update_of, utcnow
from app.db.models import TrainingJob
from app.jobstate.phases import Phase, Reason
from app.jobstate.transitions import NOT_YET_SUBMITTED, observe
from app.jobstate.updates import JobUpdate
from app.karmada import KarmadaClient, KarmadaError, KarmadaUnavailable
from app.live.hub import StatusHub
from app.observability import metrics
from app.poller.active_jobs import ACTIVE_PHASES, ActiveJobs
from app.poller.concurrency import bounded_gather
from app.poller.recovery import RecoveryReview
from app.poller.staleness import StalenessTracker
from app.poller.status_source import ListStatusSource, StatusSource, WatchStatusSource
from app.settings import PollerSettings
from app.submission.submitter import JobSubmitter, capabilities_of
from app.workloads import (
    ClusterCapabilities,
    instance_selector,
    interpret_status,
    kind_by_name,
)

log = logging.getLogger(__name__)

__all__ = ["ACTIVE_PHASES", "StatusPoller", "TickResult", "make_status_source"]

#: How stale ``status_confirmed_at`` of an unchanged active job may get while all is well.
CONFIRM_EVERY = timedelta(seconds=30)


@dataclass
class TickResult:
    active: int = 0
    changed: int = 0
    requests: int = 0
    deleted: int = 0
    interpreted: int = 0


TickObserver = Callable[[list[JobUpdate]], Awaitable[None]]


def make_status_source(
    karmada: KarmadaClient, settings: PollerSettings, instance_id: str
) -> StatusSource:
    """The source named by ``POLL_SOURCE``: ``watch`` (default) or ``list``."""
    selector = instance_selector(instance_id)
    if settings.poll_source == "list":
        return ListStatusSource(karmada, selector, settings.list_page_size)
    return WatchStatusSource(
        karmada,
        selector,
        page_size=settings.list_page_size,
        relist_seconds=settings.watch_relist_seconds,
    )


class StatusPoller:
    def __init__(
        self,
        karmada: KarmadaClient,
        submitter: JobSubmitter,
        hub: StatusHub,
        settings: PollerSettings,
        instance_id: str,
    ) -> None:
        self.karmada = karmada
        self.submitter = submitter
        self.hub = hub
        self.settings = settings
        self.selector = instance_selector(instance_id)
        self.instance_id = instance_id
        self.source: StatusSource = make_status_source(karmada, settings, instance_id)
        self.active = ActiveJobs(full_reload_seconds=settings.watch_relist_seconds)
        #: Called after each tick with the updates it published (never blocks the tick long).
        self.observers: list[TickObserver] = []
        self.last_success: datetime | None = None
        self.ticks = 0
        self.last_tick: TickResult | None = None
        #: The submission burst in flight (one at a time), off the tick's path.
        self._submissions: asyncio.Task[None] | None = None
        self._failures = 0
        self._full_check_at: datetime | None = None
        self._confirmed_at: datetime | None = None
        self.confirm_every = CONFIRM_EVERY
        # RELIABLE: jobs on an unreachable member keep their phase with reason StatusStale.
        self.staleness = StalenessTracker(karmada, settings.cluster_health_check_seconds)
        # RELIABLE: a failed attempt is retried per the job's recovery policy (issue 19).
        self.recovery = RecoveryReview(
            karmada,
            submitter.recovery,
            instance_id,
            template=lambda row: self.source.template(_key(row)),
            binding=lambda row: self.source.binding(_key(row)),
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Tick every interval until ``stop`` is set; ticks never overlap."""
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        while not stop.is_set():
            try:
                with metrics.POLL_TICK_SECONDS.time():
                    result = await self.tick()
                metrics.POLL_TICKS.labels(outcome="ok").inc()
                metrics.POLL_REQUESTS.inc(result.requests)
                self._failures = 0
                delay = self.settings.poll_interval_seconds
            except KarmadaUnavailable as exc:
                metrics.POLL_TICKS.labels(outcome="karmada_unavailable").inc()
                self._failures += 1
                delay = self._backoff()
                log.warning("poller: Karmada unavailable (%s); next try in %.1fs", exc, delay)
            except Exception:
                metrics.POLL_TICKS.labels(outcome="error").inc()
                self._failures += 1
                delay = self._backoff()
                log.exception("poller: tick failed; next try in %.1fs", delay)
            # A slow tick delays the next one rather than piling ticks up.
            next_at = max(next_at + delay, loop.time())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=max(0.0, next_at - loop.time()))
        await self.close()

    async def close(self) -> None:
        """Stop the source's watches and forget the active set (a new term starts fresh)."""
        if self._submissions is not None:
            # Half-done submissions are safe: objects are created by name, so the next
            # leader's retry finds what this one made.
            self._submissions.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._submissions
            self._submissions = None
        await self.source.close()
        self.source = make_status_source(self.karmada, self.settings, self.instance_id)
        self.active.reset()

    @property
    def consecutive_failures(self) -> int:
        """Ticks failed in a row (Karmada unavailable or caches out of sync); 0 when healthy."""
        return self._failures

    def _backoff(self) -> float:
        base = self.settings.poll_interval_seconds * (2 ** min(self._failures, 5))
        return float(min(base, 30.0) * random.uniform(0.8, 1.2))

    async def tick(self) -> TickResult:
        requests_before = self.karmada.request_count
        started = utcnow()
        fresh = await self.active.refresh(started)
        rows = list(self.active.jobs.values())
        result = TickResult(active=len(rows))
        deleting = [r for r in rows if r.status == Phase.DELETING.value]
        pending_submission = [
            r for r in rows if r.reason in NOT_YET_SUBMITTED and r.status != Phase.DELETING.value
        ]
        skip = {r.id for r in deleting} | {r.id for r in pending_submission}
        submitted = [r for r in rows if r.id not in skip]

        self._start_submissions(pending_submission, started)
        changes: list[Change] = []
        # Jobs still waiting for submission count too: their caches are warm (LIST done,
        # WATCH open) by the time they are submitted and start changing.
        in_use = [*submitted, *pending_submission]
        if in_use:
            await self.source.sync({r.kind for r in in_use}, {r.namespace for r in in_use})
        if submitted:
            candidates = self._candidates(submitted, fresh, started)
            result.interpreted = len(candidates)
            for row in candidates:
                change = self._observe(row, started)
                if change is not None:
                    changes.append(change)
            changes = await self.staleness.apply(
                submitted, changes, lambda row: self._observe(row, started)
            )
            changes = await self.recovery.review(
                submitted, changes, self.staleness.clusters, started
            )
        updates = await apply_changes(changes)
        result.changed = len(updates)
        updates.extend(await self._finish_deletions(deleting))
        result.deleted = sum(1 for u in updates if u.deleted)
        self.active.settle()
        if submitted:
            await self._confirm_unchanged(started)
        await self._publish(updates)
        self.last_success = utcnow()
        metrics.POLL_LAST_SUCCESS.set(self.last_success.timestamp())  # for every worker's scrape
        self.ticks += 1
        result.requests = self.karmada.request_count - requests_before
        self.last_tick = result
        return result

    async def _confirm_unchanged(self, now: datetime) -> None:
        """Stamp ``status_confirmed_at`` on active jobs whose status held (Karmada answered).

        Unchanged jobs are not rewritten every tick (that would be O(active jobs) of writes);
        instead one UPDATE every ``confirm_every`` moves their confirmation time forward, so
        ``statusConfirmedAt`` is at most that old while the poller is healthy.
        """
        if self._confirmed_at is not None and now - self._confirmed_at < self.confirm_every:
            return
        self._confirmed_at = now
        ids = [
            r.id
            for r in self.active.jobs.values()
            if r.status_confirmed_at is not None
            and r.status_confirmed_at < now - self.confirm_every
        ]
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            await TrainingJob.filter(id__in=chunk).update(status_confirmed_at=now)
        for job_id in ids:
            self.active.jobs[job_id].status_confirmed_at = now

    def _candidates(
        self, submitted: list[TrainingJob], fresh: set[str], now: datetime
    ) -> list[TrainingJob]:
        """Jobs to interpret this tick: changed objects, changed rows, unconfirmed jobs."""
        changed = self.source.drain_changed()
        if changed is None:
            return submitted
        if self._full_check_at is None or now >= self._full_check_at:
            # Heal anything missed (a lost event, a row edited behind our back).
            self._full_check_at = now + timedelta(seconds=self.settings.watch_relist_seconds)
            return submitted
        return [
            r
            for r in submitted
            if r.id in fresh
            or r.status_confirmed_at is None
            or (r.kind, r.namespace, r.object_name) in changed
        ]

    async def _publish(self, updates: list[JobUpdate]) -> None:
        self.hub.publish(updates)
        for observer in self.observers:
            try:
                await observer(updates)
            except Exception:
                log.exception("poller observer %r failed", observer)

    def _start_submissions(self, rows: Sequence[TrainingJob], now: datetime) -> None:
        """Submit (or retry) jobs not yet on Karmada, in a task of their own.

        A burst of retries (Karmada back after an outage: hundreds of jobs, several requests
        each) would otherwise hold the tick, and every other job's status with it, for
        seconds. One burst at a time: while one runs, its rows stay "not yet submitted" and
        later ticks leave them to it.
        """
        if not rows or (self._submissions is not None and not self._submissions.done()):
            return
        self._submissions = asyncio.create_task(
            self._submit_burst(list(rows), now), name="poller-submissions"
        )

    async def _submit_burst(self, rows: list[TrainingJob], now: datetime) -> None:
        try:
            changes = await self._resubmit(rows, now)
            await self._publish(await apply_changes(changes))
        except Exception:
            log.exception("poller: submitting %d jobs failed; the next tick retries", len(rows))

    async def _resubmit(self, rows: Sequence[TrainingJob], now: datetime) -> list[Change]:
        # A row still "Submitting" is normally being submitted by its request right now;
        # only one left behind (a crash) is taken over.
        grace = timedelta(seconds=self.settings.workload_lost_grace_seconds)
        due = [
            row
            for row in rows
            if not (row.reason == Reason.SUBMITTING.value and now - row.updated_at < grace)
        ]
        if not due:
            return []
        # One cluster LIST for the whole burst (each submit would otherwise list them), and
        # the submissions concurrently (bounded): hundreds of retries one after the other
        # would take minutes.
        clusters: list[ClusterCapabilities] | None = None
        with contextlib.suppress(KarmadaUnavailable):  # each submit then meets it itself
            clusters = capabilities_of(await self.karmada.list_clusters())
        # Recovering jobs: every earlier attempt's deletes first, then one LIST per member
        # for all their checks (a request per waiting job per burst was most of a mass
        # recovery's traffic).
        retired: dict[str, str | None] = {}
        if clusters is not None:
            retired = await self.submitter.retire_many(due, clusters)
        changes = await bounded_gather(
            [partial(self.submitter.submit, row, None, clusters, retired) for row in due],
            KARMADA_CONCURRENCY,
        )
        return [change for change in changes if change.is_transition]

    def _observe(self, row: TrainingJob, now: datetime) -> Change | None:
        # The current attempt's name only: an earlier attempt's objects (a returning
        # member's stale copy) never report into the job.
        key = _key(row)
        template = self.source.template(key)
        status = (
            interpret_status(kind_by_name(row.kind), template, self.source.binding(key))
            if template is not None
            else None
        )
        grace = timedelta(seconds=self.settings.workload_lost_grace_seconds)
        observed = observe(row, status, now, grace)
        if observed is None:
            return None
        return Change(
            row,
            observed.phase,
            observed.reason,
            observed.message,
            cluster=observed.cluster,
            actor=observed.actor,
            fields=dict(observed.fields),
        )

    async def _finish_deletions(self, rows: Sequence[TrainingJob]) -> list[JobUpdate]:
        async def finish(row: TrainingJob) -> JobUpdate | None:
            try:
                gone = await self.submitter.delete_objects(row)
            except KarmadaError as exc:
                log.warning("job %s: deletion not finished yet: %s", row.id, exc)
                return None
            if not gone:
                return None
            await row.delete()
            self.active.forget(row.id)
            log.info("job %s: deleted", row.id)
            return update_of(row, deleted=True)

        finished = await bounded_gather([partial(finish, row) for row in rows], KARMADA_CONCURRENCY)
        return [update for update in finished if update is not None]


def _key(row: TrainingJob) -> tuple[str, str, str]:
    return (row.kind, row.namespace, row.object_name)


#: Karmada requests kept in flight by a submission burst, and by a tick's deletions.
KARMADA_CONCURRENCY = 16
