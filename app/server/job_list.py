"""``GET /api/v1/jobs``, the old UI's whole-array poll: encoded once, shared by every poller.

The React frontend polls the whole list every 5 s per tab. Rendering it per poll (a model
per row, JSON decoded and re-encoded) cost ~0.8 s of CPU at 10,000 jobs (issue 17), so:

- rows come raw from ``app.db.job_list`` and are encoded by orjson, each job's request
  (read once per job) with exactly the ``json.dumps`` call Starlette's ``JSONResponse``
  makes, each distinct row once (``ListEncoder``): the body is byte-for-byte today's;
- one rendered answer per (visible namespaces, query) is kept until the hub reports a change
  (this replica's publications, every replica's through NOTIFY, resync) and re-checked
  against ``app.db.job_list.fingerprint`` once it is older than a poll interval (writes that
  publish nothing: purge, another process; the summary is shared for one interval, so
  those show within about two);
- concurrent pollers of a stale answer wait for one rebuild, not one each;
- answers carry a weak ``ETag`` (a hash of the body: equal bodies, equal tags, on every
  replica) and ``If-None-Match`` gets 304; gzip is computed once per answer, off the loop.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import orjson

from app.db import job_list as job_list_rows
from app.jobstate.phases import Phase

#: Rendered answers kept, by total body size (an attacker varying offsets cannot grow it).
MAX_CACHED_BYTES = 64 * 1024 * 1024
#: Bodies shorter than this are sent uncompressed (gzip would not pay for its headers).
GZIP_MIN_BYTES = 1024
#: zlib's fastest level: the list shrinks ~8x already, at a third of level 6's CPU, and it
#: is compressed again on every change.
GZIP_LEVEL = 1

_REST_PHASE = {phase.value: phase.rest for phase in Phase}

K = TypeVar("K")
V = TypeVar("V")


def rest_time(value: datetime) -> str:
    """``app.server.rest.rfc3339`` without its isoformat/replace round (20,000 per list)."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (  # noqa: UP031 - fastest here
        value.year, value.month, value.day, value.hour, value.minute, value.second,
        value.microsecond // 1000,
    )


def _rest_phase(status: str) -> str:
    rest = _REST_PHASE.get(status)
    return rest if rest is not None else Phase(status).rest  # unknown: the same ValueError


class TwoGenerations(Generic[K, V]):
    """A cache in two generations: a hit moves its entry to the current one; when that is
    full it becomes the previous one and the old previous is dropped.

    ``fit(n)`` after a render of ``n`` entries sizes a generation to twice the largest render
    seen, between ``floor`` and ``cap``: a list of the newest 50 jobs keeps about a thousand
    entries, a full list of 10,000 keeps them all. (A fixed 50,000 let a soak's changing
    rows fill 100,000 entries for a 50-row list.)
    """

    def __init__(self, cap: int, floor: int = 1024) -> None:
        self.cap = cap
        self.size = min(cap, floor)
        self._current: dict[K, V] = {}
        self._previous: dict[K, V] = {}

    def __len__(self) -> int:
        return len(self._current) + len(self._previous)

    def fit(self, entries: int) -> None:
        self.size = min(self.cap, max(self.size, 2 * entries))

    def get(self, key: K) -> V | None:
        value = self._current.get(key)
        if value is None:
            value = self._previous.pop(key, None)
            if value is not None:
                self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        if len(self._current) >= self.size:
            self._previous, self._current = self._current, {}
        self._current[key] = value


class RequestFragments:
    """job id -> its stored request as the bytes of today's body, each computed once.

    Today's body decodes the column and ``json.dumps`` it (Python float notation, e.g.
    ``1e-05``); orjson writes floats differently, so ``_fragment`` makes exactly that call.
    A request never changes once stored (retry makes a new job), so it is read from the
    database and encoded only for jobs not seen before: most of a list's bytes are then
    neither read nor encoded again. Two generations bound the memory to about twice the
    largest list rendered.
    """

    def __init__(self, generation_size: int = 50_000) -> None:
        self.fragments: TwoGenerations[str, orjson.Fragment] = TwoGenerations(generation_size)

    async def of(self, rows: Sequence[Sequence[Any]]) -> dict[str, orjson.Fragment]:
        """The fragment of every row's job (rows without one, deleted meanwhile: absent)."""
        r = job_list_rows
        self.fragments.fit(len(rows))
        found: dict[str, orjson.Fragment] = {}
        missing: list[str] = []
        for row in rows:
            job_id = row[r.ID]
            fragment = self.fragments.get(job_id)
            if fragment is None:
                missing.append(job_id)
            else:
                found[job_id] = fragment
        if missing:
            for job_id, text in (await r.request_texts(missing)).items():
                fragment = _fragment(json.loads(text) if isinstance(text, str) else text)
                self.fragments.put(job_id, fragment)
                found[job_id] = fragment
        return found


def _fragment(document: Any) -> orjson.Fragment:
    # Exactly starlette.responses.JSONResponse.render's call.
    return orjson.Fragment(
        json.dumps(
            document, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
        ).encode("utf-8")
    )


def _encode_row(row: Sequence[Any], request: orjson.Fragment) -> bytes:
    """One job of the REST list, as ``JSONResponse([job_response(job), ...])`` writes it."""
    r = job_list_rows
    return orjson.dumps(
        {
            "id": row[r.ID],
            "jobName": row[r.JOB_NAME],
            "namespace": row[r.NAMESPACE],
            "algorithm": row[r.ALGORITHM],
            "priority": row[r.PRIORITY],
            "request": request,
            "status": _rest_phase(row[r.STATUS]),
            "message": row[r.MESSAGE],
            "createdAt": rest_time(row[r.CREATED]),
            "updatedAt": rest_time(row[r.UPDATED]),
        }
    )


class ListEncoder:
    """Raw ``app.db.job_list`` rows -> the REST list body, byte-compatible with
    ``JSONResponse([job_response(job), ...])``.

    A row's bytes depend only on its nine columns and its request, so each distinct row is
    encoded once and the body is a join of cached pieces: after a change only the changed
    jobs are encoded again (at 10,000 jobs that turned a 55 ms render into a join).
    """

    def __init__(self, generation_size: int = 50_000) -> None:
        self.requests = RequestFragments(generation_size)
        self.rows: TwoGenerations[tuple[Any, ...], bytes] = TwoGenerations(generation_size)

    async def render(self, rows: Sequence[Sequence[Any]]) -> bytes:
        self.rows.fit(len(rows))
        parts: list[bytes | None] = []
        missing: list[tuple[int, tuple[Any, ...], Sequence[Any]]] = []
        for row in rows:
            key = tuple(row)
            part = self.rows.get(key)
            if part is None:
                missing.append((len(parts), key, row))
            parts.append(part)
        if missing:
            requests = await self.requests.of([row for _, _, row in missing])
            for index, key, row in missing:
                request = requests.get(row[job_list_rows.ID])
                if request is not None:  # else deleted between the two reads: left out
                    parts[index] = part = _encode_row(row, request)
                    self.rows.put(key, part)
        return b"[" + b",".join([p for p in parts if p is not None]) + b"]"


async def render(rows: Sequence[Sequence[Any]], encoder: ListEncoder) -> bytes:
    return await encoder.render(rows)


@dataclass(eq=False)
class Rendered:
    """One rendered list: the body, its tag, its gzip form once someone asked for it."""

    body: bytes
    etag: str
    generation: int
    #: None: not taken (a short list is rebuilt more cheaply than the table is summed).
    fingerprint: tuple[Any, ...] | None
    checked_at: float
    _gzipped: asyncio.Future[bytes] | None = field(default=None, repr=False)

    def start_gzip(self) -> asyncio.Future[bytes]:
        if self._gzipped is None:
            self._gzipped = asyncio.ensure_future(
                asyncio.to_thread(gzip.compress, self.body, GZIP_LEVEL, mtime=0)
            )
        return self._gzipped

    async def gzipped(self) -> bytes:
        return await asyncio.shield(self.start_gzip())

    @property
    def size(self) -> int:
        return len(self.body)


class JobListCache:
    """Rendered lists by key; stale after a hub change, re-checked after ``max_age``."""

    def __init__(
        self,
        max_age_seconds: float,
        *,
        max_bytes: int = MAX_CACHED_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_age = max_age_seconds
        self.max_bytes = max_bytes
        self.clock = clock
        self.encoder = ListEncoder()
        #: Bumped by every hub change; an answer built under an older one is stale.
        self.generation = 0
        self.builds = 0
        #: Set once a caller accepted gzip: later answers are compressed while being built.
        self.gzip_wanted = False
        self._entries: OrderedDict[Hashable, Rendered] = OrderedDict()
        self._bytes = 0
        self._pending: dict[Hashable, tuple[int, asyncio.Future[Rendered]]] = {}
        self._fingerprint: asyncio.Future[tuple[Any, ...]] | None = None
        self._fingerprint_at = -1.0

    def invalidate(self) -> None:
        self.generation += 1

    async def get(
        self,
        key: Hashable,
        fetch: Callable[[], Awaitable[Sequence[Sequence[Any]]]],
        *,
        fingerprinted: bool = True,
    ) -> Rendered:
        """The answer for ``key``; ``fingerprinted=False`` for short lists (a ``limit``): once
        older than ``max_age`` they are rebuilt, which costs less than summing the table."""
        entry = self._entries.get(key)
        if entry is not None and entry.generation == self.generation:
            if self.clock() - entry.checked_at <= self.max_age:
                self._entries.move_to_end(key)
                return entry
            if (
                entry.fingerprint is not None
                and await self._current_fingerprint() == entry.fingerprint
                and entry.generation == self.generation
            ):
                entry.checked_at = self.clock()
                return entry
        # Join a rebuild only if it started after the last change: one that began before
        # could miss it, and this poll must see it.
        generation, pending = self._pending.get(key, (-1, None))
        if pending is None or generation != self.generation:
            pending = asyncio.ensure_future(self._build(key, fetch, fingerprinted))
            self._pending[key] = (self.generation, pending)
            pending.add_done_callback(lambda done: self._forget(key, done))
        return await asyncio.shield(pending)

    def _forget(self, key: Hashable, done: asyncio.Future[Rendered]) -> None:
        if self._pending.get(key, (0, None))[1] is done:
            del self._pending[key]

    async def _current_fingerprint(self) -> tuple[Any, ...]:
        """The table's fingerprint, read at most once per ``max_age`` for all keys."""
        now = self.clock()
        if self._fingerprint is None or now - self._fingerprint_at > self.max_age:
            self._fingerprint_at = now
            self._fingerprint = asyncio.ensure_future(job_list_rows.fingerprint())
        try:
            return await asyncio.shield(self._fingerprint)
        except Exception:
            self._fingerprint = None  # the next poll asks again
            raise

    async def _build(
        self,
        key: Hashable,
        fetch: Callable[[], Awaitable[Sequence[Sequence[Any]]]],
        fingerprinted: bool,
    ) -> Rendered:
        generation = self.generation
        checked_at = self.clock()
        # Before the rows: a change between the two shows as a different fingerprint later.
        fingerprint = await job_list_rows.fingerprint() if fingerprinted else None
        body = await self.encoder.render(await fetch())
        rendered = Rendered(body, "", generation, fingerprint, checked_at)
        if self.gzip_wanted and rendered.size >= GZIP_MIN_BYTES:
            # Compress alongside the hash (zlib and hashlib release the GIL: two cores).
            rendered.start_gzip()
        digest = await asyncio.to_thread(hashlib.blake2b, body, digest_size=16)
        rendered.etag = f'W/"{digest.hexdigest()}"'
        self.builds += 1
        if generation == self.generation:  # else already stale: serve it to its waiters only
            self._store(key, rendered)
        return rendered

    def _store(self, key: Hashable, rendered: Rendered) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old.size
        if rendered.size > self.max_bytes:
            return  # served once, never kept
        self._entries[key] = rendered
        self._bytes += rendered.size
        while self._bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= evicted.size


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 13.1.2: weak comparison against every listed tag, or ``*``."""
    if not if_none_match:
        return False
    opaque = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == opaque:
            return True
    return False


def accepts_gzip(accept_encoding: str | None) -> bool:
    """``gzip`` listed without ``q=0`` (what every browser sends)."""
    if not accept_encoding:
        return False
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip"):
            q = params.strip().lower().replace(" ", "")
            return q not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False
