"""Root Query: each field calls one resolver."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.jobstate.phases import Phase
from resolvers import algorithms as algorithm_resolvers
from resolvers import clusters as cluster_resolvers
from resolvers import jobs as job_resolvers
from resolvers import logs as log_resolvers
from resolvers import paging
from resolvers.context import Context
from resolvers.errors import InvalidInput, JobNotFound, Unavailable
from schema.algorithms import Algorithm
from schema.input_bounds import check_filter
from schema.inputs import JobFilterInput, JobOrderInput, OrderDirection
from schema.operate_types import JobLogs, JobLogsResult, UnavailableError
from schema.types import (
    Cluster,
    InvalidInputError,
    Job,
    JobConnection,
    JobEdge,
    JobEvent,
    PageInfo,
)


def _filter(value: JobFilterInput | None) -> paging.JobFilter | None:
    if value is None:
        return None
    phases = [Phase(p.value) for p in value.phases] if value.phases else None
    return paging.JobFilter(
        namespace=value.namespace,
        phases=phases,
        algorithms=value.algorithms,
        clusters=value.clusters,
        name_contains=value.name_contains,
        created_after=value.created_after,
        created_before=value.created_before,
        min_priority=value.min_priority,
    )


def _order(value: JobOrderInput | None) -> paging.JobOrder | None:
    if value is None:
        return None
    return paging.JobOrder(
        field=paging.OrderField[value.field.value],
        descending=value.direction is OrderDirection.DESC,
    )


@strawberry.type
class Query:
    @strawberry.field(description="Jobs (newest first by default), filtered before paging.")
    async def jobs(
        self,
        info: strawberry.Info[Context],
        filter: JobFilterInput | None = None,
        first: int = 50,
        after: str | None = None,
        order_by: JobOrderInput | None = None,
    ) -> JobConnection:
        if filter is not None:
            check_filter(info.context, filter)
        page = await paging.page_jobs(
            info.context, _filter(filter), first, after, _order(order_by)
        )
        nodes = [Job.view_of(r) for r in page.jobs]
        edges = [
            JobEdge(cursor=cursor, node=node)
            for cursor, node in zip(page.cursors, nodes, strict=True)
        ]
        return JobConnection(
            edges=edges,
            nodes=nodes,
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total_count,
        )

    @strawberry.field(
        description="One job, or null if there is none with that id (the one lookup that "
        "answers null; every other field taking a job id answers a NOT_FOUND error)."
    )
    async def job(self, info: strawberry.Info[Context], id: strawberry.ID) -> Job | None:
        try:
            return Job.from_row(await job_resolvers.get_job(info.context, str(id)))
        except JobNotFound:
            return None

    @strawberry.field(
        description="A job's history, oldest first; an unknown job is a NOT_FOUND error."
    )
    async def job_events(
        self,
        info: strawberry.Info[Context],
        id: strawberry.ID,
        first: int = 100,
        after_sequence: int = 0,
    ) -> list[JobEvent] | None:
        rows = await job_resolvers.job_events(info.context, str(id), after_sequence, first)
        return [JobEvent.from_row(r) for r in rows]

    @strawberry.field(
        description="The pod logs of one attempt of the job (default: its current attempt): "
        "live from its member cluster(s), else archived; an earlier attempt's are archived."
    )
    async def job_logs(
        self,
        info: strawberry.Info[Context],
        id: strawberry.ID,
        tail_lines: int | None = None,
        since_seconds: int | None = None,
        pod: str | None = None,
        attempt: Annotated[
            int | None,
            strawberry.argument(
                description="Which attempt (1 .. the job's number of attempts, Job.attempt); "
                "null: the current one. Outside that range: InvalidInputError, field attempt."
            ),
        ] = None,
    ) -> JobLogsResult:
        try:
            result = await log_resolvers.job_logs(
                info.context, str(id), tail_lines=tail_lines, since_seconds=since_seconds,
                pod=pod, attempt=attempt,
            )
        except InvalidInput as exc:
            return InvalidInputError(field=exc.field, message=exc.reason)
        except Unavailable as exc:
            return UnavailableError(message=str(exc))
        return JobLogs.from_result(result)

    @strawberry.field(description="Karmada's member clusters.")
    async def clusters(self, info: strawberry.Info[Context]) -> list[Cluster]:
        return [Cluster.from_view(v) for v in await cluster_resolvers.list_clusters(info.context)]

    @strawberry.field(description="One member cluster, or null.")
    async def cluster(self, info: strawberry.Info[Context], name: str) -> Cluster | None:
        view = await cluster_resolvers.get_cluster(info.context, name)
        return Cluster.from_view(view) if view is not None else None

    @strawberry.field(
        description="Every algorithm a job can run, with its workload kind and hyperparameters "
        "(type, bounds, choices): enough to generate a job form."
    )
    def algorithms(self) -> list[Algorithm]:
        return [Algorithm.from_info(a) for a in algorithm_resolvers.algorithms()]
