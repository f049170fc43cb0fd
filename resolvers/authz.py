"""Authorization checks every resolver applies (roles per namespace, see app.auth.principal).

A job in a namespace the caller may not read is reported exactly like a missing one; a
caller who may read but not change a namespace gets Forbidden.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any, TypeVar

from app.auth.principal import Principal
from resolvers.context import Context
from resolvers.credential_watch import CredentialWatch
from resolvers.errors import ResolverError

T = TypeVar("T")


class AccessDenied(ResolverError):
    """Base of the authorization failures; ``code`` goes to GraphQL's extensions."""

    code = "FORBIDDEN"


class Unauthenticated(AccessDenied):
    code = "UNAUTHENTICATED"

    def __init__(self, message: str = "Authentication required") -> None:
        super().__init__(message)


class Forbidden(AccessDenied):
    code = "FORBIDDEN"

    def __init__(self, message: str = "Not allowed") -> None:
        super().__init__(message)


def principal_of(ctx: Context) -> Principal:
    if ctx.principal is None:
        raise Unauthenticated()
    return ctx.principal


def can_read(ctx: Context, namespace: str) -> bool:
    return ctx.principal is not None and ctx.principal.can_read(namespace)


def can_mutate(ctx: Context, namespace: str) -> bool:
    return ctx.principal is not None and ctx.principal.can_mutate(namespace)


def require_mutate(ctx: Context, namespace: str) -> None:
    """Forbidden unless the caller is an editor (or admin) of ``namespace``."""
    if not principal_of(ctx).can_mutate(namespace):
        raise Forbidden(f"not allowed to change jobs in namespace {namespace!r}")


def require_admin(ctx: Context) -> None:
    if not principal_of(ctx).is_admin:
        raise Forbidden("admin role required")


def visible_namespaces(ctx: Context) -> frozenset[str] | None:
    """Namespaces the caller may read (None: all). Unauthenticated: none."""
    if ctx.principal is None:
        return frozenset()
    return ctx.principal.visible_namespaces


def require_authenticated(ctx: Context) -> Principal:
    return principal_of(ctx)


async def guard_stream(
    ctx: Context, stream: AsyncIterator[T], interval_seconds: float
) -> AsyncIterator[T]:
    """Pass ``stream`` through, ending it with Unauthenticated once the credentials fail.

    The connection's credentials (revocation, expiry) are re-checked every
    ``interval_seconds`` by one watch per connection (resolvers.credential_watch), so a
    revoked token or an expired JWT ends an open subscription within one interval, even
    while the stream is idle. Without a check (AUTH_MODE=none) the stream passes as is.
    """
    principal_of(ctx)
    iterator = aiter(stream)
    check = ctx.credentials_valid
    if check is None:
        try:
            async for item in iterator:
                yield item
        finally:
            await _close(iterator)
        return
    if ctx.credential_watch is None:
        ctx.credential_watch = CredentialWatch(check, interval_seconds)
    watch = ctx.credential_watch
    revoked = watch.attach()
    pending: asyncio.Future[T] | None = None
    try:
        while True:
            if revoked.done():
                raise Unauthenticated("credentials revoked or expired")
            pending = asyncio.ensure_future(anext(iterator))
            waiting: set[asyncio.Future[Any]] = {pending, revoked}
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            waiting.clear()
            if revoked.done():
                raise Unauthenticated("credentials revoked or expired")
            try:
                item = pending.result()
            except StopAsyncIteration:
                # The finished task holds the exception, whose traceback holds this frame:
                # drop the task so that cycle does not wait for the garbage collector.
                pending = None
                return
            pending = None
            yield item
    finally:
        watch.detach()
        if pending is not None:
            # Also when it is done: a stream that ended as the revocation (or a cancel) won
            # holds StopAsyncIteration, which asyncio logs as never retrieved otherwise.
            if not pending.done():
                pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration, Exception):
                await pending
        await _close(iterator)


async def _close(iterator: AsyncIterator[T]) -> None:
    close = getattr(iterator, "aclose", None)
    if close is not None:
        with contextlib.suppress(Exception):
            await close()
