"""What every resolver receives: the services it may use and who is calling."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from app.auth.principal import Principal
from app.jobspec import RequestLimits
from app.karmada import KarmadaClient
from app.live.hub import StatusHub
from app.settings import Settings
from app.submission.submitter import JobSubmitter
from resolvers.credential_watch import CredentialWatch
from resolvers.delivery import LiveDelivery


@dataclass
class Services:
    """Long-lived services, built once by the composition root (app.server.main)."""

    settings: Settings
    karmada: KarmadaClient
    hub: StatusHub
    submitter: JobSubmitter
    limits: RequestLimits
    #: Shared delivery of live jobStatus updates (None: every subscriber renders its own).
    fanout: LiveDelivery | None = None


@dataclass
class Context:
    """One request's (or one websocket connection's) view: services plus the caller."""

    services: Services
    actor: str | None = None
    #: The authenticated caller; None denies everything (resolvers.authz).
    principal: Principal | None = None
    #: Re-checks the caller's credentials (revocation, expiry) on long-lived streams.
    credentials_valid: Callable[[], Awaitable[bool]] | None = None
    #: One credential re-check per connection for all its streams (resolvers.authz).
    credential_watch: CredentialWatch | None = None
    #: The websocket connection_init payload (Strawberry sets it).
    connection_params: Any = None

    @property
    def karmada(self) -> KarmadaClient:
        return self.services.karmada

    @property
    def hub(self) -> StatusHub:
        return self.services.hub
