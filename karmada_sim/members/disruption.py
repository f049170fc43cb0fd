"""Faults that end a running attempt early: eviction, preemption, node loss, app failure.

What each one leaves behind follows the upstream component that causes it:

- the pod gets ``DisruptionTarget=True`` (kubernetes/kubernetes
  staging/src/k8s.io/api/core/v1/types.go) with the reason its author sets:
  ``EvictionByEvictionAPI`` (pkg/registry/core/pod/storage/eviction.go),
  ``PreemptionByScheduler`` (kube-scheduler's default preemption),
  ``DeletionByTaintManager`` (pkg/controller/tainteviction/taint_eviction.go, a node that
  went away), then phase Failed and its containers terminated: SIGTERM after the grace
  period (exit 143) for eviction/preemption; ``ContainerStatusUnknown`` / 137 for a lost node
  (what pkg/kubelet/status reports for a container it can no longer find);
- an app failure has no condition, only the container's exit code;
- the workload then reacts as its controller does (``failure_outcome``): the Job controller
  counts the pod against ``backoffLimit`` unless a ``podFailurePolicy`` rule matches first
  (pkg/controller/job/pod_failure_policy.go); training-operator retries only under
  OnFailure/Always, or ExitCode with a retryable code: 130, 137, 143 (SIGINT, SIGKILL,
  SIGTERM) or the user's 138 (kubeflow/training-operator pkg/util/train/train_util.go
  IsRetryableExitCode; every other code is permanent); KubeRay retries the whole job with
  a new RayCluster under its ``backoffLimit``, and a job whose cluster lost a pod ends
  ``SubmissionFailed`` (the submitter Job fails when the head it follows goes away), an app
  failure ``AppFailed``.

Simplification: the disrupted pods stay listed (Failed, with their condition) until the next
attempt replaces them; real evicted pods are deleted once terminated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# type -> (DisruptionTarget reason, condition message, container exit code)
TYPES: dict[str, tuple[str | None, str, int]] = {
    "Evict": ("EvictionByEvictionAPI", "Eviction API: evicting", 143),
    "Preempt": (
        "PreemptionByScheduler",
        "default-scheduler: preempting to accommodate a higher priority pod",
        143,
    ),
    "NodeLost": ("DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint", 137),
    "AppFailure": (None, "", 1),
}


# training-operator's IsRetryableExitCode: signals of transient trouble, and SIGUSR1 (138)
# for users who want a retry.
RETRYABLE_EXIT_CODES = frozenset({130, 137, 138, 143})


@dataclass(frozen=True)
class Disruption:
    """One fault on one attempt of a workload."""

    type: str
    attempt: int
    pods: frozenset[str]
    exit_code: int
    at: float  # member loop clock
    condition_reason: str | None
    condition_message: str
    node: str | None = None

    @classmethod
    def make(
        cls,
        type_: str,
        attempt: int,
        pods: frozenset[str],
        at: float,
        *,
        exit_code: int | None = None,
        message: str | None = None,
        node: str | None = None,
    ) -> Disruption:
        reason, default_message, default_code = TYPES[type_]
        return cls(
            type_, attempt, pods, default_code if exit_code is None else exit_code, at, reason,
            message or default_message, node)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "attempt": self.attempt,
                               "pods": sorted(self.pods), "exitCode": self.exit_code}
        if self.condition_reason:
            out["disruptionTarget"] = {"reason": self.condition_reason,
                                       "message": self.condition_message}
        if self.node:
            out["node"] = self.node
        return out


@dataclass(frozen=True)
class Outcome:
    """What the workload's controller makes of the failed pod."""

    retry: bool  # start a new attempt (if the backoff budget allows)
    counts: bool = True  # counts against backoffLimit (podFailurePolicy Ignore: no)
    fail_now: bool = False  # the job fails whatever its backoff budget (FailJob)
    reason: str | None = None  # the failed job's reason/message, when it fails
    message: str | None = None


def _exit_rule_matches(rule: dict[str, Any], container: str, code: int) -> bool:
    on = rule.get("onExitCodes") or {}
    if not on or on.get("containerName") not in (None, container):
        return False
    values = {int(v) for v in on.get("values") or []}
    return (code in values) if on.get("operator", "In") == "In" else (code not in values)


def _condition_rule_matches(rule: dict[str, Any], disruption: Disruption) -> bool:
    return disruption.condition_reason is not None and any(
        p.get("type") == "DisruptionTarget" and p.get("status", "True") == "True"
        for p in rule.get("onPodConditions") or [])


def batch_outcome(obj: dict[str, Any], disruption: Disruption, pod: str, container: str
                  ) -> Outcome:
    """The Job controller: podFailurePolicy rules in order, first match wins, else Count."""
    spec = obj.get("spec") or {}
    namespace = obj["metadata"].get("namespace", "default")
    rules = (spec.get("podFailurePolicy") or {}).get("rules") or []
    for index, rule in enumerate(rules):
        if _condition_rule_matches(rule, disruption):
            what = f"Pod {namespace}/{pod} has condition DisruptionTarget matching"
        elif disruption.exit_code and _exit_rule_matches(rule, container, disruption.exit_code):
            what = (f"Container {container} for pod {namespace}/{pod} failed with exit code "
                    f"{disruption.exit_code} matching")
        else:
            continue
        action = rule.get("action")
        if action == "FailJob":
            return Outcome(False, fail_now=True, reason="PodFailurePolicy",
                           message=f"{what} FailJob rule at index {index}")
        if action == "Ignore":
            return Outcome(True, counts=False)
        break  # Count (or FailIndex, treated as Count here)
    return Outcome(True)


def kubeflow_outcome(obj: dict[str, Any], replica_field: str, rtype: str,
                     disruption: Disruption) -> Outcome:
    """training-operator: the failed replica's restartPolicy decides."""
    spec = ((obj.get("spec") or {}).get(replica_field) or {}).get(rtype) or {}
    restart = spec.get("restartPolicy", "Never")
    retry = restart in ("OnFailure", "Always") or (
        restart == "ExitCode" and disruption.exit_code in RETRYABLE_EXIT_CODES)
    return Outcome(retry)


def rayjob_outcome(disruption: Disruption) -> Outcome:
    """KubeRay: every failure is the job's; backoffLimit retries it with a new RayCluster."""
    if disruption.type == "AppFailure":
        return Outcome(True, reason="AppFailed", message=(
            f"Job entrypoint command failed with exit code {disruption.exit_code}, last "
            "available logs (truncated to 20,000 chars):\nRuntimeError: simulated failure"))
    # ray-operator/controllers/ray/rayjob_controller.go: a failed submitter Job whose Ray
    # job is not FAILED is SubmissionFailed, with the submitter Job's Failed condition.
    return Outcome(True, reason="SubmissionFailed", message=(
        "Job submission has failed. Reason: BackoffLimitExceeded. Message: Job has reached "
        "the specified backoff limit"))
