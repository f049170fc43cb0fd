"""Transitions are compare-and-set on the job's sequence: concurrent writers never collide."""

from __future__ import annotations

from app.db.history import Change, apply_changes, create_job_row, utcnow
from app.db.models import JobEvent, TrainingJob
from app.db.session import database
from app.jobstate.phases import Phase, Reason


def _job() -> TrainingJob:
    now = utcnow()
    return TrainingJob(
        id="hist-0000abcd",
        job_name="hist",
        namespace="default",
        algorithm="xgboost",
        request_payload={},
        target_clusters=[],
        kind="RayJob",
        api_version="ray.io/v1",
        object_name="j-hist-0000abcd",
        status=Phase.PENDING.value,
        reason=Reason.SCHEDULING.value,
        message="",
        created_at=now,
        updated_at=now,
    )


async def test_a_stale_observation_is_dropped_and_a_forced_action_wins(pg_url: str) -> None:
    async with database(pg_url, apply_migrations=True):
        await create_job_row(_job(), actor=None)
        poller_view = await TrainingJob.get(id="hist-0000abcd")
        user_view = await TrainingJob.get(id="hist-0000abcd")

        # The user deletes first...
        deleting = Change(user_view, Phase.DELETING, Reason.DELETE_REQUESTED, forced=True)
        assert [u.sequence for u in await apply_changes([deleting])] == [2]
        # ...then the poller writes what it saw before: dropped, not a second sequence 2.
        running = Change(poller_view, Phase.RUNNING, Reason.RUNNING)
        assert await apply_changes([running]) == []

        row = await TrainingJob.get(id="hist-0000abcd")
        assert (row.status, row.last_sequence) == ("DELETING", 2)
        events = await JobEvent.filter(job_id=row.id).order_by("sequence")
        assert [(e.sequence, e.to_status) for e in events] == [(1, "PENDING"), (2, "DELETING")]

        # A forced change decided on a stale row is re-applied on the fresh one.
        stale = Change(poller_view, Phase.STOPPING, Reason.STOPPED_BY_USER, forced=True)
        assert [u.sequence for u in await apply_changes([stale])] == [3]
        assert (await TrainingJob.get(id=row.id)).status == "STOPPING"


async def test_field_only_changes_do_not_add_events(pg_url: str) -> None:
    async with database(pg_url, apply_migrations=True):
        job = _job()
        await create_job_row(job, actor=None)
        same = Change(job, Phase.PENDING, Reason.SCHEDULING, fields={"active": 2})
        assert await apply_changes([same]) == []
        row = await TrainingJob.get(id=job.id)
        assert (row.active, row.last_sequence) == (2, 1)
        assert await JobEvent.filter(job_id=job.id).count() == 1
