"""GraphQL types for operating jobs: logs, stop and retry results."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.logs import JobLogs as JobLogsResultData
from resolvers.logs import LogStreamEnded
from schema.types import CreateJobSuccess, InvalidInputError, Job

if TYPE_CHECKING:
    from app.operations.logs import LogLine, PodLog


@strawberry.enum(description="Where logs were read from.")
class LogSource(Enum):
    LIVE = "live"
    ARCHIVE = "archive"


@strawberry.type(description="The log of one container of one pod.")
class PodLogs:
    cluster: str
    pod: str
    container: str = strawberry.field(description="Empty for single-container pods.")
    text: str
    line_count: int
    truncated: bool = strawberry.field(description="True when older lines were left out.")

    @classmethod
    def from_log(cls, log: PodLog) -> PodLogs:
        return cls(
            cluster=log.cluster,
            pod=log.pod,
            container=log.container,
            text=log.text,
            line_count=log.line_count,
            truncated=log.truncated,
        )


@strawberry.type(description="A job's logs, from its live pods or from the archive.")
class JobLogs:
    source: LogSource
    text: str = strawberry.field(description="All pods' logs; a header per pod if several.")
    truncated: bool
    pods: list[PodLogs]

    @classmethod
    def from_result(cls, result: JobLogsResultData) -> JobLogs:
        return cls(
            source=LogSource(result.source),
            text=result.text,
            truncated=result.truncated,
            pods=[PodLogs.from_log(p) for p in result.pods],
        )


@strawberry.type(description="A dependency (Karmada or a member cluster) did not answer.")
class UnavailableError:
    message: str


@strawberry.type(description="The job cannot do that in its current phase.")
class InvalidStateError:
    id: strawberry.ID
    message: str


@strawberry.type(description="One line of a followed pod log.")
class JobLogLine:
    cluster: str
    pod: str
    container: str
    line: str

    @classmethod
    def from_line(cls, line: LogLine) -> JobLogLine:
        return cls(cluster=line.cluster, pod=line.pod, container=line.container, line=line.text)


@strawberry.type(description="The stream could not go on (the subscription completes after it).")
class LogStreamError:
    message: str

    @classmethod
    def from_end(cls, end: LogStreamEnded) -> LogStreamError:
        return cls(message=end.reason)


@strawberry.type
class StopJobSuccess:
    job: Job


# An unknown job is not a member of these unions: it is a GraphQL error with code NOT_FOUND,
# as everywhere else (README, "Changes for GraphQL clients").
JobLogsResult = Annotated[
    JobLogs | InvalidInputError | UnavailableError,
    strawberry.union("JobLogsResult"),
]
JobLogStreamItem = Annotated[
    JobLogLine | LogStreamError, strawberry.union("JobLogStreamItem")
]
StopJobResult = Annotated[
    StopJobSuccess | InvalidStateError | UnavailableError,
    strawberry.union("StopJobResult"),
]
RetryJobResult = Annotated[
    CreateJobSuccess | InvalidInputError, strawberry.union("RetryJobResult")
]
