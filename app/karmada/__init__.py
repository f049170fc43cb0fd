"""Access to the Karmada control plane (the only package that talks to the Kubernetes API)."""

from app.karmada.client import METADATA_LIST_ACCEPT, KarmadaClient
from app.karmada.errors import (
    AlreadyExists,
    Conflict,
    Invalid,
    KarmadaError,
    KarmadaRejected,
    KarmadaUnavailable,
    NotFound,
    Unauthorized,
)

__all__ = [
    "METADATA_LIST_ACCEPT",
    "AlreadyExists",
    "Conflict",
    "Invalid",
    "KarmadaClient",
    "KarmadaError",
    "KarmadaRejected",
    "KarmadaUnavailable",
    "NotFound",
    "Unauthorized",
]
