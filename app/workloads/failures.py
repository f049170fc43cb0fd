"""Why a workload failed: infrastructure, application or deadline (issue 19), as pure functions.

The recovery loop asks one question per job: given the workload's status (a member's
``aggregatedStatus[].status`` from the ResourceBinding, or the template's ``.status``), the
statuses of its pods where it could read them, and the health of its member cluster — did
the job fail, and is that the platform's fault (retry elsewhere), the training code's
(retry only when asked), or its time limit (never retried)?

The order of the rules matters and is the same for every kind:

1. no workload object at all: ``WorkloadDeleted`` (the caller decides when "missing" is
   final; see ``app.jobstate.transitions.observe``'s grace);
2. the kind's own verdict. Success is final (a member dying afterwards changes nothing);
   a deadline is final (``activeDeadlineSeconds`` / max runtime is never retried);
3. a failed verdict is re-read against the pods: a pod with ``DisruptionTarget=True``
   (preempted, evicted, lost with its node) makes it an infrastructure failure whatever the
   operator concluded; otherwise a container exit code or OOM kill names the app failure;
4. a workload still pending or running is failed only by its member: NotReady or
   unreachable for longer than the grace period. Failures the operator retries by itself
   (Kubeflow ``Restarting``, KubeRay ``Retrying``, a Job under its backoffLimit) are not
   ours to act on.

Each rule names the upstream file whose field or constant it reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from app.workloads.status import items, mapping, parse_time, true_conditions


class FailureKind(StrEnum):
    NONE = "None"
    INFRASTRUCTURE = "Infrastructure"
    APPLICATION = "Application"
    DEADLINE = "Deadline"


class Cause(StrEnum):
    """Short, stable names for a failure's cause (recorded in job events)."""

    NONE = "None"
    MEMBER_NOT_READY = "MemberNotReady"
    MEMBER_UNREACHABLE = "MemberUnreachable"
    WORKLOAD_DELETED = "WorkloadDeleted"
    POD_EVICTED = "PodEvicted"
    PREEMPTED = "Preempted"
    NODE_LOST = "NodeLost"
    POD_DISRUPTED = "PodDisrupted"  # DisruptionTarget with a reason we do not know
    EXIT_CODE = "ExitCode"
    OOM_KILLED = "OOMKilled"
    FRAMEWORK_FAILED = "FrameworkFailed"
    VALIDATION_FAILED = "ValidationFailed"
    DEADLINE_EXCEEDED = "DeadlineExceeded"


@dataclass(frozen=True)
class Failure:
    kind: FailureKind
    cause: Cause
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.kind is not FailureKind.NONE


NO_FAILURE = Failure(FailureKind.NONE, Cause.NONE)


def _none(detail: str = "") -> Failure:
    return Failure(FailureKind.NONE, Cause.NONE, detail)


# --- member health (Karmada Cluster) ------------------------------------------------------------

# karmada-io/karmada pkg/controllers/status/cluster_status_controller.go: the Ready condition's
# reason when the member's API server cannot be reached at all (vs. an unhealthy /readyz).
CLUSTER_NOT_REACHABLE = "ClusterNotReachable"
NOT_PROBED = "NotProbed"  # ours: a Cluster without a Ready condition yet


@dataclass(frozen=True)
class MemberHealth:
    """What the platform knows of one member cluster.

    ``ready``/``reason``/``since``: the Cluster's ``status.conditions[type=Ready]``
    (karmada-io/karmada pkg/apis/cluster/v1alpha1/types.go, ``ClusterConditionReady``) and
    its ``lastTransitionTime``. ``last_heartbeat``: when the platform last heard from the
    member (its status, a proxied request, or a Pull-mode agent's Lease ``renewTime``).
    ``reachable=False``: the platform's own requests through the cluster proxy fail now,
    which is seen before Karmada's failure threshold flips Ready.
    """

    name: str
    ready: str = "True"  # "True" | "False" | "Unknown"
    reason: str = ""
    since: datetime | None = None
    last_heartbeat: datetime | None = None
    reachable: bool = True

    @classmethod
    def from_cluster(
        cls,
        cluster: Mapping[str, Any] | None,
        *,
        name: str = "",
        last_heartbeat: datetime | None = None,
        reachable: bool = True,
    ) -> MemberHealth:
        """Read a ``cluster.karmada.io/v1alpha1`` Cluster; None (the Cluster is gone) is
        Ready=Unknown: nothing will report from it again."""
        if cluster is None:
            return cls(name, "Unknown", "ClusterMissing", None, last_heartbeat, reachable)
        meta = mapping(cluster.get("metadata"))
        ready = next(
            (
                c
                for c in items(mapping(cluster.get("status")).get("conditions"))
                if c.get("type") == "Ready"
            ),
            None,
        )
        if ready is None:
            # A Cluster Karmada has not probed yet: unknown, not failed.
            return cls(
                str(meta.get("name") or name),
                "Unknown",
                NOT_PROBED,
                None,
                last_heartbeat,
                reachable,
            )
        return cls(
            str(meta.get("name") or name),
            str(ready.get("status") or "Unknown"),
            str(ready.get("reason") or ""),
            parse_time(ready.get("lastTransitionTime")),
            last_heartbeat,
            reachable,
        )

    @property
    def healthy(self) -> bool:
        return self.ready == "True" and self.reachable


def classify_member(health: MemberHealth, now: datetime, grace: timedelta) -> Failure:
    """A member NotReady or unreachable for at least ``grace`` is an infrastructure failure.

    An unreachable member's clock starts at the last heartbeat when we have one (it went
    silent then), else at the Ready condition's lastTransitionTime; a NotReady member that
    still answers is timed from that transition. With no time at all, Karmada's own flip to
    Ready=False already waited its failure threshold, so the grace counts as spent.
    """
    if health.healthy:
        return NO_FAILURE
    if health.reason == NOT_PROBED and health.reachable:
        return _none(f"member {health.name} not probed by Karmada yet")
    unreachable = (
        not health.reachable or health.ready == "Unknown" or health.reason == CLUSTER_NOT_REACHABLE
    )
    cause = Cause.MEMBER_UNREACHABLE if unreachable else Cause.MEMBER_NOT_READY
    if unreachable:
        # Silence is timed from the last word we had; Karmada's transition comes later.
        start = health.last_heartbeat or (health.since if health.ready != "True" else None)
    else:
        # NotReady but answering: heartbeats keep coming, the condition's age is what counts.
        start = health.since
    what = "unreachable" if unreachable else f"NotReady ({health.reason or 'no reason'})"
    if start is None:
        if health.ready == "True":
            # Only our own request failed and we never heard from it: nothing to time yet.
            return _none(f"member {health.name} {what}, no heartbeat to time it from")
        return Failure(FailureKind.INFRASTRUCTURE, cause, f"member {health.name} {what}")
    silent = now - start
    if silent < grace:
        return _none(
            f"member {health.name} {what} for {silent.total_seconds():.0f}s "
            f"(grace {grace.total_seconds():.0f}s)"
        )
    return Failure(
        FailureKind.INFRASTRUCTURE,
        cause,
        f"member {health.name} {what} for {silent.total_seconds():.0f}s",
    )


# --- pods (k8s.io/api core/v1) ------------------------------------------------------------------

# kubernetes/kubernetes staging/src/k8s.io/api/core/v1/types.go: ``DisruptionTarget`` pod
# condition type and the reasons set by kube-scheduler and the kubelet
# (PodReasonPreemptionByScheduler, PodReasonTerminationByKubelet); the others are set by
# pkg/registry/core/pod/storage/eviction.go (EvictionByEvictionAPI),
# pkg/controller/tainteviction/taint_eviction.go (DeletionByTaintManager: NoExecute taint of
# an unreachable/NotReady node) and pkg/controller/podgc/gc_controller.go (DeletionByPodGC:
# the node no longer exists).
DISRUPTION_TARGET = "DisruptionTarget"
DISRUPTION_CAUSES: dict[str, Cause] = {
    "PreemptionByScheduler": Cause.PREEMPTED,
    "EvictionByEvictionAPI": Cause.POD_EVICTED,
    "TerminationByKubelet": Cause.POD_EVICTED,  # node-pressure eviction, node shutdown
    "DeletionByTaintManager": Cause.NODE_LOST,
    "DeletionByPodGC": Cause.NODE_LOST,
}
# Pod ``status.reason`` values the kubelet / node lifecycle controller set on pods they kill
# (pkg/kubelet/eviction/eviction_manager.go "Evicted", pkg/kubelet/nodeshutdown "Terminated",
# the node controller's "NodeLost"), for clusters older than the DisruptionTarget condition.
POD_REASON_CAUSES: dict[str, Cause] = {
    "Evicted": Cause.POD_EVICTED,
    "Preempting": Cause.PREEMPTED,
    "NodeLost": Cause.NODE_LOST,
    "Terminated": Cause.POD_EVICTED,
    "NodeShutdown": Cause.POD_EVICTED,
}


def _pod_name(pod: Mapping[str, Any]) -> str:
    return str(mapping(pod.get("metadata")).get("name") or "pod")


def pod_disruption(pods: Iterable[Mapping[str, Any]]) -> Failure | None:
    """The first pod the cluster took away (DisruptionTarget=True, or a killing reason)."""
    for pod in pods:
        status = mapping(pod.get("status"))
        condition = true_conditions(status).get(DISRUPTION_TARGET)
        if condition is not None:
            reason = str(condition.get("reason") or "")
            cause = DISRUPTION_CAUSES.get(reason, Cause.POD_DISRUPTED)
            message = str(condition.get("message") or reason or "disrupted")
            return Failure(FailureKind.INFRASTRUCTURE, cause, f"pod {_pod_name(pod)}: {message}")
        reason = str(status.get("reason") or "")
        if reason in POD_REASON_CAUSES:
            message = str(status.get("message") or reason)
            return Failure(
                FailureKind.INFRASTRUCTURE,
                POD_REASON_CAUSES[reason],
                f"pod {_pod_name(pod)}: {message}",
            )
    return None


def pod_exit(pods: Iterable[Mapping[str, Any]]) -> Failure | None:
    """The first container that terminated non-zero (core/v1 ContainerStateTerminated)."""
    for pod in pods:
        status = mapping(pod.get("status"))
        for container in items(status.get("containerStatuses")) + items(
            status.get("initContainerStatuses")
        ):
            # The last run of a restarted container is in lastState.
            for state in (mapping(container.get("state")), mapping(container.get("lastState"))):
                terminated = mapping(state.get("terminated"))
                code = terminated.get("exitCode")
                if not isinstance(code, int) or isinstance(code, bool) or code == 0:
                    continue
                where = f"container {container.get('name')} of pod {_pod_name(pod)}"
                if terminated.get("reason") == "OOMKilled":
                    return Failure(
                        FailureKind.APPLICATION,
                        Cause.OOM_KILLED,
                        f"{where} was OOM-killed (exit code {code})",
                    )
                return Failure(
                    FailureKind.APPLICATION, Cause.EXIT_CODE, f"{where} exited with code {code}"
                )
    return None


# --- per kind: the workload's own verdict ---------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """What a kind's status alone says: finished well, still going, or failed (and how)."""

    state: str  # "succeeded" | "active" | "failed"
    failure: Failure = NO_FAILURE


_ACTIVE = Verdict("active")
_SUCCEEDED = Verdict("succeeded")


def _app(cause: Cause, detail: str) -> Verdict:
    return Verdict("failed", Failure(FailureKind.APPLICATION, cause, detail))


def _deadline(detail: str) -> Verdict:
    return Verdict("failed", Failure(FailureKind.DEADLINE, Cause.DEADLINE_EXCEEDED, detail))


_EXIT_CODE_TEXT = re.compile(r"exit code (\d+)")


def rayjob_verdict(status: Mapping[str, Any]) -> Verdict:
    """KubeRay RayJob (ray-project/kuberay ray-operator/apis/ray/v1/rayjob_types.go).

    ``jobDeploymentStatus`` Complete/Failed is KubeRay's final word (JobDeploymentStatus);
    ``reason`` is a JobFailedReason: DeadlineExceeded (activeDeadlineSeconds), AppFailed
    (the Ray job's own status FAILED), SubmissionFailed (the submitter Job failed),
    JobDeploymentStatusTransitionGracePeriodExceeded; ValidationFailed (the spec was refused)
    is both a deployment status and a reason in newer releases. ``jobStatus`` FAILED alone
    (JobStatusFailed) also fails it: kuberay#2314, the deployment status can lag.
    """
    deployment = str(status.get("jobDeploymentStatus") or "")
    job = str(status.get("jobStatus") or "")
    reason = str(status.get("reason") or "")
    message = str(status.get("message") or "")
    detail = f"RayJob {reason or deployment or job}: {message}".rstrip(": ")
    if deployment == "Complete" and job != "FAILED":
        return _SUCCEEDED  # SUCCEEDED, or STOPPED by a user: finished, nothing to recover
    if deployment not in ("Failed", "ValidationFailed") and job != "FAILED":
        return _ACTIVE  # Retrying is KubeRay's own backoffLimit at work
    if reason == "DeadlineExceeded":
        return _deadline(detail)
    if deployment == "ValidationFailed" or reason == "ValidationFailed":
        return _app(Cause.VALIDATION_FAILED, detail)
    if reason == "AppFailed" or job == "FAILED":
        # The driver's exit code is only in the message KubeRay copies from the dashboard.
        code = _EXIT_CODE_TEXT.search(message)
        if code and code.group(1) != "0":
            return _app(Cause.EXIT_CODE, detail)
    return _app(Cause.FRAMEWORK_FAILED, detail)


def kubeflow_verdict(status: Mapping[str, Any]) -> Verdict:
    """Kubeflow training-operator v1 PyTorchJob/TFJob/JAXJob/XGBoostJob and mpi-operator
    v2beta1 MPIJob (kubeflow/training-operator pkg/apis/kubeflow.org/v1/common_types.go:
    JobCondition types Created/Running/Restarting/Succeeded/Suspended/Failed,
    ``replicaStatuses`` {active, succeeded, failed}; kubeflow/mpi-operator
    pkg/apis/kubeflow/v2beta1/types.go has the same shape).

    A deadline is reason ``DeadlineExceeded`` (mpi-operator) or training-operator's
    ``<Kind>Failed`` with "active longer than specified deadline" in the message
    (pkg/controller.v1/common/job.go). ``Restarting`` is the operator's own retry.
    """
    conditions = true_conditions(status)
    failed = conditions.get("Failed")
    if failed is None:
        return _SUCCEEDED if "Succeeded" in conditions else _ACTIVE
    reason = str(failed.get("reason") or "")
    message = str(failed.get("message") or "")
    counts = [
        f"{rtype} {n} failed"
        for rtype, rs in sorted(mapping(status.get("replicaStatuses")).items())
        for n in [mapping(rs).get("failed")]
        if isinstance(n, int) and n
    ]
    detail = f"{reason}: {message}" + (f" ({', '.join(counts)})" if counts else "")
    if reason == "DeadlineExceeded" or "active longer than specified deadline" in message:
        return _deadline(detail)
    return _app(Cause.FRAMEWORK_FAILED, detail)


# kubernetes/kubernetes staging/src/k8s.io/api/batch/v1/types.go: JobReasonDeadlineExceeded,
# JobReasonBackoffLimitExceeded, JobReasonPodFailurePolicy, JobReasonFailedIndexes,
# JobReasonMaxFailedIndexesExceeded; JobFailureTarget is set before JobFailed (>= 1.31).
BATCH_APP_REASONS = ("BackoffLimitExceeded", "FailedIndexes", "MaxFailedIndexesExceeded")


def batchjob_verdict(status: Mapping[str, Any]) -> Verdict:
    """batch/v1 Job: ``status.conditions`` Failed (or FailureTarget, which is all a failed
    federated Job shows on Karmada's binding: karmada#7844) / Complete
    (or SuccessCriteriaMet)."""
    conditions = true_conditions(status)
    failed = conditions.get("Failed") or conditions.get("FailureTarget")
    if failed is None:
        if "Complete" in conditions or "SuccessCriteriaMet" in conditions:
            return _SUCCEEDED
        return _ACTIVE
    reason = str(failed.get("reason") or "")
    message = str(failed.get("message") or "")
    detail = f"{reason}: {message}".rstrip(": ")
    if reason == "DeadlineExceeded":
        return _deadline(detail)
    if reason == "PodFailurePolicy" and DISRUPTION_TARGET in message:
        # A FailJob rule on onPodConditions DisruptionTarget matched: the job controller's
        # message names the condition (pkg/controller/job/pod_failure_policy.go).
        return Verdict("failed", Failure(FailureKind.INFRASTRUCTURE, Cause.POD_DISRUPTED, detail))
    # Backoff, failed indexes and a FailJob rule on exit codes all count failed containers.
    known = reason in BATCH_APP_REASONS or reason == "PodFailurePolicy"
    return _app(Cause.EXIT_CODE if known else Cause.FRAMEWORK_FAILED, detail)


VERDICTS: dict[str, Callable[[Mapping[str, Any]], Verdict]] = {
    "RayJob": rayjob_verdict,
    "PyTorchJob": kubeflow_verdict,
    "TFJob": kubeflow_verdict,
    "JAXJob": kubeflow_verdict,
    "XGBoostJob": kubeflow_verdict,
    "MPIJob": kubeflow_verdict,
    "Job": batchjob_verdict,
}


def classify(
    kind: str,
    status: Mapping[str, Any] | None,
    *,
    pods: Iterable[Mapping[str, Any]] = (),
    member: MemberHealth | None = None,
    now: datetime | None = None,
    grace: timedelta = timedelta(seconds=60),
) -> Failure:
    """Classify one attempt's state (the rules in the module docstring, in order).

    ``kind``: the workload's ``kind`` (``"RayJob"``, ``"Job"`` ...); ``status``: its status
    object, None when the workload no longer exists; ``pods``: the attempt's pods as read
    through the cluster proxy (empty when they could not be read); ``member`` and ``now``:
    the member's health and the time to measure ``grace`` against.
    """
    if status is None:
        return Failure(
            FailureKind.INFRASTRUCTURE,
            Cause.WORKLOAD_DELETED,
            f"the {kind} disappeared without being deleted by the platform",
        )
    verdict = VERDICTS[kind](status)
    if verdict.state == "succeeded":
        return NO_FAILURE
    if verdict.state == "failed":
        if verdict.failure.kind is FailureKind.DEADLINE:
            return verdict.failure
        pods = list(pods)
        disruption = pod_disruption(pods)
        if disruption is not None:
            return Failure(
                disruption.kind, disruption.cause, f"{disruption.detail}; {verdict.failure.detail}"
            )
        if verdict.failure.kind is FailureKind.APPLICATION:
            exited = pod_exit(pods)
            if exited is not None:
                return Failure(
                    exited.kind, exited.cause, f"{exited.detail}; {verdict.failure.detail}"
                )
        return verdict.failure
    if member is not None and now is not None:
        return classify_member(member, now, grace)
    return NO_FAILURE
