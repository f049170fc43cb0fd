"""In-process fan-out of job status changes to subscribers.

The hub never blocks: each subscriber has a bounded queue, and an update that does not fit
is dropped and the subscriber marked ``overflowed``. Updates carry the job's event
``sequence``, so a consumer that sees a gap (or the flag) back-fills from ``job_events``.

Across replicas (PostgreSQL) a ``relay`` is installed by ``app.live.pg_bridge``: ``publish`` then
sends through NOTIFY and every replica's listener calls ``deliver``. ``resync`` wakes every
subscriber to re-read the database (after the listener was down and may have missed some).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from app.jobstate.updates import RESYNC, JobUpdate, Relay
from app.observability import metrics

#: Published updates remembered until their delivery comes back (bounded: NOTIFY may drop).
ANNOUNCED_KEPT = 10_000


@dataclass(eq=False)
class Subscription:
    """One consumer's view of the hub, filtered by job ids and/or namespaces."""

    job_ids: frozenset[str] | None
    namespaces: frozenset[str] | None
    queue: asyncio.Queue[JobUpdate]
    overflowed: bool = False
    closed: bool = field(default=False)

    def wants(self, update: JobUpdate) -> bool:
        if self.job_ids is not None and update.job_id not in self.job_ids:
            return False
        return self.namespaces is None or update.namespace in self.namespaces

    async def get(self) -> JobUpdate:
        return await self.queue.get()

    def is_idle(self) -> bool:
        """Nothing queued and nothing dropped: the consumer is up to date."""
        return self.queue.empty() and not self.overflowed

    def take_overflow(self) -> bool:
        """True once after updates were dropped for this subscriber."""
        flag, self.overflowed = self.overflowed, False
        return flag

    def poke(self) -> None:
        """Make the consumer re-read the database (a RESYNC marker, or the overflow flag)."""
        self.overflowed = True
        with contextlib.suppress(asyncio.QueueFull):  # behind anyway: it will see the flag
            self.queue.put_nowait(RESYNC)


class StatusHub:
    def __init__(self, queue_size: int = 64) -> None:
        self._queue_size = queue_size
        self._by_job: dict[str, set[Subscription]] = {}
        self._wide: set[Subscription] = set()
        #: Set by the PostgreSQL bridge: publish() goes through NOTIFY instead of deliver().
        self.relay: Relay | None = None
        #: Called on every publication, delivery and resync (caches of rendered lists).
        self._change_listeners: list[Callable[[], None]] = []
        #: Updates this replica published and listeners were told of: their delivery back
        #: through NOTIFY is not a second change (it would discard a list rendered since).
        self._announced: OrderedDict[tuple[str, int, bool], None] = OrderedDict()

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` whenever jobs may have changed: on this replica's publications
        (before NOTIFY round-trips, so a writer reads its own write), on every delivery (other
        replicas' through NOTIFY) and on resync. It must not block."""
        self._change_listeners.append(listener)

    def _changed(self) -> None:
        for listener in self._change_listeners:
            listener()

    def _announce(self, batch: list[JobUpdate]) -> None:
        for update in batch:
            self._announced[(update.job_id, update.sequence, update.deleted)] = None
        while len(self._announced) > ANNOUNCED_KEPT:
            self._announced.popitem(last=False)

    def _news(self, keys: Iterable[tuple[str, int, bool]]) -> bool:
        """Whether ``keys`` hold an update listeners were not told of at its publication."""
        news = False
        for key in keys:
            if key in self._announced:
                del self._announced[key]
            else:
                news = True
        return news

    def notified(self, keys: Iterable[tuple[str, int, bool]]) -> None:
        """Updates ``(job_id, sequence, deleted)`` arrived through NOTIFY, subscribed to here
        or not: the change listeners hear of those another replica published (a cached list
        here is stale), and this replica's own come off the announced set."""
        if self._change_listeners and self._news(keys):
            self._changed()

    @property
    def subscriber_count(self) -> int:
        return len(self._wide) + sum(len(s) for s in self._by_job.values())

    def subscribe(
        self,
        *,
        job_ids: Iterable[str] | None = None,
        namespaces: Iterable[str] | None = None,
    ) -> Subscription:
        sub = Subscription(
            job_ids=frozenset(job_ids) if job_ids is not None else None,
            namespaces=frozenset(namespaces) if namespaces is not None else None,
            queue=asyncio.Queue(self._queue_size),
        )
        if sub.job_ids is not None:
            for job_id in sub.job_ids:
                self._by_job.setdefault(job_id, set()).add(sub)
        else:
            self._wide.add(sub)
        # Kept current here, not only on scrape: with workers a scrape reaches one of them.
        metrics.ACTIVE_SUBSCRIPTIONS.inc()
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        if not sub.closed:
            metrics.ACTIVE_SUBSCRIPTIONS.dec()
        sub.closed = True
        if sub.job_ids is None:
            self._wide.discard(sub)
            return
        for job_id in sub.job_ids:
            subs = self._by_job.get(job_id)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._by_job[job_id]

    def publish(self, updates: Iterable[JobUpdate]) -> None:
        """Publish transitions: through the relay when one is installed, else deliver here."""
        batch = list(updates)
        if not batch:
            return
        for update in batch:
            if not update.deleted:
                metrics.count_transitions([(update.phase, update.reason)])
        if self._change_listeners:
            self._announce(batch)
        self._changed()
        if self.relay is not None:
            self.relay(batch)
        else:
            self.deliver(batch)

    def resync(self) -> None:
        """Wake every subscriber to re-read the database (updates may have been missed)."""
        self._changed()
        for sub in {*self._wide, *(s for subs in self._by_job.values() for s in subs)}:
            sub.poke()

    def wanted(self, job_id: str, namespace: str) -> bool:
        """Whether any subscriber here may want an update of this job (a cheap pre-check)."""
        if job_id in self._by_job:
            return True
        return any(s.namespaces is None or namespace in s.namespaces for s in self._wide)

    def deliver(self, updates: Iterable[JobUpdate], *, notified: bool = False) -> None:
        """Deliver to every interested subscriber without waiting for any of them;
        ``notified``: the caller already passed these updates to :meth:`notified`."""
        batch = list(updates)
        if not notified:
            self.notified((u.job_id, u.sequence, u.deleted) for u in batch)
        for update in batch:
            targets = self._by_job.get(update.job_id, ())
            for sub in (*targets, *self._wide):
                if not sub.wants(update):
                    continue
                try:
                    sub.queue.put_nowait(update)
                except asyncio.QueueFull:
                    sub.overflowed = True
