"""The recovery policy of a job and the decision it drives, as pure functions (issue 19).

A job's policy is stored on its row (``recovery_policy``, the normalised input) and read
here with the installation's defaults (``RECOVERY_*`` settings) filling what it leaves out.
``decide`` answers, for one classified failure (``app.workloads.failures.classify``):
retry in a new attempt, or let the job end as it would without recovery.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

from app.jobspec import RequestInvalid
from app.workloads.failures import Failure, FailureKind

OnUnreachable = Literal["wait", "replace"]

#: Most attempts a policy may ask for (one job cannot keep the fleet busy forever).
MAX_ATTEMPTS_LIMIT = 20
#: Longest checkpoint URI (it travels as an env var in every pod).
CHECKPOINT_URI_MAX = 1024


@dataclass(frozen=True)
class RecoveryPolicy:
    """What the platform does when a job's attempt fails (see docs/reliability.md)."""

    max_attempts: int = 3
    retry_infrastructure: bool = True
    retry_application: bool = False
    avoid_failed_clusters: bool = True
    checkpoint_uri: str | None = None
    member_grace_seconds: float = 60.0
    on_unreachable: OnUnreachable = "replace"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


_KEYS = {
    "maxAttempts": "max_attempts",
    "retryInfrastructure": "retry_infrastructure",
    "retryApplication": "retry_application",
    "avoidFailedClusters": "avoid_failed_clusters",
    "checkpointUri": "checkpoint_uri",
    "memberGraceSeconds": "member_grace_seconds",
    "onUnreachable": "on_unreachable",
}


def parse_policy(raw: object, defaults: RecoveryPolicy) -> RecoveryPolicy:
    """A policy from the API's camelCase input (REST ``recoveryPolicy`` / GraphQL
    ``RecoveryPolicyInput``); unset keys take ``defaults``. RequestInvalid on bad values."""
    if raw is None:
        return defaults
    if not isinstance(raw, Mapping):
        raise RequestInvalid("recoveryPolicy", "must be an object")
    unknown = sorted(set(raw) - set(_KEYS))
    if unknown:
        raise RequestInvalid("recoveryPolicy", f"unknown key '{unknown[0]}'")
    values: dict[str, Any] = {}
    for key, name in _KEYS.items():
        value = raw.get(key)
        if value is None:
            continue
        values[name] = _check(key, value)
    return replace(defaults, **values)


def policy_input(policy: RecoveryPolicy) -> dict[str, Any]:
    """``policy`` in the API's camelCase input form (what ``parse_policy`` reads)."""
    values = policy.to_json()
    return {key: values[name] for key, name in _KEYS.items() if values[name] is not None}


def _check(key: str, value: object) -> object:
    where = f"recoveryPolicy.{key}"
    if key == "maxAttempts":
        if not isinstance(value, int) or isinstance(value, bool) or not (
            1 <= value <= MAX_ATTEMPTS_LIMIT
        ):
            raise RequestInvalid(where, f"must be an integer from 1 to {MAX_ATTEMPTS_LIMIT}")
        return value
    if key == "memberGraceSeconds":
        if not isinstance(value, int | float) or isinstance(value, bool) or not (
            0 <= value <= 3600
        ):
            raise RequestInvalid(where, "must be a number of seconds from 0 to 3600")
        return float(value)
    if key == "checkpointUri":
        if not isinstance(value, str) or not value or len(value) > CHECKPOINT_URI_MAX:
            raise RequestInvalid(where, f"must be a string of 1 to {CHECKPOINT_URI_MAX} chars")
        if any(ord(c) < 32 for c in value):
            raise RequestInvalid(where, "must not contain control characters")
        return value
    if key == "onUnreachable":
        if value not in ("wait", "replace"):
            raise RequestInvalid(where, "must be 'wait' or 'replace'")
        return value
    if not isinstance(value, bool):
        raise RequestInvalid(where, "must be true or false")
    return value


def stored_policy(stored: Mapping[str, Any] | None, defaults: RecoveryPolicy) -> RecoveryPolicy:
    """The policy kept on a job row (snake_case, as ``to_json`` wrote it); jobs created
    before recovery existed have none and follow ``defaults``."""
    if not stored:
        return defaults
    fields = {k: v for k, v in stored.items() if k in RecoveryPolicy.__dataclass_fields__}
    return replace(defaults, **fields)


@dataclass(frozen=True)
class Decision:
    retry: bool
    why: str


def decide(policy: RecoveryPolicy, failure: Failure, attempt: int) -> Decision:
    """Retry ``failure`` of attempt number ``attempt`` (1-based) in a new attempt?"""
    if failure.kind is FailureKind.NONE:
        return Decision(False, "no failure")
    if failure.kind is FailureKind.DEADLINE:
        return Decision(False, "a deadline is never retried")
    if failure.kind is FailureKind.INFRASTRUCTURE and not policy.retry_infrastructure:
        return Decision(False, "infrastructure failures are not retried by this job's policy")
    if failure.kind is FailureKind.APPLICATION and not policy.retry_application:
        return Decision(False, "application failures are not retried by this job's policy")
    if attempt >= policy.max_attempts:
        return Decision(False, f"attempt {attempt} of {policy.max_attempts}: none left")
    return Decision(True, f"attempt {attempt + 1} of {policy.max_attempts}")


def attempt_env(policy: RecoveryPolicy, attempt: int) -> dict[str, str]:
    """What every pod of an attempt is told so training resumes: the attempt number, and
    the checkpoint location when the policy has one (kept the same across attempts)."""
    env = {"ATTEMPT": str(attempt)}
    if policy.checkpoint_uri:
        env["CHECKPOINT_URI"] = policy.checkpoint_uri
    return env
