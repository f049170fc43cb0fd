"""A deadline is final (issue 19): an attempt that runs past ``stoppingCondition.maxRuntimeSeconds``
(the workload's ``activeDeadlineSeconds``) ends the job FAILED/DeadlineExceeded, and is never
retried, even by a policy that retries application failures. The simulator fails each kind the
way its operator does (karmada_sim/members/lifecycle.py): KubeRay's RayJob ``reason:
DeadlineExceeded``, training-operator's Failed condition "active longer than specified
deadline", batch/v1's ``DeadlineExceeded`` condition."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.workloads import kind_by_name, object_name_for
from tests.recovery.support import (
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

#: One kind of each status family: KubeRay, training-operator (a template Karmada aggregates,
#: and JAXJob's binding-only status), batch/v1.
DEADLINE_KINDS = {"xgboost": "RayJob", "pytorch": "PyTorchJob", "container": "Job",
                  # Karmada aggregates no JAXJob status: the deadline is read from the binding.
                  "jax-pjit": "JAXJob"}

#: Long enough for the platform to see the attempt run first (fast simulator: ~1 s to start).
MAX_RUNTIME_SECONDS = 5


@pytest.fixture
def platform(make_platform: PlatformFactory) -> Iterator[Platform]:
    # The scenario rule makes "dl-" jobs run 600 s: only the deadline can end them.
    with recovery_platform(make_platform, "dl-") as running:
        yield running


@pytest.mark.parametrize("algorithm", list(DEADLINE_KINDS))
def test_a_deadline_is_never_retried(platform: Platform, algorithm: str) -> None:
    kind = kind_by_name(DEADLINE_KINDS[algorithm])
    recoveries_before = metric(platform, "mlplatform_job_recoveries_total")
    # Every retry the policy can make is on: only the deadline rule keeps a second attempt out.
    job_id = create(platform, job_body(
        algorithm, "dl-job", stoppingCondition={"maxRuntimeSeconds": MAX_RUNTIME_SECONDS},
        recoveryPolicy={"maxAttempts": 3, "retryApplication": True,
                        "retryInfrastructure": True, "memberGraceSeconds": 0.5}))
    base = object_name_for(job_id, kind)
    watch = AttemptWatch(platform, {job_id: base})
    with watch.watching():
        first = running_on(platform, job_id)
        state = wait_for(lambda: (s := job(platform, job_id))["phase"] == "FAILED" and s,
                         timeout=60, what="the job to fail at its deadline")
        # Job.reason is the GraphQL enum; an attempt's reason is the recorded string.
        assert (state["attempt"], state["reason"]) == (1, "DEADLINE_EXCEEDED"), state
        # Had the failure been read as retryable, the job would be PENDING/Recovering now,
        # not FAILED; still, give the poller time to act on it again before looking.
        after_ticks(platform, ticks=8, seconds=2.0,
                    what="the poller to tick past the deadline failure")
        state = job(platform, job_id)
        assert (state["phase"], state["reason"], state["attempt"]) == (
            "FAILED", "DEADLINE_EXCEEDED", 1), state
        assert [(a["number"], a["cluster"], a["phase"], a["reason"])
                for a in state["attempts"]] == [(1, first, "FAILED", "DeadlineExceeded")]
        assert not [e for e in state["events"] if e["reason"] == "RECOVERING"], state["events"]
    # The simulator holds no second attempt: none on any member, none on Karmada.
    assert {name for name, _ in objects_of(platform, base)} <= {base}
    assert {(owner, name) for owner, name, _ in watch.seen} == {(job_id, base)}
    group = f"/apis/{kind.group}/{kind.version}"
    second = platform.sim_request("GET", f"{group}/namespaces/default/{kind.plural}/{base}-a2")
    assert second.status_code == 404, second.text
    assert metric(platform, "mlplatform_job_recoveries_total") == recoveries_before
