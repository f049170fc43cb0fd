"""A partition (issue 19): the member becomes unreachable, the job is replaced after the grace
period, the member returns with the old attempt still running there; that attempt is stopped
and its status never reaches the job."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.workloads import kind_by_name, object_name_for
from tests.recovery.support import (
    AttemptWatch,
    create,
    job,
    job_body,
    recovery_platform,
    running_on,
)
from tests.support.eventually import wait_for
from tests.support.platform import Platform, PlatformFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def platform(make_platform: PlatformFactory) -> Iterator[Platform]:
    with recovery_platform(make_platform, "part-") as running:
        yield running


def test_the_old_attempt_on_a_returning_member_is_stopped_and_never_reported(
    platform: Platform,
) -> None:
    job_id = create(platform, job_body("xgboost", "part-job",
                                       recoveryPolicy={"memberGraceSeconds": 0.5}))
    base = object_name_for(job_id, kind_by_name("RayJob"))
    watch = AttemptWatch(platform, {job_id: base})
    with watch.watching():
        first = running_on(platform, job_id)
        cut = platform.sim_request("POST", f"/_sim/clusters/{first}", json={"reachable": False})
        assert cut.status_code == 200, cut.text
        second = running_on(platform, job_id, attempt=2)
        assert second != first

        # Still partitioned: the old attempt runs on, its deletion waiting for the member.
        def old_there() -> dict[str, object] | None:
            workloads = platform.sim_request(
                "GET", f"/_sim/clusters/{first}/workloads").json()["workloads"]
            return next((w for w in workloads if w["name"] == base), None)

        stale = old_there()
        assert stale is not None and stale["phase"] == "Running" and stale["pendingDelete"]
        events_before = job(platform, job_id)["events"]

        back = platform.sim_request("POST", f"/_sim/clusters/{first}", json={"reachable": True})
        assert back.status_code == 200, back.text
        wait_for(lambda: old_there() is None, timeout=30,
                 what="the old attempt to be removed from the returning member")
        # The job kept reporting attempt 2 only: no event names the old member after the
        # recovery, and the job still runs where attempt 2 runs.
        state = wait_for(lambda: (s := job(platform, job_id))["phase"] == "RUNNING" and s,
                         timeout=30, what="the job to keep running")
        assert state["attempt"] == 2 and state["clusters"] == [second]
        recovery = next(e["sequence"] for e in state["events"] if e["reason"] == "RECOVERING")
        later = [e for e in state["events"] if e["sequence"] > recovery]
        assert all(e["cluster"] in (None, second) for e in later), later
        assert len(state["events"]) >= len(events_before)
        assert [(a["number"], a["cluster"], a["reason"]) for a in state["attempts"]] == [
            (1, first, "MemberUnreachable"), (2, second, "Running")]
    # The stale copy ran while its member was cut off, never while it answered.
    assert (job_id, base, first) in watch.seen
