"""The poller's side of recovery (issue 19): notice that an attempt failed, classify the
failure (app.workloads.failures.classify) and, when the job's policy says so, start the next
attempt (app.submission.recovery.begin_attempt) instead of letting the job end FAILED.

Run once per tick on the tick's changes:

- a change to FAILED (the workload's own failure, or WorkloadLost) is re-read: the member's
  status item from the binding and, for a failure the workload reports, the attempt's pods
  through the cluster proxy (a pod with ``DisruptionTarget`` makes an eviction an
  infrastructure failure; without the pods it reads as the app's);
- a live job on a member that is NotReady or unreachable for longer than its policy's grace
  is an infrastructure failure too (unless ``onUnreachable: wait`` and the member is
  unreachable: then it keeps StatusStale until the member is back).

Deadlines are never retried; everything not retried is written as it would be without
recovery.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from app.db.history import Change
from app.db.models import TrainingJob
from app.jobstate.phases import Phase, Reason
from app.jobstate.recovery import RecoveryPolicy, decide
from app.jobstate.transitions import NOT_YET_SUBMITTED
from app.karmada import KarmadaClient, KarmadaError
from app.karmada.paths import api_path, label_selector
from app.observability import metrics
from app.poller.concurrency import bounded_gather
from app.poller.staleness import placed_on
from app.submission.recovery import begin_attempt, policy_of
from app.workloads import INSTANCE_LABEL, JOB_ID_LABEL, job_id_label_value
from app.workloads.failures import (
    Cause,
    Failure,
    FailureKind,
    MemberHealth,
    classify,
    classify_member,
)

log = logging.getLogger(__name__)

#: Pod reads through the cluster proxy a tick keeps in flight (``_pods_of_failed``).
POD_READS_IN_FLIGHT = 16
#: Recoveries' step-1 transactions (``begin_attempt``) a tick runs at once: fewer than the
#: database pool's 5 connections, which the tick's other queries and the API share.
ATTEMPT_WRITES_IN_FLIGHT = 3

_LIVE = (Phase.PENDING.value, Phase.RUNNING.value)


def member_status(binding: Mapping[str, Any] | None, cluster: str | None) -> dict[str, Any] | None:
    """The member's ``aggregatedStatus[].status`` item (Karmada's copy of its status)."""
    for item in (binding or {}).get("status", {}).get("aggregatedStatus") or []:
        if (cluster is None or item.get("clusterName") == cluster) and item.get("status"):
            return dict(item["status"])
    return None


class RecoveryReview:
    def __init__(
        self,
        karmada: KarmadaClient,
        defaults: RecoveryPolicy,
        instance_id: str,
        template: Callable[[TrainingJob], dict[str, Any] | None],
        binding: Callable[[TrainingJob], dict[str, Any] | None],
    ) -> None:
        self.karmada = karmada
        self.defaults = defaults
        self.instance_id = instance_id
        self.template = template
        self.binding = binding

    async def review(
        self,
        rows: Sequence[TrainingJob],
        changes: list[Change],
        clusters: Sequence[Mapping[str, Any]],
        now: datetime,
    ) -> list[Change]:
        health = {
            str(c["metadata"]["name"]): MemberHealth.from_cluster(c) for c in clusters
        }
        by_id = {c.job.id: c for c in changes}
        result: dict[str, Change] = dict(by_id)
        if all(member.healthy for member in health.values()):
            # The common tick: only failures the workloads reported need a look.
            failed = {c.job.id for c in changes if c.phase is Phase.FAILED}
            rows = [row for row in rows if row.id in failed]
        rows = [row for row in rows if not ((c := by_id.get(row.id)) and c.forced)]
        pods = await self._pods_of_failed(rows, by_id)
        starts: list[tuple[TrainingJob, Failure, str | None, RecoveryPolicy]] = []
        for row in rows:
            change = by_id.get(row.id)
            failure, cluster = await self._failure_of(row, change, health, now, pods)
            if failure is None or not failure.failed:
                continue
            policy = policy_of(row, self.defaults)
            decision = decide(policy, failure, row.attempt)
            if not decision.retry:
                if change is None:
                    continue  # a member failure we do not act on: staleness shows it
                log.info("job %s: not retried (%s): %s", row.id, decision.why, failure.detail)
                continue
            log.warning(
                "job %s: attempt %d failed on %s (%s %s); recovering: %s",
                row.id, row.attempt, cluster, failure.kind.value, failure.cause.value,
                decision.why,
            )
            starts.append((row, failure, cluster, policy))
        # Each job's step 1 is its own transaction; a few at a time (a tick that saw hundreds
        # of attempts fail spent seconds writing them one after the other).
        begun = await bounded_gather(
            [partial(begin_attempt, row, failure, cluster, policy, now)
             for row, failure, cluster, policy in starts],
            ATTEMPT_WRITES_IN_FLIGHT,
        )
        for (row, failure, _, _), change in zip(starts, begun, strict=True):
            if change is not None:
                result[row.id] = change
                metrics.RECOVERIES.labels(cause=failure.cause.value).inc()
        return list(result.values())

    async def _failure_of(
        self,
        row: TrainingJob,
        change: Change | None,
        health: Mapping[str, MemberHealth],
        now: datetime,
        read: Mapping[str, list[dict[str, Any]]] | None = None,
    ) -> tuple[Failure | None, str | None]:
        placed = sorted(placed_on(row))
        cluster = placed[0] if placed else None
        if change is not None and change.phase is Phase.FAILED:
            if row.status not in _LIVE or row.reason in NOT_YET_SUBMITTED:
                return None, cluster
            cluster = change.cluster or cluster
            if change.reason is Reason.WORKLOAD_LOST:
                return classify(row.kind, None), cluster
            status = member_status(self.binding(row), cluster)
            if status is None:
                status = dict((self.template(row) or {}).get("status") or {})
            pods = (read or {}).get(row.id)
            if pods is None:
                pods = await self._pods(row, cluster)
            return classify(row.kind, status, pods=pods), cluster
        if row.status not in _LIVE or row.reason in NOT_YET_SUBMITTED:
            return None, cluster
        if change is not None and change.phase.is_terminal:
            return None, cluster
        policy = policy_of(row, self.defaults)
        grace = timedelta(seconds=policy.member_grace_seconds)
        for name in placed:
            member = health.get(name)
            if member is None or member.healthy:
                continue
            failure = classify_member(member, now, grace)
            if not failure.failed:
                continue
            if failure.cause is Cause.MEMBER_UNREACHABLE and policy.on_unreachable == "wait":
                continue
            return failure, name
        return None, cluster

    async def _pods_of_failed(
        self, rows: Sequence[TrainingJob], by_id: Mapping[str, Change]
    ) -> dict[str, list[dict[str, Any]]]:
        """The pods of every attempt this tick saw fail that ``_failure_of`` reads them for,
        read ``POD_READS_IN_FLIGHT`` at a time (one after the other, a tick that saw hundreds
        of jobs fail at once, as when a node goes, spent tens of seconds on them before
        writing any)."""
        wanted: list[tuple[TrainingJob, str | None]] = []
        for row in rows:
            change = by_id.get(row.id)
            if (
                change is None
                or change.phase is not Phase.FAILED
                or change.reason is Reason.WORKLOAD_LOST
                or row.status not in _LIVE
                or row.reason in NOT_YET_SUBMITTED
            ):
                continue
            placed = sorted(placed_on(row))
            wanted.append((row, change.cluster or (placed[0] if placed else None)))
        gate = asyncio.Semaphore(POD_READS_IN_FLIGHT)

        async def read(row: TrainingJob, cluster: str | None) -> list[dict[str, Any]]:
            async with gate:
                return await self._pods(row, cluster)

        found = await asyncio.gather(*(read(row, cluster) for row, cluster in wanted))
        return {row.id: pods for (row, _), pods in zip(wanted, found, strict=True)}

    async def _pods(self, row: TrainingJob, cluster: str | None) -> list[dict[str, Any]]:
        """The attempt's pods on its member (empty when they cannot be read). Pods carry the
        job's label, not the attempt's: the attempt's are those named after its workload
        (operators name pods ``<workload>-...``)."""
        if cluster is None:
            return []
        selector = label_selector(
            [(JOB_ID_LABEL, job_id_label_value(row.id)), (INSTANCE_LABEL, self.instance_id)]
        )
        try:
            answer = await self.karmada.proxy_get(
                cluster, api_path("", "v1", "pods", row.namespace),
                query={"labelSelector": selector},
            )
        except KarmadaError as exc:
            log.info("job %s: pods on %s unreadable (%s); classifying without", row.id, cluster,
                     exc)
            return []
        prefix = f"{row.object_name}-"
        return [
            p for p in answer.get("items") or []
            if str((p.get("metadata") or {}).get("name") or "").startswith(prefix)
        ]


__all__ = ["FailureKind", "RecoveryReview", "member_status"]
