"""The one error a job request can fail with."""

from __future__ import annotations


class RequestInvalid(Exception):
    """A job request was rejected.

    ``field`` is the path as the client spelled it (camelCase keys, dots between
    levels, ``[i]`` for list items), e.g. ``resources.instanceCount`` or
    ``hyperparameters.xgboost.eta``; ``reason`` is a short human sentence.
    ``str(error)`` is ``"<field>: <reason>"``, what REST puts in ``details``.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"
