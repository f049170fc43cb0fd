"""The poller's phase decision (app.jobstate.transitions.observe) on plain values."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from app.jobstate.phases import Phase, Reason
from app.jobstate.transitions import OBSERVED_FIELDS, observe
from app.workloads.status import InterpretedStatus

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
GRACE = timedelta(seconds=30)


@dataclass
class Row:
    kind: str = "RayJob"
    status: str = Phase.PENDING.value
    reason: str = Reason.SCHEDULING.value
    message: str = "waiting for placement"
    updated_at: datetime = NOW - timedelta(seconds=5)
    status_confirmed_at: datetime | None = None
    stopped_by: str | None = None
    active: int = 0
    succeeded: int = 0
    failed: int = 0
    placement: list[str] = field(default_factory=list)
    cluster_distribution: dict[str, str] = field(default_factory=dict)
    start_time: datetime | None = None
    completion_time: datetime | None = None


RUNNING = InterpretedStatus(
    Phase.RUNNING,
    Reason.RUNNING,
    "running",
    active=2,
    clusters=("member1",),
    cluster_distribution={"member1": "RUNNING"},
    start_time=NOW - timedelta(seconds=3),
)


def confirmed(row: Row, status: InterpretedStatus) -> Row:
    """The row as written after observing ``status``."""
    observed = observe(row, status, NOW, GRACE)
    assert observed is not None
    values: dict[str, Any] = dict(observed.fields)
    return replace(
        row, status=observed.phase.value, reason=observed.reason.value,
        message=observed.message, **values,
    )


def test_a_missing_workload_waits_out_the_grace_after_submission() -> None:
    assert observe(Row(), None, NOW, GRACE) is None


def test_a_missing_workload_after_the_grace_is_lost() -> None:
    observed = observe(Row(updated_at=NOW - GRACE), None, NOW, GRACE)
    assert observed is not None
    assert (observed.phase, observed.reason) == (Phase.FAILED, Reason.WORKLOAD_LOST)
    assert "RayJob disappeared" in observed.message


def test_a_workload_once_confirmed_that_vanishes_is_lost_at_once() -> None:
    observed = observe(Row(status_confirmed_at=NOW - timedelta(seconds=1)), None, NOW, GRACE)
    assert observed is not None and observed.reason is Reason.WORKLOAD_LOST


def test_a_transition_carries_the_facts_and_the_cluster() -> None:
    observed = observe(Row(), RUNNING, NOW, GRACE)
    assert observed is not None
    assert (observed.phase, observed.reason, observed.cluster) == (
        Phase.RUNNING, Reason.RUNNING, "member1",
    )
    assert observed.fields["active"] == 2
    assert observed.fields["placement"] == ["member1"]
    assert observed.fields["status_confirmed_at"] == NOW
    assert set(OBSERVED_FIELDS) < set(observed.fields)


def test_the_same_state_again_is_not_written() -> None:
    row = confirmed(Row(), RUNNING)
    assert observe(row, RUNNING, NOW + timedelta(seconds=1), GRACE) is None


def test_new_facts_without_a_transition_are_written() -> None:
    row = confirmed(Row(), RUNNING)
    more = replace(RUNNING, active=3)
    observed = observe(row, more, NOW, GRACE)
    assert observed is not None and observed.fields["active"] == 3
    assert observed.phase is Phase.RUNNING


def test_a_stopping_job_ignores_everything_but_its_end() -> None:
    row = Row(status=Phase.STOPPING.value, reason=Reason.STOPPED_BY_USER.value, stopped_by="ann")
    assert observe(row, RUNNING, NOW, GRACE) is None
    stopped = InterpretedStatus(Phase.STOPPED, Reason.STOPPED_BY_USER, "stopped")
    observed = observe(row, stopped, NOW, GRACE)
    assert observed is not None
    assert (observed.phase, observed.actor) == (Phase.STOPPED, "ann")


def test_only_the_stopped_event_names_an_actor() -> None:
    observed = observe(Row(stopped_by="ann"), RUNNING, NOW, GRACE)
    assert observed is not None and observed.actor is None
