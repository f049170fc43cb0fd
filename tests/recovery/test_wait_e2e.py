"""``onUnreachable: wait`` (issue 19, docs/reliability.md "The policy"): a member that becomes
unreachable mid-run is waited for. The job stays on attempt 1 with reason StatusStale past
the grace period, no second attempt appears anywhere, and when the member is back the same
attempt reports again and the job succeeds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.workloads import kind_by_name, object_name_for
from tests.recovery.support import (
    KINDS,
    AttemptWatch,
    after_ticks,
    create,
    job,
    job_body,
    metric,
    objects_of,
    recovery_platform,
    running_on,
)
from tests.support.eventually import wait_for
from tests.support.platform import Platform, PlatformFactory

pytestmark = pytest.mark.e2e

GRACE_SECONDS = 1.0
#: The job's run on its member: long enough to be cut off mid-run and waited for past the
#: grace, short enough to finish soon after (while cut off or after; either way the platform
#: learns it only once the member answers again).
RUN_SECONDS = 15


@pytest.fixture
def platform(make_platform: PlatformFactory) -> Iterator[Platform]:
    with recovery_platform(make_platform, "wait-") as running:
        # Added last, so it wins over the fixture's 600 s rule for this job (the last matching
        # rule applies: karmada_sim/members/scenario.py).
        rule = running.sim_request("POST", "/_sim/scenarios", json={
            "match": {"nameContains": "wait-job"}, "scenario": {"runSeconds": RUN_SECONDS}})
        assert rule.status_code == 201, rule.text
        yield running


@pytest.mark.parametrize("algorithm", list(KINDS))
def test_wait_keeps_attempt_one_through_a_partition_and_it_succeeds(
    platform: Platform, algorithm: str
) -> None:
    kind = kind_by_name(KINDS[algorithm])
    recoveries_before = metric(platform, "mlplatform_job_recoveries_total")
    job_id = create(platform, job_body(algorithm, "wait-job", recoveryPolicy={
        "memberGraceSeconds": GRACE_SECONDS, "onUnreachable": "wait"}))
    base = object_name_for(job_id, kind)
    watch = AttemptWatch(platform, {job_id: base})
    with watch.watching():
        first = running_on(platform, job_id)
        cut = platform.sim_request("POST", f"/_sim/clusters/{first}", json={"reachable": False})
        assert cut.status_code == 200, cut.text
        # The platform has seen the member go (app/poller/staleness.py): from here on a
        # `replace` policy fails over once the grace has passed
        # (tests/recovery/test_partition_e2e.py).
        wait_for(lambda: job(platform, job_id)["reason"] == "STATUS_STALE", timeout=30,
                 what="the job to be StatusStale")
        # Nothing to wait *for* when nothing should happen: wait instead for a moment by which
        # a replacement would have happened. Four graces of wall time (the grace is timed from
        # the member's last heartbeat, before StatusStale) and 12 more completed poller ticks
        # (recovery is decided in a tick, app/poller/recovery.py), so a slow machine's late
        # ticks are waited for too.
        after_ticks(platform, ticks=12, seconds=4 * GRACE_SECONDS,
                    what="the poller to tick well past the grace")
        state = job(platform, job_id)
        assert (state["phase"], state["reason"], state["attempt"]) == (
            "RUNNING", "STATUS_STALE", 1), state
        assert state["objectName"] == base
        assert [(a["number"], a["cluster"], a["phase"], a["reason"])
                for a in state["attempts"]] == [(1, first, "RUNNING", "StatusStale")]
        # The simulator agrees: attempt 1 only, still on the cut-off member and not being
        # deleted (wait neither replaces nor stops it), and no second attempt on Karmada.
        assert objects_of(platform, base) == {(base, first)}
        there = platform.sim_request("GET", f"/_sim/clusters/{first}/workloads").json()
        old = next(w for w in there["workloads"] if w["name"] == base)
        assert not old.get("pendingDelete"), old
        group = f"/apis/{kind.group}/{kind.version}"
        second = platform.sim_request(
            "GET", f"{group}/namespaces/default/{kind.plural}/{base}-a2")
        assert second.status_code == 404, second.text

        back = platform.sim_request("POST", f"/_sim/clusters/{first}", json={"reachable": True})
        assert back.status_code == 200, back.text
        state = wait_for(lambda: (s := job(platform, job_id))["phase"] == "SUCCEEDED" and s,
                         timeout=60, what="attempt 1 to succeed once its member is back")
        assert (state["attempt"], state["clusters"]) == (1, [first]), state
        assert [(a["number"], a["cluster"], a["phase"])
                for a in state["attempts"]] == [(1, first, "SUCCEEDED")]
        assert not [e for e in state["events"] if e["reason"] == "RECOVERING"], state["events"]
        assert objects_of(platform, base) <= {(base, first)}
    assert {(owner, name, cluster) for owner, name, cluster in watch.seen} == {
        (job_id, base, first)}
    assert metric(platform, "mlplatform_job_recoveries_total") == recoveries_before
