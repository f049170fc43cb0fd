"""The status poller: reads every active job's status from Karmada each tick.

A tick sends a constant number of requests: one paged LIST per workload kind in use
(selected by our managed-by + instance labels) and one paged LIST of ResourceBindings
(Karmada does not copy our labels onto bindings, so they are matched by name). Only jobs
whose state changed are written, all in one transaction, then published.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app import metrics
from app.db.history import Change, apply_changes, update_of, utcnow
from app.db.models import TrainingJob
from app.karmada import KarmadaClient, KarmadaError, KarmadaUnavailable
from app.karmada.resources import RESOURCE_BINDINGS, ApiResource
from app.phases import Phase, Reason
from app.pubsub import JobUpdate, StatusHub
from app.settings import PollerSettings
from app.submission import JobSubmitter
from app.workloads import (
    InterpretedStatus,
    binding_name_for,
    instance_selector,
    interpret_status,
    kind_by_name,
)

log = logging.getLogger(__name__)

ACTIVE_PHASES = (Phase.PENDING, Phase.RUNNING, Phase.STOPPING, Phase.DELETING)
NOT_YET_SUBMITTED = (Reason.SUBMITTING.value, Reason.SUBMISSION_RETRYING.value)


@dataclass
class TickResult:
    active: int = 0
    changed: int = 0
    requests: int = 0
    deleted: int = 0


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
        self.last_success: datetime | None = None
        self._failures = 0

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

    def _backoff(self) -> float:
        base = self.settings.poll_interval_seconds * (2 ** min(self._failures, 5))
        return float(min(base, 30.0) * random.uniform(0.8, 1.2))

    async def tick(self) -> TickResult:
        requests_before = self.karmada.request_count
        started = utcnow()
        rows = await TrainingJob.filter(status__in=[p.value for p in ACTIVE_PHASES]).all()
        result = TickResult(active=len(rows))
        deleting = [r for r in rows if r.status == Phase.DELETING.value]
        pending_submission = [
            r for r in rows if r.reason in NOT_YET_SUBMITTED and r not in deleting
        ]
        submitted = [r for r in rows if r not in deleting and r not in pending_submission]

        changes = await self._resubmit(pending_submission, started)
        if submitted:
            templates, bindings = await self._read_state({r.kind for r in submitted})
            for row in submitted:
                change = self._observe(row, templates, bindings, started)
                if change is not None:
                    changes.append(change)
        updates = await apply_changes(changes)
        result.changed = len(updates)
        updates.extend(await self._finish_deletions(deleting))
        result.deleted = sum(1 for u in updates if u.deleted)
        self.hub.publish(updates)
        self.last_success = utcnow()
        result.requests = self.karmada.request_count - requests_before
        return result

    async def _resubmit(self, rows: Sequence[TrainingJob], now: datetime) -> list[Change]:
        changes = []
        for row in rows:
            # A row still "Submitting" is normally being submitted by its request right now;
            # only one left behind (a crash) is taken over.
            if row.reason == Reason.SUBMITTING.value and now - row.updated_at < timedelta(
                seconds=self.settings.workload_lost_grace_seconds
            ):
                continue
            change = await self.submitter.submit(row)
            if change.is_transition:
                changes.append(change)
        return changes

    async def _read_state(
        self, kinds: set[str]
    ) -> tuple[dict[tuple[str, str, str], dict[str, Any]], dict[tuple[str, str], dict[str, Any]]]:
        templates: dict[tuple[str, str, str], dict[str, Any]] = {}
        for kind_name in sorted(kinds):
            kind = kind_by_name(kind_name)
            resource = ApiResource(kind.group, kind.version, kind.plural)
            for obj in await self.karmada.list_all(
                resource, label_selector=self.selector, page_size=self.settings.list_page_size
            ):
                meta = obj.get("metadata") or {}
                templates[(kind_name, meta.get("namespace", ""), meta.get("name", ""))] = obj
        bindings: dict[tuple[str, str], dict[str, Any]] = {}
        for obj in await self.karmada.list_all(
            RESOURCE_BINDINGS, page_size=self.settings.list_page_size
        ):
            meta = obj.get("metadata") or {}
            bindings[(meta.get("namespace", ""), meta.get("name", ""))] = obj
        return templates, bindings

    def _observe(
        self,
        row: TrainingJob,
        templates: dict[tuple[str, str, str], dict[str, Any]],
        bindings: dict[tuple[str, str], dict[str, Any]],
        now: datetime,
    ) -> Change | None:
        kind = kind_by_name(row.kind)
        template = templates.get((row.kind, row.namespace, row.object_name))
        if template is None:
            grace = timedelta(seconds=self.settings.workload_lost_grace_seconds)
            if row.status_confirmed_at is None and now - row.updated_at < grace:
                return None  # just submitted; the LIST may predate it
            return Change(
                row,
                Phase.FAILED,
                Reason.WORKLOAD_LOST,
                f"The {row.kind} disappeared from Karmada without being deleted by us",
            )
        binding = bindings.get((row.namespace, binding_name_for(row.object_name, kind)))
        status = interpret_status(kind, template, binding)
        if row.status == Phase.STOPPING.value and not status.phase.is_terminal:
            return None
        change = _change_from_status(row, status)
        change.fields["status_confirmed_at"] = now
        if (
            not change.is_transition
            and change.message == row.message
            and not _fields_differ(row, change.fields)
        ):
            return None
        return change

    async def _finish_deletions(self, rows: Sequence[TrainingJob]) -> list[JobUpdate]:
        updates = []
        for row in rows:
            try:
                gone = await self.submitter.delete_objects(row)
            except KarmadaError as exc:
                log.warning("job %s: deletion not finished yet: %s", row.id, exc)
                continue
            if gone:
                await row.delete()
                log.info("job %s: deleted", row.id)
                updates.append(update_of(row, deleted=True))
        return updates


_COMPARED_FIELDS = (
    "active",
    "succeeded",
    "failed",
    "placement",
    "cluster_distribution",
    "start_time",
    "completion_time",
)


def _change_from_status(row: TrainingJob, status: InterpretedStatus) -> Change:
    return Change(
        row,
        status.phase,
        status.reason,
        status.message,
        cluster=status.clusters[0] if status.clusters else None,
        fields={
            "active": status.active,
            "succeeded": status.succeeded,
            "failed": status.failed,
            "placement": list(status.clusters),
            "cluster_distribution": dict(status.cluster_distribution),
            "start_time": status.start_time,
            "completion_time": status.completion_time,
        },
    )


def _fields_differ(row: TrainingJob, fields: dict[str, Any]) -> bool:
    return any(getattr(row, name) != fields[name] for name in _COMPARED_FIELDS)
