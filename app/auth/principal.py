"""Who is calling and what they may do: roles granted per namespace (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum

#: The namespace key of a grant that covers every namespace.
ALL_NAMESPACES = "*"


class Role(IntEnum):
    """Ordered: each role may do everything the previous one may."""

    VIEWER = 1  # read jobs, events, logs, clusters
    EDITOR = 2  # also create, stop, retry and delete jobs
    ADMIN = 3  # everything in every namespace, including API tokens

    @classmethod
    def parse(cls, value: str) -> Role:
        """``viewer`` / ``editor`` / ``admin`` (case-insensitive); ValueError otherwise."""
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown role {value!r}; use viewer, editor or admin") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Principal:
    """An authenticated caller.

    ``grants`` maps a namespace (or ``*``) to the caller's role there. ``credential_id``
    names the API token it came from (re-checked while a subscription stays open) and
    ``expires_at`` is the JWT expiry (epoch seconds), if any.
    """

    user: str
    grants: Mapping[str, Role] = field(default_factory=dict)
    credential_id: str | None = None
    expires_at: float | None = None

    def role_in(self, namespace: str) -> Role | None:
        roles = [r for k, r in self.grants.items() if k in (namespace, ALL_NAMESPACES)]
        return max(roles) if roles else None

    def can_read(self, namespace: str) -> bool:
        return self.role_in(namespace) is not None

    def can_mutate(self, namespace: str) -> bool:
        role = self.role_in(namespace)
        return role is not None and role >= Role.EDITOR

    @property
    def is_admin(self) -> bool:
        return self.grants.get(ALL_NAMESPACES) == Role.ADMIN

    @property
    def visible_namespaces(self) -> frozenset[str] | None:
        """The namespaces the caller may read; None means all of them."""
        if ALL_NAMESPACES in self.grants:
            return None
        return frozenset(self.grants)


def grants_for(role: Role, namespaces: Iterable[str]) -> dict[str, Role]:
    """One role over some namespaces; an admin always covers every namespace."""
    if role is Role.ADMIN:
        return {ALL_NAMESPACES: Role.ADMIN}
    return {ns: role for ns in namespaces}


def merge_grants(*parts: Mapping[str, Role]) -> dict[str, Role]:
    """The union of several grants, keeping the strongest role per namespace."""
    merged: dict[str, Role] = {}
    for part in parts:
        for ns, role in part.items():
            merged[ns] = max(role, merged.get(ns, role))
    return merged


#: The caller when AUTH_MODE=none: the embedded, single-user default.
ANONYMOUS_ADMIN = Principal(user="anonymous", grants={ALL_NAMESPACES: Role.ADMIN})
