"""Status fan-out across replicas: PostgreSQL NOTIFY from the publisher, LISTEN on every replica.

The publishing replica (the poller's leader, or whichever replica served a mutation) sends
``pg_notify`` with small JSON payloads — ``[[job id, namespace, sequence, phase, deleted],
...]``, split so each stays far below PostgreSQL's 8000-byte limit. Every replica LISTENs on
its own dedicated asyncpg connection (never a pooled one: with ``DB_POOL_RESET=full`` a pool's
reset runs ``UNLISTEN *``, and the default reset relies on pooled connections holding no
session state, app.db.config), reads the matching ``job_events`` rows in one query per
notification to restore reason, message and time (only for jobs a subscriber here follows),
and delivers through the in-process hub. When the listening connection
drops it is re-established with capped, jittered backoff, and every subscriber is told to
re-read the database (it may have missed notifications meanwhile).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

from app.db.models import JobEvent
from app.jobstate.updates import JobUpdate
from app.live.hub import StatusHub

log = logging.getLogger(__name__)

#: Below PostgreSQL's 8000-byte NOTIFY payload limit, with room to spare.
MAX_PAYLOAD_BYTES = 7000
#: Updates sent in one statement at most (a bound on its size, ~50 payloads).
MAX_UPDATES_PER_SEND = 5000
#: Every payload of a send, in one statement, in order (PostgreSQL evaluates a select
#: list's volatile functions after ORDER BY).
NOTIFY_ALL = (
    "SELECT pg_notify($1, payload) FROM unnest($2::text[]) WITH ORDINALITY AS p(payload, n)"
    " ORDER BY n"
)


def asyncpg_dsn(database_url: str) -> str:
    """The DATABASE_URL as asyncpg accepts it (Tortoise-only query options dropped)."""
    parts = urlsplit(database_url)
    scheme = "postgresql"
    kept = [(k, v) for k, v in parse_qsl(parts.query) if k in ("sslmode", "application_name")]
    return urlunsplit((scheme, parts.netloc, parts.path, urlencode(kept), ""))


def channel_for(instance_id: str) -> str:
    """The NOTIFY channel of one installation (several may share a database server)."""
    return "ml_platform_status_" + re.sub(r"[^a-z0-9_]", "_", instance_id.lower())


def encode_payloads(updates: list[JobUpdate]) -> list[str]:
    """Split updates into JSON payloads each under ``MAX_PAYLOAD_BYTES``."""
    payloads: list[str] = []
    batch: list[str] = []
    size = 2
    for update in updates:
        entry = json.dumps(
            [update.job_id, update.namespace, update.sequence, update.phase, int(update.deleted)],
            separators=(",", ":"),
        )
        if batch and size + len(entry) + 1 > MAX_PAYLOAD_BYTES:
            payloads.append("[" + ",".join(batch) + "]")
            batch, size = [], 2
        batch.append(entry)
        size += len(entry) + 1
    if batch:
        payloads.append("[" + ",".join(batch) + "]")
    return payloads


def decode_payload(payload: str) -> list[tuple[str, str, int, str, bool]]:
    entries = json.loads(payload)
    return [(str(i), str(ns), int(seq), str(ph), bool(d)) for i, ns, seq, ph, d in entries]


async def updates_for(entries: list[tuple[str, str, int, str, bool]]) -> list[JobUpdate]:
    """Full updates (reason, message, time from ``job_events``) for notified transitions."""
    wanted = {(job_id, seq) for job_id, _, seq, _, deleted in entries if not deleted}
    events: dict[tuple[str, int], Any] = {}
    if wanted:
        rows = await JobEvent.filter(
            job_id__in=list({j for j, _ in wanted}),
            sequence__gte=min(s for _, s in wanted),
        ).values("job_id", "sequence", "reason", "message", "at")
        events = {(r["job_id"], r["sequence"]): r for r in rows}
    updates = []
    for job_id, namespace, seq, phase, deleted in entries:
        event = events.get((job_id, seq))
        if deleted or event is None:
            # Deleted jobs have no event; a missing event (purged meanwhile) still wakes
            # the subscriber, which re-reads the database on a gap.
            updates.append(
                JobUpdate(job_id, namespace, seq, phase, "", "", _now(), deleted=deleted)
            )
        else:
            updates.append(
                JobUpdate(
                    job_id, namespace, seq, phase, event["reason"], event["message"], event["at"]
                )
            )
    return updates


def _now() -> Any:
    from app.db.history import utcnow

    return utcnow()


class PgStatusBridge:
    """Relay hub publications through NOTIFY; LISTEN and deliver on this replica."""

    def __init__(
        self, dsn: str, hub: StatusHub, channel: str, *, health_check_seconds: float = 5.0
    ) -> None:
        self.dsn = dsn
        self.hub = hub
        self.channel = channel
        self.health_check_seconds = health_check_seconds
        #: Set while the LISTEN connection is up.
        self.listening = asyncio.Event()
        #: How many times the listener connection was (re-)established.
        self.connections = 0
        self.notifications = 0
        self._outbox: asyncio.Queue[list[JobUpdate]] = asyncio.Queue()
        self._inbox: asyncio.Queue[str] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._listener: asyncpg.Connection | None = None

    async def start(self) -> None:
        self.hub.relay = self._outbox.put_nowait
        self._tasks = [
            asyncio.create_task(self._listen_forever(), name="pg-listen"),
            asyncio.create_task(self._deliver_forever(), name="pg-deliver"),
            asyncio.create_task(self._send_forever(), name="pg-notify"),
        ]

    async def stop(self) -> None:
        self.hub.relay = None
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._listener is not None and not self._listener.is_closed():
            self._listener.terminate()

    async def listener_pid(self) -> int | None:
        """The backend pid of the LISTEN connection (tests terminate it)."""
        conn = self._listener
        return None if conn is None or conn.is_closed() else conn.get_server_pid()

    # -- sending ------------------------------------------------------------------------

    async def _send_forever(self) -> None:
        conn: asyncpg.Connection | None = None
        while True:
            updates = list(await self._outbox.get())
            # Whatever else was published meanwhile goes with it: one round trip for all
            # (each was a statement of its own, 8% of the server's CPU per createJob).
            while not self._outbox.empty() and len(updates) < MAX_UPDATES_PER_SEND:
                updates.extend(self._outbox.get_nowait())
            payloads = encode_payloads(updates)
            for attempt in range(3):
                try:
                    if conn is None or conn.is_closed():
                        conn = await asyncpg.connect(self.dsn)
                    # Notifications of one statement are delivered in the order sent.
                    await conn.execute(NOTIFY_ALL, self.channel, payloads)
                    break
                except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                    log.warning("NOTIFY failed (%s), attempt %d", exc, attempt + 1)
                    conn = None
                    await asyncio.sleep(0.2 * (attempt + 1))
            else:
                # Other replicas' subscribers back-fill on their next gap; ours get it now.
                self.hub.deliver(updates)

    # -- listening ----------------------------------------------------------------------

    def _on_notify(self, conn: Any, pid: int, channel: str, payload: str) -> None:
        self.notifications += 1
        self._inbox.put_nowait(payload)

    async def _deliver_forever(self) -> None:
        while True:
            payload = await self._inbox.get()
            try:
                # Only what a subscriber here follows costs a read of job_events: a worker or
                # replica without subscribers of these jobs skips the round trip. One that
                # subscribes meanwhile reads the committed state itself first.
                notified = decode_payload(payload)
                # Every entry, followed here or not, may change a cached job list.
                self.hub.notified((job_id, seq, deleted) for job_id, _, seq, _, deleted in notified)
                entries = [e for e in notified if self.hub.wanted(e[0], e[1])]
                if entries:
                    self.hub.deliver(await updates_for(entries), notified=True)
            except Exception:
                log.exception("could not deliver a status notification; subscribers re-read")
                self.hub.resync()

    async def _listen_forever(self) -> None:
        failures = 0
        while True:
            lost = asyncio.Event()
            try:
                conn = await asyncpg.connect(self.dsn)
                conn.add_termination_listener(lambda _c, lost=lost: lost.set())
                await conn.add_listener(self.channel, self._on_notify)
                self._listener = conn
                self.connections += 1
                self.listening.set()
                failures = 0
                if self.connections > 1:
                    # Notifications sent while we were away are gone: re-read the database.
                    self.hub.resync()
                await self._watch_connection(conn, lost)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
                log.warning("status listener connection failed: %s", exc)
            self.listening.clear()
            failures += 1
            delay = min(10.0, 0.1 * 2 ** min(failures, 7)) * random.uniform(0.8, 1.2)
            await asyncio.sleep(delay)

    async def _watch_connection(self, conn: asyncpg.Connection, lost: asyncio.Event) -> None:
        """Return when the connection is gone (terminated, or no longer answering)."""
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), timeout=self.health_check_seconds)
                break
            try:
                await asyncio.wait_for(conn.fetchval("SELECT 1"), self.health_check_seconds)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
                break
        if not conn.is_closed():
            conn.terminate()
        log.warning("status listener connection lost; reconnecting")
