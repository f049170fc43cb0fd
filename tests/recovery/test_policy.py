"""The recovery policy, its decision and attempt names, as pure functions."""

from __future__ import annotations

import pytest

from app.jobspec import RequestInvalid
from app.jobstate.recovery import (
    RecoveryPolicy,
    attempt_env,
    decide,
    parse_policy,
    policy_input,
    stored_policy,
)
from app.karmada.resources import PROPAGATION_POLICIES, PVCS, ApiResource
from app.submission.reconciler import Inventory, OwnedObject, stale_attempt_objects
from app.workloads import attempt_object_name, away_from, kind_by_name, object_name_for
from app.workloads.failures import Cause, Failure, FailureKind

DEFAULTS = RecoveryPolicy()
INFRA = Failure(FailureKind.INFRASTRUCTURE, Cause.POD_EVICTED, "evicted")
APP = Failure(FailureKind.APPLICATION, Cause.EXIT_CODE, "exit 3")
DEADLINE = Failure(FailureKind.DEADLINE, Cause.DEADLINE_EXCEEDED, "too long")


def test_defaults_retry_infrastructure_three_times_away_from_failed_clusters() -> None:
    policy = parse_policy(None, DEFAULTS)
    assert (policy.max_attempts, policy.retry_infrastructure, policy.retry_application,
            policy.avoid_failed_clusters, policy.on_unreachable) == (3, True, False, True,
                                                                      "replace")
    assert policy.member_grace_seconds < 300
    assert decide(policy, INFRA, 1).retry and decide(policy, INFRA, 2).retry
    assert not decide(policy, INFRA, 3).retry
    assert not decide(policy, APP, 1).retry


def test_a_deadline_is_never_retried_whatever_the_policy() -> None:
    policy = parse_policy({"retryApplication": True, "maxAttempts": 9}, DEFAULTS)
    assert not decide(policy, DEADLINE, 1).retry
    assert decide(policy, APP, 1).retry


def test_parse_round_trips_and_refuses_bad_values() -> None:
    raw = {"maxAttempts": 5, "retryInfrastructure": False, "retryApplication": True,
           "avoidFailedClusters": False, "checkpointUri": "s3://b/c",
           "memberGraceSeconds": 10, "onUnreachable": "wait"}
    policy = parse_policy(raw, DEFAULTS)
    assert policy_input(policy) == {**raw, "memberGraceSeconds": 10.0}
    assert stored_policy(policy.to_json(), DEFAULTS) == policy
    assert stored_policy(None, DEFAULTS) == DEFAULTS
    bad: object
    for bad in ({"maxAttempts": 0}, {"maxAttempts": True}, {"onUnreachable": "later"},
                {"memberGraceSeconds": -1}, {"checkpointUri": "a\nb"}, {"retryApplication": 1},
                {"nope": 1}, []):
        with pytest.raises(RequestInvalid):
            parse_policy(bad, DEFAULTS)


def test_attempt_env_names_the_attempt_and_the_checkpoint() -> None:
    assert attempt_env(DEFAULTS, 1) == {"ATTEMPT": "1"}
    policy = parse_policy({"checkpointUri": "s3://b/c"}, DEFAULTS)
    assert attempt_env(policy, 2) == {"ATTEMPT": "2", "CHECKPOINT_URI": "s3://b/c"}


@pytest.mark.parametrize("kind_name", ["RayJob", "PyTorchJob", "Job"])
def test_attempt_names_stay_within_the_kind_limit_and_apart(kind_name: str) -> None:
    kind = kind_by_name(kind_name)
    job_id = f"{'x' * 63}-0123abcd"
    names = [attempt_object_name(job_id, kind, n) for n in range(1, 21)]
    assert names[0] == object_name_for(job_id, kind)
    assert len(set(names)) == 20
    assert all(len(n) <= kind.max_name_length and "0123abcd" in n for n in names)
    assert attempt_object_name("short-0123abcd", kind, 2) == "short-0123abcd-a2"
    assert attempt_object_name("9lives-0123abcd", kind, 3) == "j9lives-0123abcd-a3"


def test_away_from_drops_failed_clusters_unless_none_would_be_left() -> None:
    assert away_from(["m1", "m2", "m3"], {"m1"}) == ["m2", "m3"]
    assert away_from(["m1"], {"m1"}) == ["m1"]


def test_the_reconciler_finds_an_earlier_attempts_objects_but_not_the_pvc() -> None:
    rayjobs = ApiResource("ray.io", "v1", "rayjobs")
    inventory = Inventory()
    for resource, name in [(rayjobs, "j-1"), (PROPAGATION_POLICIES, "j-1"),
                           (rayjobs, "j-1-a2"), (PROPAGATION_POLICIES, "j-1-a2"),
                           (PVCS, "j-1-data")]:
        inventory.add(OwnedObject(resource, "default", name, "job-1", None))
    inventory.add(OwnedObject(rayjobs, "default", "other", "no-row", None))
    stale = stale_attempt_objects(inventory, {"job-1": "j-1-a2"})
    assert sorted((o.resource.plural, o.name) for o in stale) == [
        ("propagationpolicies", "j-1"), ("rayjobs", "j-1")]
