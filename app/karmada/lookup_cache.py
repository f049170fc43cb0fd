"""A short-lived cache of the reads job creation makes before accepting a job.

Every create reads the namespace, the storage Secret, the PriorityClass (when one applies) and
the Cluster list from Karmada; under load these are the same few objects again and again and
cost both processes a request each (docs/benchmarks.md, "createJob CPU"). Only *found* objects
are kept, for ``ttl`` seconds: a missing one is asked for again on every create, so creating
a Secret takes effect at once, while deleting one is seen at the latest ``ttl`` seconds later
(until then a create is accepted and its pods wait for the Secret, as they would if it were
deleted just after the check). Concurrent misses for one key share one request.
``invalidate()`` drops everything: the submitter calls it when Karmada refuses what the cache
vouched for. ``ttl == 0`` turns it off.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any


class LookupCache:
    def __init__(self, ttl: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._found: dict[Hashable, tuple[float, Any]] = {}
        self._inflight: dict[Hashable, asyncio.Future[Any]] = {}
        #: Answers served from the cache, and reads sent (tests and benchmarks read them).
        self.hits = 0
        self.misses = 0

    async def get(self, key: Hashable, read: Callable[[], Awaitable[Any]]) -> Any:
        if self.ttl <= 0:
            return await read()
        entry = self._found.get(key)
        if entry is not None and entry[0] > self.clock():
            self.hits += 1
            return entry[1]
        pending = self._inflight.get(key)
        if pending is not None:
            self.hits += 1
            # shield: one waiter's cancellation must not cancel the read the others share.
            return await asyncio.shield(pending)
        self.misses += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            value = await read()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning without waiters
            raise
        else:
            future.set_result(value)
            if value is not None and value != []:
                self._found[key] = (self.clock() + self.ttl, value)
            return value
        finally:
            del self._inflight[key]

    def invalidate(self) -> None:
        self._found.clear()
