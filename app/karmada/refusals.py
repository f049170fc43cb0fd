"""Karmada's standing refusals of our credentials, per resource, for ``/health/ready``.

A wrong token (401) or missing RBAC (403) fails every create with 503 until an operator acts;
readiness names what Karmada refuses so that operator finds out without reading logs. The
client records each refusal and clears a resource's entry on the next success for it, so a
fixed kubeconfig or role shows as healthy on the following request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

#: What each status means for the operator (also used for 503 reasons at job creation).
REFUSAL_HINTS = {
    401: "check the credentials in KARMADA_KUBECONFIG (expired or wrong token?)",
    403: "grant the server's Karmada account access to it (RBAC)",
    404: "is KARMADA_KUBECONFIG pointing at the Karmada API server?",
    422: "Karmada refused the request as invalid; check its version and API groups",
}


@dataclass(frozen=True)
class Refusal:
    resource: str
    method: str
    status: int
    at: float

    def describe(self) -> str:
        hint = REFUSAL_HINTS.get(self.status, "")
        text = f"Karmada refuses {self.method} on {self.resource} (HTTP {self.status})"
        return f"{text}: {hint}" if hint else text


def resource_of(path: str) -> str:
    """The resource a Kubernetes API path names: ``secrets`` for
    ``/api/v1/namespaces/ns/secrets/x``, ``clusters`` for the Karmada cluster list."""
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    if parts[:1] == ["api"]:
        rest = parts[2:]
    elif parts[:1] == ["apis"]:
        rest = parts[3:]
    else:
        return "/".join(parts[:2]) or "/"
    if len(rest) >= 3 and rest[0] == "namespaces":
        rest = rest[2:]
    return rest[0] if rest else "/"


class Refusals:
    """The latest 401/403 per resource; bounded by the resources we ever touch."""

    def __init__(self) -> None:
        self._by_resource: dict[str, Refusal] = {}

    def record(self, method: str, path: str, status: int) -> None:
        resource = resource_of(path)
        self._by_resource[resource] = Refusal(resource, method, status, time.time())

    def clear(self, path: str) -> None:
        if self._by_resource:
            self._by_resource.pop(resource_of(path), None)

    def current(self) -> list[Refusal]:
        return sorted(self._by_resource.values(), key=lambda r: r.resource)
