"""Turn what a caller presents (headers, websocket connection_init payload) into a Principal.

AUTH_MODE=none: everyone is the anonymous admin (refused off loopback unless forced).
AUTH_MODE=token: ``Authorization: Bearer mlp_...`` (an API token).
AUTH_MODE=oidc: ``Authorization: Bearer <JWT>``; from a trusted proxy also its forwarded
access token header, or the user/groups headers it sets (oauth2-proxy's ``X-Forwarded-*``).
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Mapping
from typing import Any

from app.auth import tokens
from app.auth.oidc import (
    JwksCache,
    OidcVerifier,
    TokenRejected,
    parse_group_roles,
    principal_for_identity,
)
from app.auth.principal import ANONYMOUS_ADMIN, Principal
from app.settings import AuthSettings, Settings


class AuthenticationFailed(Exception):
    """No or bad credentials. The message goes to the log, never to the caller."""


class InsecureConfiguration(Exception):
    """The settings would expose an unauthenticated server; refuse to start."""


def check_startup_safety(settings: Settings) -> None:
    """Refuse AUTH_MODE=none on a non-loopback address unless AUTH_ALLOW_INSECURE_NONE."""
    auth = settings.auth
    exposed = auth.auth_mode == "none" and not settings.server.is_loopback
    if exposed and not auth.auth_allow_insecure_none:
        raise InsecureConfiguration(
            f"refusing to serve without authentication on {settings.server.host}: "
            "AUTH_MODE=none is only allowed on a loopback address. Set AUTH_MODE=token or "
            "AUTH_MODE=oidc, or AUTH_ALLOW_INSECURE_NONE=true behind a trusted network."
        )
    if auth.auth_mode == "oidc":
        missing = [
            name for name, value in (("OIDC_ISSUER", auth.oidc_issuer),
                                     ("OIDC_AUDIENCE", auth.oidc_audience),
                                     ("OIDC_JWKS_URL", auth.oidc_jwks_url)) if not value
        ]
        if missing and not auth.auth_trusted_proxies:
            raise InsecureConfiguration(f"AUTH_MODE=oidc needs {', '.join(missing)}")
        parse_group_roles(auth.oidc_group_roles)
    for entry in auth.auth_trusted_proxies:
        ipaddress.ip_network(entry, strict=False)


def bearer_of(value: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` value (scheme case-insensitive)."""
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class Authenticator:
    """One per application, built from AuthSettings."""

    def __init__(self, settings: AuthSettings, verifier: OidcVerifier | None = None) -> None:
        self.settings = settings
        self.mode = settings.auth_mode
        self.verifier = verifier
        self.group_roles = parse_group_roles(settings.oidc_group_roles)
        self.trusted_proxies = [
            ipaddress.ip_network(e, strict=False) for e in settings.auth_trusted_proxies
        ]

    @classmethod
    def from_settings(cls, settings: AuthSettings) -> Authenticator:
        verifier = None
        if settings.auth_mode == "oidc" and settings.oidc_jwks_url:
            verifier = OidcVerifier(
                issuer=settings.oidc_issuer or "",
                audience=settings.oidc_audience or "",
                jwks=JwksCache(settings.oidc_jwks_url),
                group_roles=parse_group_roles(settings.oidc_group_roles),
                user_claim=settings.oidc_user_claim,
                groups_claim=settings.oidc_groups_claim,
            )
        return cls(settings, verifier)

    def is_trusted_proxy(self, peer: str | None) -> bool:
        if not peer or not self.trusted_proxies:
            return False
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        return any(address in network for network in self.trusted_proxies)

    async def authenticate(self, headers: Mapping[str, str], peer: str | None) -> Principal:
        """The caller of an HTTP request or websocket handshake (header names lower-case)."""
        if self.mode == "none":
            return ANONYMOUS_ADMIN
        token = bearer_of(headers.get("authorization"))
        if token is not None:
            return await self.bearer(token)
        if self.mode == "oidc" and self.is_trusted_proxy(peer):
            forwarded = headers.get(self.settings.auth_proxy_token_header.lower())
            if forwarded:
                return await self.bearer(bearer_of(forwarded) or forwarded.strip())
            user = headers.get(self.settings.auth_proxy_user_header.lower(), "").strip()
            if user:
                groups_text = headers.get(self.settings.auth_proxy_groups_header.lower(), "")
                groups = [g.strip() for g in groups_text.split(",") if g.strip()]
                return principal_for_identity(user, groups, self.group_roles)
        raise AuthenticationFailed("no credentials")

    async def authenticate_connection_params(
        self, params: Any, headers: Mapping[str, str], peer: str | None
    ) -> Principal:
        """The caller of a websocket: connection_init's payload first, then the handshake.

        The payload may carry ``{"Authorization": "Bearer ..."}`` (any case) or ``{"token": ...}``.
        """
        if self.mode == "none":
            return ANONYMOUS_ADMIN
        if isinstance(params, Mapping):
            for key, value in params.items():
                if not isinstance(key, str) or not isinstance(value, str):
                    continue
                if key.lower() == "authorization":
                    token = bearer_of(value)
                    if token is None:
                        raise AuthenticationFailed("malformed Authorization in connection_init")
                    return await self.bearer(token)
                if key.lower() == "token" and value:
                    return await self.bearer(value)
        return await self.authenticate(headers, peer)

    async def bearer(self, token: str) -> Principal:
        if len(token) > 16_384:
            raise AuthenticationFailed("oversized token")
        if self.mode == "token":
            principal = await tokens.principal_for_token(token)
            if principal is None:
                raise AuthenticationFailed("unknown or revoked API token")
            return principal
        if self.mode == "oidc":
            if self.verifier is None:
                raise AuthenticationFailed("OIDC is not configured for bearer tokens")
            try:
                return await self.verifier.verify(token)
            except TokenRejected as exc:
                raise AuthenticationFailed(f"JWT rejected: {exc}") from None
        raise AuthenticationFailed(f"unsupported mode {self.mode!r}")

    async def still_valid(self, principal: Principal) -> bool:
        """Whether a long-lived connection's credentials still hold (revocation, expiry)."""
        if principal.expires_at is not None and time.time() >= principal.expires_at:
            return False
        if principal.credential_id is not None:
            return await tokens.token_is_active(principal.credential_id)
        return True
