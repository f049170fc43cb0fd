"""The poller's phase decision, as a pure function of a job's row and what Karmada shows.

``app.poller.monitor`` reads the workload and its binding and writes the outcome; whether
and how the job moves is decided here, with plain values, so every rule is testable alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from app.jobstate.phases import Phase, Reason
from app.workloads.status import InterpretedStatus

#: Reasons of a job whose objects are not (all) on Karmada yet. A job Recovering is one
#: whose next attempt's objects are not created yet (app.submission.recovery).
NOT_YET_SUBMITTED = frozenset(
    {Reason.SUBMITTING.value, Reason.SUBMISSION_RETRYING.value, Reason.RECOVERING.value}
)

#: Row fields an observation writes; a change in any of them is worth a write.
OBSERVED_FIELDS = (
    "active",
    "succeeded",
    "failed",
    "placement",
    "cluster_distribution",
    "start_time",
    "completion_time",
)


class ObservedRow(Protocol):
    """What the decision reads of a job's row."""

    kind: str
    status: str
    reason: str
    message: str
    updated_at: datetime
    status_confirmed_at: datetime | None
    stopped_by: str | None


@dataclass(frozen=True)
class Observation:
    """The row's new state after an observation (a transition, or new facts to record)."""

    phase: Phase
    reason: Reason
    message: str
    cluster: str | None = None
    actor: str | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)


def observe(
    row: ObservedRow,
    status: InterpretedStatus | None,
    now: datetime,
    lost_grace: timedelta,
) -> Observation | None:
    """What to write after reading the job's workload (``status``; None: the workload is
    missing from Karmada), or None when nothing is worth writing."""
    if status is None:
        if row.status_confirmed_at is None and now - row.updated_at < lost_grace:
            return None  # just submitted; the LIST may predate it
        return Observation(
            Phase.FAILED,
            Reason.WORKLOAD_LOST,
            f"The {row.kind} disappeared from Karmada without being deleted by us",
        )
    if row.status == Phase.STOPPING.value and not status.phase.is_terminal:
        return None  # the stop is in progress: only its end is news
    facts = {
        "active": status.active,
        "succeeded": status.succeeded,
        "failed": status.failed,
        "placement": list(status.clusters),
        "cluster_distribution": dict(status.cluster_distribution),
        "start_time": status.start_time,
        "completion_time": status.completion_time,
        "status_confirmed_at": now,
    }
    is_transition = (row.status, row.reason) != (status.phase.value, status.reason.value)
    if (
        not is_transition
        and row.status_confirmed_at is not None
        and status.message == row.message
        and all(getattr(row, name) == facts[name] for name in OBSERVED_FIELDS)
    ):
        return None
    return Observation(
        status.phase,
        status.reason,
        status.message,
        cluster=status.clusters[0] if status.clusters else None,
        # The STOPPED event names who stopped the job, like its STOPPING event.
        actor=row.stopped_by if status.phase is Phase.STOPPED else None,
        fields=facts,
    )
