"""GraphQL object types: how rows and resolver results look to clients."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from resolvers import attempts as attempt_resolvers
from resolvers import jobs as job_resolvers
from resolvers.clusters import ClusterView, Resources, jobs_on_cluster
from resolvers.context import Context
from resolvers.streams import JobState
from schema.enums import JobReason, WorkloadKindEnum

if TYPE_CHECKING:  # rows are read through resolvers; the schema only maps them
    from app.db.models import JobEvent as JobEventRow
    from app.db.models import TrainingJob


@strawberry.enum(description="Where a job is in its lifecycle.")
class JobPhase(Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    STOPPING = "STOPPING"
    STOPPED = "STOPPED"
    DELETING = "DELETING"


@strawberry.type(description="A transition in a job's history.")
class JobEvent:
    sequence: int
    at: datetime
    from_phase: JobPhase | None
    to_phase: JobPhase
    reason: JobReason
    message: str
    cluster: str | None
    actor: str | None

    @classmethod
    def from_row(cls, row: JobEventRow) -> JobEvent:
        return cls(
            sequence=row.sequence,
            at=row.at,
            from_phase=JobPhase(row.from_status) if row.from_status else None,
            to_phase=JobPhase(row.to_status),
            reason=JobReason(row.reason),
            message=row.message,
            cluster=row.cluster,
            actor=row.actor,
        )


@strawberry.type(description="One attempt of a job: its own objects on one cluster.")
class JobAttempt:
    number: int
    cluster: str | None
    phase: JobPhase
    reason: str = strawberry.field(description="How it ended (the failure's cause), or is.")
    message: str
    started_at: datetime | None
    ended_at: datetime | None


@strawberry.type(description="A training job.")
class Job:
    id: strawberry.ID
    job_name: str
    namespace: str
    algorithm: str
    priority: int
    phase: JobPhase
    reason: JobReason = strawberry.field(description="Why the job is in its phase.")
    message: str
    kind: WorkloadKindEnum = strawberry.field(description="The Kubernetes kind of its workload.")
    object_name: str
    target_clusters: list[str]
    clusters: list[str] = strawberry.field(description="Where Karmada placed it.")
    request: JSON = strawberry.field(description="The normalised request (secrets redacted).")
    active: int
    succeeded: int
    failed: int
    start_time: datetime | None
    completion_time: datetime | None
    status_confirmed_at: datetime | None = strawberry.field(
        description="When its status was last read from Karmada."
    )
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    stopped_by: str | None = strawberry.field(default=None, description="Who called stopJob.")
    logs_archived_at: datetime | None = strawberry.field(
        default=None, description="When its pod logs were archived (after it finished)."
    )
    workload_deleted_at: datetime | None = strawberry.field(
        default=None, description="When retention removed its objects from Karmada."
    )
    attempt: int = strawberry.field(
        default=1, description="The number of the current attempt (1 until a recovery)."
    )

    @strawberry.field(description="Each attempt of the job, oldest first; the last is current.")
    async def attempts(self) -> list[JobAttempt]:
        views = await attempt_resolvers.attempts_of(
            self.id,
            attempt=self.attempt,
            phase=self.phase.value,
            reason=str(self.reason.value),
            clusters=self.clusters,
            start_time=self.start_time,
            completion_time=self.completion_time,
            created_at=self.created_at,
        )
        return [
            JobAttempt(
                number=v.number,
                cluster=v.cluster,
                phase=JobPhase(v.phase),
                reason=v.reason,
                message=v.message,
                started_at=v.started_at,
                ended_at=v.ended_at,
            )
            for v in views
        ]

    @strawberry.field(description="The job's history, oldest first.")
    async def events(self, first: int = 100, after_sequence: int = 0) -> list[JobEvent]:
        rows = await job_resolvers.history_of(self.id, after_sequence, first)
        return [JobEvent.from_row(r) for r in rows]

    @classmethod
    def from_row(cls, row: TrainingJob) -> Job:
        return cls(**{name: read(row) for name, read in _JOB_FIELDS.items()})

    @classmethod
    def view_of(cls, row: TrainingJob) -> Job:
        """The row as a Job whose fields are read when GraphQL selects them.

        For pages: ``from_row`` converts all 24 fields of every job, JSON documents too,
        while a list selects a handful (bench/jobs_query.py).
        """
        return cast(Job, _JobView(row))


#: Job fields that are a row attribute as it is (strawberry.ID is the str itself)...
_JOB_COLUMNS: dict[str, str] = {
    "id": "id",
    "job_name": "job_name",
    "namespace": "namespace",
    "algorithm": "algorithm",
    "priority": "priority",
    "message": "message",
    "object_name": "object_name",
    "request": "request_payload",
    "active": "active",
    "succeeded": "succeeded",
    "failed": "failed",
    "start_time": "start_time",
    "completion_time": "completion_time",
    "status_confirmed_at": "status_confirmed_at",
    "created_by": "created_by",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "stopped_by": "stopped_by",
    "logs_archived_at": "logs_archived_at",
    "workload_deleted_at": "workload_deleted_at",
    "attempt": "attempt",
}
#: ...and those computed from the row (a TrainingJob, or a page's row record).
_JOB_COMPUTED: dict[str, Callable[[TrainingJob], Any]] = {
    "phase": lambda row: JobPhase(row.status),
    "reason": lambda row: JobReason(row.reason),
    "kind": lambda row: WorkloadKindEnum(row.kind),
    "target_clusters": lambda row: list(row.target_clusters),
    "clusters": lambda row: list(row.placement),
}
_JOB_FIELDS: dict[str, Callable[[TrainingJob], Any]] = {
    **{name: attrgetter(column) for name, column in _JOB_COLUMNS.items()},
    **_JOB_COMPUTED,
}


class _JobView:
    """Job.view_of: each field read from the row when GraphQL reads it.

    Properties, built below from the tables above: an attribute read is one C-level
    attrgetter (or one small function), never a failed lookup and ``__getattr__``.
    """

    __slots__ = ("_row",)

    def __init__(self, row: TrainingJob) -> None:
        self._row = row


def _computed(read: Callable[[TrainingJob], Any]) -> property:
    return property(lambda view: read(view._row))


for _name, _column in _JOB_COLUMNS.items():
    setattr(_JobView, _name, property(attrgetter(f"_row.{_column}")))
for _name, _read in _JOB_COMPUTED.items():
    setattr(_JobView, _name, _computed(_read))


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class JobEdge:
    cursor: str
    node: Job


@strawberry.type(description="A page of jobs, newest first.")
class JobConnection:
    edges: list[JobEdge]
    nodes: list[Job]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="A job's state at one point of its history.")
class JobStatusUpdate:
    job_id: strawberry.ID = strawberry.field(description="Kept for older clients: `job { id }`.")
    phase: JobPhase
    reason: JobReason
    message: str
    sequence: int = strawberry.field(description="The job's event sequence number.")
    at: datetime
    deleted: bool = strawberry.field(description="True once the job no longer exists.")

    @strawberry.field(
        description="The job as of this update (phase, reason, message and updatedAt are "
        "the update's), so a normalised client cache merges it by id; once deleted, the job "
        "as last seen."
    )
    async def job(self) -> Job:
        # Viewer-independent (no context): the shared fan-out renders it once for every
        # subscriber of the same document (app/graphql/fanout.py).
        row = await job_resolvers.row_for_update(str(self.job_id), self.sequence)
        return dataclasses.replace(
            Job.from_row(row),
            phase=self.phase,
            reason=self.reason,
            message=self.message,
            updated_at=self.at,
        )

    @classmethod
    def from_state(cls, state: JobState) -> JobStatusUpdate:
        return cls(
            job_id=strawberry.ID(state.job_id),
            phase=JobPhase(state.phase.value),
            reason=JobReason(state.reason),
            message=state.message,
            sequence=state.sequence,
            at=state.at,
            deleted=state.deleted,
        )


@strawberry.type(description="An amount of compute resources.")
class ResourceAmounts:
    cpu: float = strawberry.field(description="CPU cores.")
    memory_bytes: float
    gpus: float = strawberry.field(description="nvidia.com/gpu.")
    pods: float

    @classmethod
    def from_resources(cls, r: Resources) -> ResourceAmounts:
        return cls(cpu=r.cpu, memory_bytes=r.memory_bytes, gpus=r.gpus, pods=r.pods)


@strawberry.type(description="A Karmada member cluster.")
class Cluster:
    name: str
    ready: bool
    ready_reason: str | None
    region: str | None
    zones: list[str]
    provider: str | None
    labels: JSON
    kubernetes_version: str | None
    workload_kinds: list[str] = strawberry.field(
        description="group/version/Kind of the workloads it can run (from apiEnablements)."
    )
    nodes_ready: int = 0
    nodes_total: int = 0
    allocatable: ResourceAmounts | None = strawberry.field(
        default=None, description="What the cluster's nodes offer (resourceSummary)."
    )
    allocated: ResourceAmounts | None = strawberry.field(
        default=None, description="Requests of the pods scheduled there."
    )
    allocating: ResourceAmounts | None = strawberry.field(
        default=None, description="Requests of the pods waiting to be scheduled there."
    )

    @strawberry.field(description="Jobs Karmada placed on this cluster, newest first.")
    async def jobs(
        self, info: strawberry.Info[Context], active_only: bool = True, first: int = 100
    ) -> list[Job]:
        rows = await jobs_on_cluster(
            info.context, self.name, active_only=active_only, limit=max(1, min(first, 1000))
        )
        return [Job.from_row(r) for r in rows]

    @classmethod
    def from_view(cls, view: ClusterView) -> Cluster:
        return cls(
            name=view.name,
            ready=view.ready,
            ready_reason=view.ready_reason,
            region=view.region,
            zones=view.zones,
            provider=view.provider,
            labels=cast(JSON, view.labels),
            kubernetes_version=view.kubernetes_version,
            workload_kinds=view.workload_kinds,
            nodes_ready=view.nodes_ready,
            nodes_total=view.nodes_total,
            allocatable=ResourceAmounts.from_resources(view.allocatable),
            allocated=ResourceAmounts.from_resources(view.allocated),
            allocating=ResourceAmounts.from_resources(view.allocating),
        )


# -- results of mutations: expected failures are data ----------------------------------


@strawberry.type(description="The request was invalid; nothing was written.")
class InvalidInputError:
    field: str
    message: str


@strawberry.type
class CreateJobSuccess:
    job: Job


@strawberry.type
class DeleteJobSuccess:
    id: strawberry.ID
    message: str


CreateJobResult = Annotated[
    CreateJobSuccess | InvalidInputError, strawberry.union("CreateJobResult")
]
# An unknown job is a GraphQL error with code NOT_FOUND (README, "Changes for GraphQL
# clients"); the union stays so clients keep their `... on DeleteJobSuccess`.
DeleteJobResult = Annotated[DeleteJobSuccess, strawberry.union("DeleteJobResult")]
