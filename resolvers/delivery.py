"""What a live transport may offer a ``jobStatus`` stream: delivering its transitions for it.

The use-case (``resolvers.streams``) knows only this interface; the GraphQL transport
(``app.graphql.fanout``) implements it with shared, render-once delivery and owns joining,
handoff and resume.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from app.jobstate.updates import JobUpdate


@dataclass(frozen=True)
class TakeOver:
    """How the transport's turn at delivering a stream's transitions ended."""

    #: The transport keeps delivering on its own: the stream ends now.
    detached: bool
    #: The last update the transport delivered (None: none).
    last: JobUpdate | None = None
    #: That update was final (terminal phase or deletion): the stream is over.
    final: bool = False


class StreamDelivery(Protocol):
    """The transport's offer for the one stream running in the current operation."""

    def resume_point(self) -> tuple[int, str] | None:
        """(sequence, phase) already delivered when the transport restarts a stream."""

    async def take_over(self, job_id: str, sequence: int, phase: str) -> TakeOver:
        """Deliver the job's transitions after ``sequence`` until the transport gives up.

        Called when the stream has nothing pending; it holds no hub subscription meanwhile.
        """


class LiveDelivery(Protocol):
    """A shared delivery service (None on ``Services``: every subscriber renders its own)."""

    def for_current_operation(self) -> StreamDelivery | None:
        """The offer for the operation running in this task, if the transport made one."""
