"""The reconciler: finishes half-done work and removes orphans, on start and periodically.

Runs on the leader only. One pass:

1. LIST our objects on Karmada (every workload kind, PropagationPolicies, PVCs; selected by
   our managed-by + instance labels). This comes *before* reading rows: a row is always
   committed before its objects are created, so every object in the LIST already has its row
   visible by the time the rows are read, and a job created meanwhile is never mistaken for an
   orphan (docs/reliability.md).
2. Objects whose job has no row, older than ``orphan_grace_seconds``, are deleted; so are a
   job's workloads and policies under an earlier attempt's name (issue 19: a crash between
   a recovery's steps leaves them; app.submission.recovery).
3. Rows still ``Submitting`` (left behind by a crash) or ``SubmissionRetrying`` whose objects are
   missing are submitted again; submission is idempotent (same names, ownership checked).
4. Rows ``DELETING`` are finished: objects deleted, then the row.
5. A live job whose workload exists but whose PropagationPolicy is missing gets it back
   (without it Karmada never places the workload, and the job would hang in Scheduling).

Every action is logged with the job id first and counted in ``ACTIONS`` (plain counters the
metrics module exports).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from prometheus_client.core import CounterMetricFamily, Metric
from tortoise.exceptions import IntegrityError

from app.db.history import apply_changes, update_of, utcnow
from app.db.models import TrainingJob
from app.jobspec import RequestInvalid
from app.jobstate.phases import Phase, Reason
from app.jobstate.transitions import NOT_YET_SUBMITTED
from app.karmada import KarmadaClient, KarmadaError, KarmadaUnavailable, NotFound
from app.karmada.resources import PROPAGATION_POLICIES, PVCS, ApiResource
from app.live.hub import StatusHub
from app.observability import metrics
from app.settings import PollerSettings
from app.submission.recovery import archive_earlier
from app.submission.submitter import JobSubmitter, capabilities_of
from app.workloads import (
    ALL_KINDS,
    ClusterCapabilities,
    instance_selector,
    job_id_of,
    kind_by_name,
)

log = logging.getLogger(__name__)

#: Actions taken since the process started, by name: ``orphan_deleted``, ``resubmitted``,
#: ``deletion_finished``, ``policy_restored``, ``stale_attempt_deleted``, ``passes``,
#: ``pass_failed``.
ACTIONS: Counter[str] = Counter()



class _ActionsCollector:
    """Exports ACTIONS as ``mlplatform_reconciler_actions_total{action=...}`` on /metrics."""

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "mlplatform_reconciler_actions",
            "Reconciler actions by this process (orphan_deleted, resubmitted, "
            "deletion_finished, policy_restored, passes, pass_failed).",
            labels=["action"],
        )
        for action in _ACTION_NAMES:
            family.add_metric([action], ACTIONS[action])
        yield family


_ACTION_NAMES = ("orphan_deleted", "resubmitted", "deletion_finished", "policy_restored",
                 "passes", "pass_failed")
metrics.REGISTRY.register(_ActionsCollector())

_ID_CHUNK = 500


@dataclass(frozen=True)
class OwnedObject:
    """One object we created, as found on Karmada."""

    resource: ApiResource
    namespace: str
    name: str
    job_id: str
    created: datetime | None


@dataclass
class Inventory:
    """Our objects on Karmada, by job id."""

    by_job: dict[str, list[OwnedObject]] = field(default_factory=dict)

    def add(self, obj: OwnedObject) -> None:
        self.by_job.setdefault(obj.job_id, []).append(obj)

    def has(self, job_id: str, resource: ApiResource, name: str) -> bool:
        return any(o.resource == resource and o.name == name for o in self.by_job.get(job_id, ()))


@dataclass
class ReconcileReport:
    """What one pass did (job ids), for logs and tests."""

    orphans_deleted: list[str] = field(default_factory=list)
    resubmitted: list[str] = field(default_factory=list)
    deletions_finished: list[str] = field(default_factory=list)
    policies_restored: list[str] = field(default_factory=list)
    stale_attempts_deleted: list[str] = field(default_factory=list)


def owned_object(resource: ApiResource, obj: dict[str, Any]) -> OwnedObject | None:
    """An OwnedObject from a listed item; None when it names no job."""
    job_id = job_id_of(obj)
    meta = obj.get("metadata") or {}
    if job_id is None or not meta.get("name"):
        return None
    return OwnedObject(
        resource, meta.get("namespace", ""), meta["name"], job_id,
        _parse_time(meta.get("creationTimestamp")),
    )


def orphans_to_delete(
    inventory: Inventory, live_ids: set[str], now: datetime, grace: timedelta
) -> list[OwnedObject]:
    """Objects whose job has no row and which are older than the grace period.

    An object without a creation time is never deleted: we cannot tell its age.
    """
    return [
        obj
        for job_id, objects in sorted(inventory.by_job.items())
        if job_id not in live_ids
        for obj in objects
        if obj.created is not None and now - obj.created >= grace
    ]


def stale_attempt_objects(
    inventory: Inventory, current: dict[str, str]
) -> list[OwnedObject]:
    """Workloads and policies of a job with a row that are not its current attempt's
    (``current``: job id -> object name). An attempt's objects are only created once the
    row names it (app.submission.recovery), so any other name is an earlier attempt's
    leftover: a crash between the steps of a recovery. PVCs are shared by all attempts."""
    return [
        obj
        for job_id, objects in sorted(inventory.by_job.items())
        if job_id in current
        for obj in objects
        if obj.resource != PVCS and obj.name != current[job_id]
    ]


class Reconciler:
    def __init__(
        self,
        karmada: KarmadaClient,
        submitter: JobSubmitter,
        hub: StatusHub,
        settings: PollerSettings,
        instance_id: str,
        is_leader: Callable[[], bool] | None = None,
    ) -> None:
        self.karmada = karmada
        self.submitter = submitter
        self.hub = hub
        self.settings = settings
        self.selector = instance_selector(instance_id)
        self.is_leader = is_leader or (lambda: True)
        self.last_report: ReconcileReport | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """A pass now, then every ``reconcile_interval_seconds`` until ``stop`` is set."""
        while not stop.is_set():
            if self.is_leader():
                try:
                    self.last_report = await self.reconcile_once()
                except KarmadaUnavailable as exc:
                    ACTIONS["pass_failed"] += 1
                    log.warning("reconciler: Karmada unavailable (%s); retrying next period", exc)
                except Exception:
                    ACTIONS["pass_failed"] += 1
                    log.exception("reconciler: pass failed; retrying next period")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.reconcile_interval_seconds)

    async def reconcile_once(self) -> ReconcileReport:
        """One pass (see the module docstring); raises KarmadaUnavailable if the LIST fails."""
        report = ReconcileReport()
        inventory = await self.inventory()  # first: see the module docstring
        now = utcnow()
        live_ids = await _existing_ids(inventory.by_job)
        grace = timedelta(seconds=self.settings.orphan_grace_seconds)
        for obj in orphans_to_delete(inventory, live_ids, now, grace):
            await self._delete_orphan(obj, report)
        current = await _current_names(live_ids)
        stale = stale_attempt_objects(inventory, current)
        await self._archive_stale_attempts(stale)
        for obj in stale:
            await self._delete_stale_attempt(obj, report)
        rows = await TrainingJob.filter(
            status__in=[Phase.PENDING.value, Phase.RUNNING.value, Phase.DELETING.value]
        ).all()
        # Recovering rows: their deletes, then one LIST per member for all their checks.
        retired: dict[str, str | None] = {}
        clusters: list[ClusterCapabilities] | None = None
        if any(row.reason == Reason.RECOVERING.value for row in rows):
            clusters = capabilities_of(await self.karmada.list_clusters())
            retired = await self.submitter.retire_many(rows, clusters)
        for row in rows:
            try:
                await self._reconcile_row(row, inventory, now, report, clusters, retired)
            except KarmadaUnavailable:
                raise
            except (KarmadaError, IntegrityError) as exc:
                # IntegrityError: the poller recorded a transition of this row meanwhile.
                log.warning("job %s: reconciler skipped it this pass: %s", row.id, exc)
        ACTIONS["passes"] += 1
        return report

    async def inventory(self) -> Inventory:
        inventory = Inventory()
        resources = [ApiResource(k.group, k.version, k.plural) for k in ALL_KINDS]
        for resource in [*resources, PROPAGATION_POLICIES, PVCS]:
            try:
                items = await self.karmada.list_all(
                    resource, label_selector=self.selector, page_size=self.settings.list_page_size
                )
            except NotFound:
                continue  # that kind's CRD is not installed on this Karmada
            for item in items:
                obj = owned_object(resource, item)
                if obj is not None:
                    inventory.add(obj)
        return inventory

    async def _delete_orphan(self, obj: OwnedObject, report: ReconcileReport) -> None:
        await self.karmada.delete(obj.resource, obj.namespace, obj.name, propagation="Background")
        ACTIONS["orphan_deleted"] += 1
        if obj.job_id not in report.orphans_deleted:
            report.orphans_deleted.append(obj.job_id)
        log.warning(
            "job %s: deleted orphan %s %s/%s (no job row)",
            obj.job_id, obj.resource.plural, obj.namespace, obj.name,
        )

    async def _archive_stale_attempts(self, stale: Sequence[OwnedObject]) -> None:
        """The logs of the attempts whose workloads are about to be deleted, when the
        recovery has not archived them yet (its pods go with the workload)."""
        archive = self.submitter.archive_attempt
        if archive is None:
            return
        workloads: dict[str, set[str]] = {}
        for obj in stale:
            if obj.resource != PROPAGATION_POLICIES:
                workloads.setdefault(obj.job_id, set()).add(obj.name)
        for job_id, names in sorted(workloads.items()):
            row = await TrainingJob.get_or_none(id=job_id)
            if row is not None:
                await archive_earlier(row, archive, names)

    async def _delete_stale_attempt(self, obj: OwnedObject, report: ReconcileReport) -> None:
        await self.karmada.delete(obj.resource, obj.namespace, obj.name, propagation="Background")
        ACTIONS["stale_attempt_deleted"] += 1
        if obj.job_id not in report.stale_attempts_deleted:
            report.stale_attempts_deleted.append(obj.job_id)
        log.warning(
            "job %s: deleted %s %s/%s of an earlier attempt",
            obj.job_id, obj.resource.plural, obj.namespace, obj.name,
        )

    async def _reconcile_row(
        self,
        row: TrainingJob,
        inventory: Inventory,
        now: datetime,
        report: ReconcileReport,
        clusters: Sequence[ClusterCapabilities] | None = None,
        retired: Mapping[str, str | None] | None = None,
    ) -> None:
        if row.status == Phase.DELETING.value:
            if await self.submitter.delete_objects(row):
                await row.delete()
                self.hub.publish([update_of(row, deleted=True)])
                ACTIONS["deletion_finished"] += 1
                report.deletions_finished.append(row.id)
                log.info("job %s: reconciler finished its deletion", row.id)
            return
        workload = self._workload_resource(row)
        has_workload = inventory.has(row.id, workload, row.object_name)
        has_policy = inventory.has(row.id, PROPAGATION_POLICIES, row.object_name)
        if row.reason in NOT_YET_SUBMITTED:
            # A row "Submitting" is normally being submitted by its own request right now, and
            # the poller takes over one left behind after the same grace. The reconciler is the
            # safety net behind both: it waits two of its periods longer, so the two rarely
            # write the same row at once (if they do, one gets an IntegrityError and moves on).
            settle = timedelta(
                seconds=self.settings.workload_lost_grace_seconds
                + 2 * self.settings.reconcile_interval_seconds
            )
            if row.reason == Reason.SUBMITTING.value and now - row.updated_at < settle:
                return
            if has_workload and has_policy and row.reason == Reason.SUBMISSION_RETRYING.value:
                return  # the poller's own retry finishes it
            change = await self.submitter.submit(row, None, clusters, retired)
            if change.is_transition:
                self.hub.publish(await apply_changes([change]))
                ACTIONS["resubmitted"] += 1
                report.resubmitted.append(row.id)
                log.info("job %s: reconciler resubmitted it -> %s", row.id, change.reason.value)
            return
        if has_workload and not has_policy:
            try:
                await self.submitter.ensure_objects(row)
            except RequestInvalid as exc:
                log.warning("job %s: cannot rebuild its PropagationPolicy: %s", row.id, exc)
                return
            ACTIONS["policy_restored"] += 1
            report.policies_restored.append(row.id)
            log.warning("job %s: its PropagationPolicy was missing; recreated it", row.id)

    @staticmethod
    def _workload_resource(row: TrainingJob) -> ApiResource:
        kind = kind_by_name(row.kind)
        return ApiResource(kind.group, kind.version, kind.plural)


async def _current_names(job_ids: Iterable[str]) -> dict[str, str]:
    """Job id -> the current attempt's object name, for the jobs that have a row."""
    ids = sorted(job_ids)
    names: dict[str, str] = {}
    for start in range(0, len(ids), 5000):
        rows = await TrainingJob.filter(id__in=ids[start : start + 5000]).values_list(
            "id", "object_name"
        )
        names.update({str(job_id): str(name) for job_id, name in rows})
    return names


async def _existing_ids(job_ids: Iterable[str]) -> set[str]:
    ids = sorted(job_ids)
    found: set[str] = set()
    for start in range(0, len(ids), _ID_CHUNK):
        chunk: Sequence[str] = ids[start : start + _ID_CHUNK]
        values = await TrainingJob.filter(id__in=list(chunk)).values_list("id", flat=True)
        found.update(str(v) for v in values)
    return found


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
