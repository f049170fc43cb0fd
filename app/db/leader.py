"""Leader election: a session advisory lock on a dedicated asyncpg connection (docs/live-status.md).

Only the leader runs the poller. The lock lives exactly as long as its connection, so it is
never taken from a pool (a pooled connection serves other queries in between, and with
``DB_POOL_RESET=full`` its reset runs ``pg_advisory_unlock_all()``; the default reset relies
on no pooled connection holding session state, app.db.config). When the
connection drops (PostgreSQL restarted, the backend was terminated, the network broke) the
leader stops its term at once; another replica's ``pg_try_advisory_lock`` succeeds within
its retry period. Without PostgreSQL (SQLite, one process) this replica is always leader.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import asyncpg

from app.observability import metrics

log = logging.getLogger(__name__)

Term = Callable[[asyncio.Event], Coroutine[Any, Any, None]]

_DB_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError)


def lock_key(instance_id: str) -> int:
    """A stable signed 64-bit advisory-lock key per installation."""
    digest = hashlib.sha256(f"ml-platform-poller:{instance_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class LeaderElection:
    def __init__(
        self,
        dsn: str | None,
        key: int,
        *,
        retry_seconds: float = 2.0,
        check_seconds: float = 1.0,
    ) -> None:
        self.dsn = dsn
        self.key = key
        self.retry_seconds = retry_seconds
        self.check_seconds = check_seconds
        #: Set while this replica holds the lock and runs its term.
        self.is_leader = asyncio.Event()
        #: Number of terms this replica has started.
        self.terms = 0
        #: Lock attempts that found the lock held by another replica (or PostgreSQL away).
        self.failed_attempts = 0
        self._conn: asyncpg.Connection | None = None

    async def run(self, term: Term, stop: asyncio.Event) -> None:
        """Campaign until ``stop``; run ``term(term_stop)`` while leader."""
        if self.dsn is None:
            self.terms += 1
            self._set_leader(True)
            try:
                await term(stop)
            finally:
                self._set_leader(False)
            return
        while not stop.is_set():
            conn = await self._try_acquire()
            if conn is None:
                self.failed_attempts += 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.retry_seconds)
                continue
            await self._lead(conn, term, stop)
            # Having just lost the lock, step back for a while so a healthy replica that is
            # already campaigning wins it, rather than this one again.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=2 * self.retry_seconds)

    async def _try_acquire(self) -> asyncpg.Connection | None:
        assert self.dsn is not None
        try:
            conn = await asyncpg.connect(self.dsn, timeout=self.retry_seconds * 2)
        except _DB_ERRORS as exc:
            log.warning("leader election: cannot reach PostgreSQL: %s", exc)
            return None
        try:
            if await conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key):
                return conn
        except _DB_ERRORS as exc:
            log.warning("leader election: lock query failed: %s", exc)
        conn.terminate()
        return None

    async def _lead(self, conn: asyncpg.Connection, term: Term, stop: asyncio.Event) -> None:
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _c: lost.set())
        term_stop = asyncio.Event()
        self._conn = conn
        self.terms += 1
        self._set_leader(True)
        log.info("leader election: this replica is the leader (term %d)", self.terms)
        task: asyncio.Task[None] = asyncio.create_task(term(term_stop), name="leader-term")
        try:
            while not (stop.is_set() or lost.is_set() or task.done()):
                waiters = [asyncio.ensure_future(e.wait()) for e in (stop, lost)]
                done, _pending = await asyncio.wait(
                    [*waiters, task], timeout=self.check_seconds, return_when="FIRST_COMPLETED"
                )
                for waiter in waiters:
                    waiter.cancel()
                if not done:
                    try:
                        await asyncio.wait_for(conn.fetchval("SELECT 1"), self.check_seconds)
                    except _DB_ERRORS:
                        lost.set()
        finally:
            self._set_leader(False)
            term_stop.set()
            with contextlib.suppress(Exception):
                await task
            if lost.is_set():
                log.warning("leader election: lost the lock connection; term ended")
            if not conn.is_closed():
                # Closing the session releases the lock for the next leader.
                with contextlib.suppress(*_DB_ERRORS):
                    await asyncio.wait_for(conn.close(), self.check_seconds)
                if not conn.is_closed():
                    conn.terminate()
            self._conn = None

    def _set_leader(self, leading: bool) -> None:
        if leading:
            self.is_leader.set()
        else:
            self.is_leader.clear()
        # Also refreshed on scrape; set here so every worker's value is current (with
        # several workers a scrape reaches one of them, and the gauge sums them).
        metrics.LEADER.set(1 if leading else 0)

    async def lock_pid(self) -> int | None:
        """The backend pid holding the lock while leader (tests terminate it)."""
        conn = self._conn
        return None if conn is None or conn.is_closed() else conn.get_server_pid()
