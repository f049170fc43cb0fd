"""Job phases and reasons: the one closed vocabulary of job state (docs/reliability.md).

Phase is what a job *is*; Reason says *why*, from one closed list so clients can
branch on it. The REST API shows phases as the old service's strings.
"""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    STOPPING = "STOPPING"
    STOPPED = "STOPPED"
    DELETING = "DELETING"

    @property
    def rest(self) -> str:
        """The old service's spelling: ``Pending``, ``Running``, ..."""
        return self.value.capitalize()

    @classmethod
    def from_rest(cls, value: str) -> Phase:
        """Accept ``Running``, ``running`` or ``RUNNING``; ValueError otherwise."""
        return cls(value.upper())

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_PHASES


TERMINAL_PHASES = frozenset({Phase.SUCCEEDED, Phase.FAILED, Phase.STOPPED})


class Reason(StrEnum):
    """Why a job is in its phase.

    SUBMITTING          row written, Karmada objects being created
    SUBMISSION_RETRYING Karmada unreachable at submission; retried until a deadline
    SUBMISSION_FAILED   the submission deadline passed, or Karmada rejected the objects
    SCHEDULING          objects exist, Karmada has not placed the job on a cluster yet
    UNSCHEDULABLE       Karmada found no cluster that fits
    INITIALIZING        placed; the workload's pods are starting
    IMAGE_PULL_BACK_OFF a container image cannot be pulled
    RUNNING             the training code is running
    RETRYING            the operator is restarting failed replicas
    COMPLETED           finished successfully
    APP_FAILED          the training code failed
    DEADLINE_EXCEEDED   stoppingCondition.maxRuntimeSeconds elapsed
    WORKLOAD_LOST       our objects vanished from Karmada without us deleting them
    STOPPED_BY_USER     stopJob was called
    DELETE_REQUESTED    deleteJob was called; waiting for Karmada to confirm
    STATUS_STALE        the member cluster stopped reporting; last known phase kept
    RECOVERING          an attempt failed (the cause in the message); a new one is starting
    """

    SUBMITTING = "Submitting"
    SUBMISSION_RETRYING = "SubmissionRetrying"
    SUBMISSION_FAILED = "SubmissionFailed"
    SCHEDULING = "Scheduling"
    UNSCHEDULABLE = "Unschedulable"
    INITIALIZING = "Initializing"
    IMAGE_PULL_BACK_OFF = "ImagePullBackOff"
    RUNNING = "Running"
    RETRYING = "Retrying"
    COMPLETED = "Completed"
    APP_FAILED = "AppFailed"
    DEADLINE_EXCEEDED = "DeadlineExceeded"
    WORKLOAD_LOST = "WorkloadLost"
    STOPPED_BY_USER = "StoppedByUser"
    DELETE_REQUESTED = "DeleteRequested"
    STATUS_STALE = "StatusStale"
    RECOVERING = "Recovering"
