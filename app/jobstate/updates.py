"""What a transition publishes: a job's new state, or a marker to re-read everything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class JobUpdate:
    """A job's new state after a transition (or its removal, when ``deleted``)."""

    job_id: str
    namespace: str
    sequence: int
    phase: str
    reason: str
    message: str
    at: datetime
    deleted: bool = False

    @property
    def is_resync(self) -> bool:
        """A marker, not a transition: re-read the current state from the database."""
        return self.sequence < 0


RESYNC = JobUpdate("", "", -1, "", "", "", datetime.min)

Relay = Callable[[list[JobUpdate]], None]
