"""API tokens (AUTH_MODE=token): created once, stored only as a hash, revocable.

A token reads ``mlp_<id>_<secret>``: the id names the row (for ``token list``/``revoke``),
the secret carries 256 bits of randomness. Only SHA-256 of the whole token is stored; a
fast hash is enough because the secret is random, not a password.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from app.auth.principal import ALL_NAMESPACES, Principal, Role, grants_for
from app.db.models import ApiToken

TOKEN_PREFIX = "mlp_"
_TOKEN_SHAPE = re.compile(r"^mlp_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$")
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


@dataclass(frozen=True)
class TokenInfo:
    """What ``token list`` shows: never the secret or its hash."""

    id: str
    user: str
    role: str
    namespaces: list[str]
    created_at: datetime
    created_by: str | None
    revoked_at: datetime | None
    last_used_at: datetime | None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(value: str) -> bool:
    return bool(_TOKEN_SHAPE.match(value))


def parse_namespaces(text: str) -> list[str]:
    """``a,b`` -> ["a", "b"]; ``*`` for every namespace. ValueError on a bad name."""
    names = sorted({n.strip() for n in text.split(",") if n.strip()})
    if not names:
        raise ValueError("give at least one namespace (or '*')")
    for name in names:
        if name != ALL_NAMESPACES and not _NAMESPACE.match(name):
            raise ValueError(f"{name!r} is not a namespace name")
    return names


def _info(row: ApiToken) -> TokenInfo:
    return TokenInfo(
        row.id, row.user, row.role, list(row.namespaces), row.created_at, row.created_by,
        row.revoked_at, row.last_used_at,
    )


async def create_token(
    user: str, role: Role, namespaces: Sequence[str], created_by: str | None = None
) -> tuple[str, TokenInfo]:
    """Store a new token; return the secret token (shown once) and its listing."""
    if not user.strip() or len(user) > 128:
        raise ValueError("user must be 1-128 characters")
    token_id = secrets.token_hex(8)
    token = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    row = await ApiToken.create(
        id=token_id,
        user=user.strip(),
        role=role.label,
        namespaces=list(namespaces),
        token_hash=hash_token(token),
        created_at=datetime.now(UTC),
        created_by=created_by,
    )
    return token, _info(row)


async def list_tokens(include_revoked: bool = True) -> list[TokenInfo]:
    query = ApiToken.all() if include_revoked else ApiToken.filter(revoked_at__isnull=True)
    return [_info(r) for r in await query.order_by("created_at", "id")]


async def revoke_token(token_id: str) -> bool:
    """Revoke by id; False if there is no such active token."""
    updated = await ApiToken.filter(id=token_id, revoked_at__isnull=True).update(
        revoked_at=datetime.now(UTC)
    )
    return bool(updated)


async def principal_for_token(token: str) -> Principal | None:
    """The caller a presented token stands for, or None (unknown, malformed or revoked)."""
    if not looks_like_token(token):
        return None
    row = await ApiToken.get_or_none(token_hash=hash_token(token), revoked_at__isnull=True)
    if row is None:
        return None
    now = datetime.now(UTC)
    last = row.last_used_at
    # Record use at most once a minute: a write per request would be wasteful.
    if last is None or (now - last).total_seconds() > 60:
        await ApiToken.filter(id=row.id).update(last_used_at=now)
    try:
        role = Role.parse(row.role)
    except ValueError:
        return None
    return Principal(row.user, grants_for(role, row.namespaces), credential_id=row.id)


async def token_is_active(token_id: str) -> bool:
    return await ApiToken.filter(id=token_id, revoked_at__isnull=True).exists()
