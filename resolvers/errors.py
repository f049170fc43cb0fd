"""Expected failures of use-cases: results for the caller, not crashes.

ResolverError        base class
├── InvalidInput     the request is wrong: ``field`` and ``reason`` say where and why
├── JobNotFound      no such job (also: a job the caller may not see)
├── InvalidState     the job cannot do that now (e.g. stopping a finished job)
└── Unavailable      a dependency (Karmada, a member cluster) did not answer
    └── KarmadaMisconfigured  Karmada refuses us (401/403, an API it lacks): an operator
                              must act; REST 503, GraphQL code KARMADA_UNAVAILABLE
"""

from __future__ import annotations


class ResolverError(Exception):
    pass


class InvalidInput(ResolverError):
    #: GraphQL ``extensions.code`` (app.graphql.hardening adds it to the error).
    code = "BAD_USER_INPUT"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class JobNotFound(ResolverError):
    #: GraphQL ``extensions.code``: every field taking a job id but ``job(id)`` (null) answers
    #: an unknown job (or one the caller may not see) with this error.
    code = "NOT_FOUND"

    def __init__(self, job_id: str) -> None:
        super().__init__(f"job {job_id!r} not found")
        self.job_id = job_id


class InvalidState(ResolverError):
    code = "BAD_USER_INPUT"


class Unavailable(ResolverError):
    # A member cluster too: its calls go through Karmada's cluster proxy.
    code = "KARMADA_UNAVAILABLE"


class KarmadaMisconfigured(Unavailable):
    """Karmada answered, but no retry by the caller can help: ``reason`` says what to fix."""

    #: GraphQL ``extensions.code`` (app.graphql.hardening copies a public error's ``code``).
    code = "KARMADA_UNAVAILABLE"

    def __init__(self, reason: str, status: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
