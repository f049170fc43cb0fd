"""Root Mutation: expected failures come back as result types, not errors.

An unknown job is the exception: like every field that takes a job id, a GraphQL error with
``extensions.code: NOT_FOUND`` (resolvers.errors.JobNotFound).
"""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from resolvers import jobs as job_resolvers
from resolvers.context import Context
from resolvers.errors import InvalidInput, InvalidState, Unavailable
from schema.inputs import CreateJobInput, RecoveryPolicyInput, input_to_payload
from schema.operate_types import (
    InvalidStateError,
    RetryJobResult,
    StopJobResult,
    StopJobSuccess,
    UnavailableError,
)
from schema.types import (
    CreateJobResult,
    CreateJobSuccess,
    DeleteJobResult,
    DeleteJobSuccess,
    InvalidInputError,
    Job,
)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Validate, store and submit a training job.")
    async def create_job(
        self, info: strawberry.Info[Context], input: CreateJobInput
    ) -> CreateJobResult:
        try:
            row = await job_resolvers.create_job(info.context, input_to_payload(input))
        except InvalidInput as exc:
            return InvalidInputError(field=exc.field, message=exc.reason)
        return CreateJobSuccess(job=Job.from_row(row))

    @strawberry.mutation(description="Remove the job's workload from Karmada, then the job.")
    async def delete_job(
        self, info: strawberry.Info[Context], id: strawberry.ID
    ) -> DeleteJobResult:
        # An unknown job raises JobNotFound: a GraphQL error with code NOT_FOUND.
        await job_resolvers.delete_job(info.context, str(id))
        return DeleteJobSuccess(id=id, message="Training job deleted successfully")

    @strawberry.mutation(
        description="Stop the job's work and keep its record: STOPPING, then STOPPED."
    )
    async def stop_job(self, info: strawberry.Info[Context], id: strawberry.ID) -> StopJobResult:
        try:
            row = await job_resolvers.stop_job(info.context, str(id))
        except InvalidState as exc:
            return InvalidStateError(id=id, message=str(exc))
        except Unavailable as exc:
            return UnavailableError(message=str(exc))
        return StopJobSuccess(job=Job.from_row(row))

    @strawberry.mutation(
        description="A new job from the stored request of job `id`, with `overrides` "
        "(request keys, merged object by object) applied."
    )
    async def retry_job(
        self,
        info: strawberry.Info[Context],
        id: strawberry.ID,
        overrides: JSON | None = None,
        recovery_policy: RecoveryPolicyInput | None = None,
    ) -> RetryJobResult:
        changes: object = overrides
        if recovery_policy is not None and (overrides is None or isinstance(overrides, dict)):
            changes = {**(overrides or {}), "recoveryPolicy": input_to_payload(recovery_policy)}
        try:
            row = await job_resolvers.retry_job(info.context, str(id), changes)
        except InvalidInput as exc:
            return InvalidInputError(field=exc.field, message=exc.reason)
        return CreateJobSuccess(job=Job.from_row(row))
