"""The store's change feed: in-process subscribers and the bounded history watches resume from.

Every write appends a `StoreEvent` to a history of the last `history` changes; a watch from a
resourceVersion older than what the history still holds is 410 Gone (as etcd compaction makes
it on a real server). Subscribers get every event of their group-resource (or all) on an
unbounded asyncio.Queue, either as private copies (`subscribe`) or sharing the stored object
(`subscribe_raw`, read-only, used by HTTP watches).
"""

from __future__ import annotations

import asyncio
import collections
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from karmada_sim.errors import Gone
from karmada_sim.resource_types import ResourceType
from karmada_sim.store_index import GroupResource, StoredObject, dumps

EventType = Literal["ADDED", "MODIFIED", "DELETED"]


@dataclass
class StoreEvent:
    """One change: the object after it (for DELETED: its last state)."""

    type: EventType
    rt: ResourceType
    object: dict[str, Any]
    resource_version: int = 0
    # The previous state (MODIFIED/DELETED), so selector-filtered watches can turn a change
    # that leaves/enters the selection into DELETED/ADDED as the real watch cache does.
    old_object: dict[str, Any] | None = field(default=None, repr=False)
    raw: bytes = field(default=b"", repr=False)


@dataclass
class _Subscriber:
    queue: asyncio.Queue[StoreEvent]
    group_resource: GroupResource | None
    copies: bool
    old_objects: bool = True


class ChangeFeed:
    """History + subscribers (see module docstring)."""

    def __init__(self, history: int) -> None:
        self._history: collections.deque[StoreEvent] = collections.deque(maxlen=history)
        self.compacted_rv = 1  # changes with rv <= this are no longer in history
        self._subscribers: list[_Subscriber] = []

    def subscribe(
        self, group_resource: GroupResource | None, *, copies: bool, old_objects: bool = True
    ) -> asyncio.Queue[StoreEvent]:
        """A new queue receiving the events of `group_resource` (None: all); copies without
        ``old_object`` when ``old_objects`` is False."""
        queue: asyncio.Queue[StoreEvent] = asyncio.Queue()
        self._subscribers.append(_Subscriber(queue, group_resource, copies, old_objects))
        return queue

    def unsubscribe(self, queue: asyncio.Queue[StoreEvent]) -> None:
        """Stop delivering to `queue`."""
        self._subscribers = [s for s in self._subscribers if s.queue is not queue]

    def since(self, group_resource: GroupResource, resource_version: int) -> Iterator[StoreEvent]:
        """Changes after `resource_version` (Gone if the history no longer reaches back)."""
        if resource_version < self.compacted_rv:
            raise Gone(f"too old resource version: {resource_version} ({self.compacted_rv})")
        for event in self._history:
            if event.resource_version > resource_version and (
                event.rt.group_resource == group_resource
            ):
                yield event

    def compact(self, current_rv: int) -> None:
        """Forget all history up to `current_rv`."""
        self._history.clear()
        self.compacted_rv = current_rv

    def emit(
        self,
        kind: EventType,
        rt: ResourceType,
        entry: StoredObject,
        old: dict[str, Any] | None,
        old_raw: bytes | None = None,
    ) -> None:
        """Record one change and deliver it to the matching subscribers.

        ``old_raw``: the stored JSON of ``old`` when the caller has it (saves encoding it again
        for the copies)."""
        event = StoreEvent(kind, rt, entry.obj, entry.rv, old, entry.raw)
        if len(self._history) == self._history.maxlen and self._history:
            self.compacted_rv = self._history[0].resource_version
        self._history.append(event)
        for sub in self._subscribers:
            if sub.group_resource is not None and sub.group_resource != rt.group_resource:
                continue
            if sub.copies:
                copy_obj = json.loads(entry.raw)
                copy_old = None
                if old is not None and sub.old_objects:
                    copy_old = json.loads(old_raw if old_raw is not None else dumps(old))
                sub.queue.put_nowait(StoreEvent(kind, rt, copy_obj, entry.rv, copy_old, entry.raw))
            else:
                sub.queue.put_nowait(event)
