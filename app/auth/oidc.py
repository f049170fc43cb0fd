"""OIDC (AUTH_MODE=oidc): verify a JWT against the issuer's JWKS and map its claims.

Checked: signature (asymmetric algorithms only, key chosen by ``kid``), ``iss``, ``aud``,
``exp`` (required), ``nbf``/``iat`` when present. Keys rotate: a ``kid`` not in the cached
key set triggers one re-read of the JWKS, at most once per ``min_refresh_seconds`` so forged
tokens with random ``kid``s cannot make us hammer the issuer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jwt

from app.auth.principal import Principal, Role, grants_for, merge_grants

log = logging.getLogger(__name__)

#: Signature algorithms accepted; symmetric ones (HS*) and ``none`` never are.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]
LEEWAY_SECONDS = 10


class TokenRejected(Exception):
    """The JWT is not acceptable; the message is for the log, never the reply."""


@dataclass(frozen=True)
class GroupGrant:
    role: Role
    namespaces: tuple[str, ...]


def parse_group_roles(raw: Mapping[str, Mapping[str, Any]]) -> dict[str, GroupGrant]:
    """OIDC_GROUP_ROLES -> grants; ValueError names the bad entry."""
    grants: dict[str, GroupGrant] = {}
    for group, entry in raw.items():
        try:
            role = Role.parse(str(entry["role"]))
            namespaces = tuple(str(n) for n in entry.get("namespaces", []))
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(f"OIDC_GROUP_ROLES[{group!r}]: {exc}") from None
        if role is not Role.ADMIN and not namespaces:
            raise ValueError(f"OIDC_GROUP_ROLES[{group!r}]: give namespaces (or ['*'])")
        grants[group] = GroupGrant(role, namespaces)
    return grants


def principal_for_identity(
    user: str, groups: Sequence[str], group_roles: Mapping[str, GroupGrant],
    expires_at: float | None = None,
) -> Principal:
    """A user and their groups -> a principal (no mapped group: no access at all)."""
    grants = merge_grants(
        *(grants_for(g.role, g.namespaces) for name in groups if (g := group_roles.get(name)))
    )
    return Principal(user, grants, expires_at=expires_at)


def _fetch_json(url: str, timeout: float) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as answer:
        return json.loads(answer.read(1_048_576))


class JwksCache:
    """The issuer's signing keys by ``kid``, re-read on an unknown ``kid``."""

    def __init__(self, url: str, min_refresh_seconds: float = 10.0, timeout: float = 5.0):
        self.url = url
        self.min_refresh_seconds = min_refresh_seconds
        self.timeout = timeout
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> jwt.PyJWK | None:
        if kid in self._keys:
            return self._keys[kid]
        async with self._lock:
            due = (
                self._fetched_at is None
                or time.monotonic() - self._fetched_at >= self.min_refresh_seconds
            )
            if kid not in self._keys and due:
                await self._refresh()
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            document = await asyncio.to_thread(_fetch_json, self.url, self.timeout)
        except (OSError, ValueError) as exc:
            log.warning("could not read the JWKS at %s: %s", self.url, exc)
            return
        keys: dict[str, jwt.PyJWK] = {}
        for entry in document.get("keys", []) if isinstance(document, dict) else []:
            try:
                key = jwt.PyJWK(entry)
            except (jwt.PyJWTError, ValueError, TypeError, KeyError):
                continue  # a key type we do not use; the others still count
            if key.key_id:
                keys[key.key_id] = key
        self._keys = keys


class OidcVerifier:
    """Verify bearer JWTs and turn them into principals."""

    def __init__(
        self, issuer: str, audience: str, jwks: JwksCache, group_roles: Mapping[str, GroupGrant],
        user_claim: str = "preferred_username", groups_claim: str = "groups",
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.jwks = jwks
        self.group_roles = group_roles
        self.user_claim = user_claim
        self.groups_claim = groups_claim

    async def verify(self, token: str) -> Principal:
        """The token's principal; TokenRejected if anything is wrong with it."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise TokenRejected(f"malformed JWT: {exc}") from None
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in ALGORITHMS:
            raise TokenRejected(f"algorithm {alg!r} is not accepted")
        if not isinstance(kid, str):
            raise TokenRejected("JWT has no kid")
        key = await self.jwks.key(kid)
        if key is None:
            raise TokenRejected(f"no signing key {kid!r} in the issuer's JWKS")
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=[alg], audience=self.audience, issuer=self.issuer,
                leeway=LEEWAY_SECONDS, options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise TokenRejected(str(exc)) from None
        user = claims.get(self.user_claim) or claims.get("sub")
        if not isinstance(user, str) or not user:
            raise TokenRejected(f"JWT has no {self.user_claim!r} or sub claim")
        groups = claims.get(self.groups_claim) or []
        if not isinstance(groups, list):
            groups = []
        return principal_for_identity(
            user, [g for g in groups if isinstance(g, str)], self.group_roles,
            expires_at=float(claims["exp"]),
        )
