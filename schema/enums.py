"""Enums for the closed sets clients read or send (reasons, workload kinds, placement).

Each Python value is the string the rows and the REST API hold, so a row's value converts
with ``Enum(value)``; the GraphQL name is the member name. tests/schema checks each against
the vocabulary it mirrors (app.jobstate.phases.Reason, app.workloads.kinds.ALL_KINDS).
"""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(name="JobReason", description="Why a job is in its phase (REST: the same "
                 "word in CamelCase, e.g. SUBMISSION_RETRYING is `SubmissionRetrying`).")
class JobReason(Enum):
    SUBMITTING = strawberry.enum_value(
        "Submitting", description="Row written, Karmada objects being created.")
    SUBMISSION_RETRYING = strawberry.enum_value(
        "SubmissionRetrying",
        description="Karmada was unreachable at submission; retried until a deadline.")
    SUBMISSION_FAILED = strawberry.enum_value(
        "SubmissionFailed",
        description="The submission deadline passed, or Karmada rejected the objects.")
    SCHEDULING = strawberry.enum_value(
        "Scheduling", description="Karmada has not placed the job on a cluster yet.")
    UNSCHEDULABLE = strawberry.enum_value(
        "Unschedulable", description="Karmada found no cluster that fits.")
    INITIALIZING = strawberry.enum_value(
        "Initializing", description="Placed; the workload's pods are starting.")
    IMAGE_PULL_BACK_OFF = strawberry.enum_value(
        "ImagePullBackOff", description="A container image cannot be pulled.")
    RUNNING = strawberry.enum_value("Running", description="The training code is running.")
    RETRYING = strawberry.enum_value(
        "Retrying", description="The operator is restarting failed replicas.")
    COMPLETED = strawberry.enum_value("Completed", description="Finished successfully.")
    APP_FAILED = strawberry.enum_value("AppFailed", description="The training code failed.")
    DEADLINE_EXCEEDED = strawberry.enum_value(
        "DeadlineExceeded", description="stoppingCondition.maxRuntimeSeconds elapsed.")
    WORKLOAD_LOST = strawberry.enum_value(
        "WorkloadLost", description="Its objects vanished from Karmada without a delete.")
    STOPPED_BY_USER = strawberry.enum_value("StoppedByUser", description="stopJob was called.")
    DELETE_REQUESTED = strawberry.enum_value(
        "DeleteRequested", description="deleteJob was called; waiting for Karmada.")
    STATUS_STALE = strawberry.enum_value(
        "StatusStale",
        description="The member cluster stopped reporting; the last known phase is kept.")
    RECOVERING = strawberry.enum_value(
        "Recovering",
        description="An attempt failed (its cause in the message); the next one is starting.")


@strawberry.enum(name="WorkloadKind", description="The Kubernetes kind a job runs as.")
class WorkloadKindEnum(Enum):
    RAY_JOB = strawberry.enum_value("RayJob", description="ray.io/v1 RayJob (KubeRay).")
    PYTORCH_JOB = strawberry.enum_value("PyTorchJob", description="kubeflow.org/v1 PyTorchJob.")
    TF_JOB = strawberry.enum_value("TFJob", description="kubeflow.org/v1 TFJob.")
    MPI_JOB = strawberry.enum_value("MPIJob", description="kubeflow.org/v2beta1 MPIJob.")
    JAX_JOB = strawberry.enum_value("JAXJob", description="kubeflow.org/v1 JAXJob.")
    BATCH_JOB = strawberry.enum_value(
        "Job", description="batch/v1 Job (custom containers).")


@strawberry.enum(description="How many of the target clusters a job runs on.")
class Placement(Enum):
    ONE = strawberry.enum_value("one", description="Exactly one cluster (Karmada picks it).")
    EVERY = strawberry.enum_value("every", description="A full copy on every target cluster.")
