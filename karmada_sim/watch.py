"""WATCH streams: newline-delimited JSON events, as the real API server sends them.

A watch starts from a resourceVersion: unset or "0" first replays the current objects as
synthetic ADDED events; a number replays the changes after it from the store's history (410
Gone when that history is compacted). Label/field selectors filter events, and a change that
moves an object into or out of the selection becomes ADDED/DELETED (as the watch cache does).
Streams end at `timeoutSeconds` (with a BOOKMARK first when `allowWatchBookmarks`). The
control API can end every open stream now or after N more events, cleanly, abruptly
(connection dropped mid-stream), with an ERROR event carrying a 410 `Status`, or with a
corrupt (not JSON) line.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from karmada_sim.errors import Gone
from karmada_sim.resource_types import ResourceType
from karmada_sim.selectors import FieldRequirement, LabelSelector, fields_match
from karmada_sim.store import ObjectStore, StoreEvent
from karmada_sim.table import build_table

DEFAULT_WATCH_TIMEOUT_SECONDS = 1800.0  # apiserver --min-request-timeout default


class WatchAborted(Exception):
    """Raised inside a stream to drop its connection without a clean end."""


@dataclass(eq=False)
class _OpenWatch:
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    mode: str | None = None  # None | "close" | "abort" | "expire" | "corrupt"
    after_events: int | None = None


class WatchRegistry:
    """The open watch streams, so the control API can break them."""

    def __init__(self) -> None:
        self._open: set[_OpenWatch] = set()

    def __len__(self) -> int:
        return len(self._open)

    def register(self) -> _OpenWatch:
        handle = _OpenWatch()
        self._open.add(handle)
        return handle

    def unregister(self, handle: _OpenWatch) -> None:
        self._open.discard(handle)

    def close_all(self, mode: str = "close", after_events: int | None = None) -> int:
        """End every open watch (`close`, `abort`, `expire` or `corrupt`), now or after N more
        events. `corrupt` sends a line that is not JSON, then ends the stream."""
        for handle in list(self._open):
            handle.mode = mode
            handle.after_events = after_events
            if after_events is None:
                handle.wakeup.set()
        return len(self._open)


@dataclass
class WatchRequest:
    rt: ResourceType
    namespace: str | None
    selector: LabelSelector
    fields: tuple[FieldRequirement, ...]
    resource_version: str | None
    timeout_seconds: float | None
    bookmarks: bool
    # `kubectl get -w` asks for Tables: each event's object is then a one-row Table.
    table: bool = False


def _line(kind: str, raw: bytes) -> bytes:
    return b'{"type":"' + kind.encode() + b'","object":' + raw + b"}\n"


def _as_table(rt: ResourceType, raw: bytes) -> bytes:
    table = build_table(rt, [json.loads(raw)])
    return json.dumps(table, separators=(",", ":")).encode()


def _expired_status(message: str) -> bytes:
    return json.dumps(Gone(message).status(), separators=(",", ":")).encode()


class WatchStream:
    """One watch: validated on construction (Gone raises before any byte is sent)."""

    def __init__(self, store: ObjectStore, registry: WatchRegistry, req: WatchRequest) -> None:
        self._store = store
        self._registry = registry
        self._req = req
        self._queue = store.subscribe_raw(req.rt)
        self._backlog: list[bytes] = []
        self._last_rv = store.resource_version
        try:
            self._prime()
        except BaseException:
            store.unsubscribe(self._queue)
            raise
        self._handle = registry.register()

    def _matches(self, obj: dict[str, Any] | None) -> bool:
        if obj is None:
            return False
        req = self._req
        meta = obj.get("metadata") or {}
        if (
            req.namespace is not None
            and req.rt.namespaced
            and meta.get("namespace") != req.namespace
        ):
            return False
        if req.selector.requirements and not req.selector.matches(meta.get("labels")):
            return False
        return not (req.fields and not fields_match(obj, req.fields))

    def _prime(self) -> None:
        rv = self._req.resource_version
        if rv in (None, "", "0"):
            page = self._store.list_page(
                self._req.rt, self._req.namespace, self._req.selector, self._req.fields
            )
            self._backlog = [_line("ADDED", self._shape(raw)) for raw in page.items]
            return
        try:
            start = int(str(rv))
        except ValueError as exc:
            raise Gone(f"invalid resource version: {rv}") from exc
        for event in self._store.history_since(self._req.rt, start):
            line = self._render(event)
            if line is not None:
                self._backlog.append(line)

    def _render(self, event: StoreEvent) -> bytes | None:
        new_ok = self._matches(event.object)
        old_ok = self._matches(event.old_object) if event.old_object is not None else None
        kind: str = event.type
        if event.type == "MODIFIED" and old_ok is not None and old_ok != new_ok:
            kind = "ADDED" if new_ok else "DELETED"
        elif event.type == "DELETED":
            if not (new_ok or old_ok):
                return None
        elif not new_ok:
            return None
        raw = event.raw
        if event.object.get("apiVersion") != self._req.rt.api_version:
            obj = json.loads(raw)
            obj["apiVersion"] = self._req.rt.api_version
            raw = json.dumps(obj, separators=(",", ":")).encode()
        return _line(kind, self._shape(raw))

    def _shape(self, raw: bytes) -> bytes:
        return _as_table(self._req.rt, raw) if self._req.table else raw

    def _bookmark(self) -> bytes:
        obj = {
            "kind": self._req.rt.kind,
            "apiVersion": self._req.rt.api_version,
            "metadata": {"resourceVersion": str(self._store.resource_version)},
        }
        return _line("BOOKMARK", json.dumps(obj, separators=(",", ":")).encode())

    async def events(self) -> AsyncIterator[bytes]:
        """The stream's bytes (one JSON event per line)."""
        handle = self._handle
        timeout = self._req.timeout_seconds or DEFAULT_WATCH_TIMEOUT_SECONDS
        deadline = time.monotonic() + timeout
        try:
            for line in self._backlog:
                if self._should_stop_after_event(handle):
                    break
                yield line
            self._backlog = []
            while True:
                if handle.mode is not None and handle.after_events is None:
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    if self._req.bookmarks:
                        yield self._bookmark()
                    return
                event = await self._next_event(handle, remaining)
                if event is None:
                    continue
                rendered = self._render(event)
                if rendered is None:
                    continue
                yield rendered
                if self._should_stop_after_event(handle):
                    break
            async for tail in self._finish(handle):
                yield tail
        finally:
            self._store.unsubscribe(self._queue)
            self._registry.unregister(handle)

    @staticmethod
    def _should_stop_after_event(handle: _OpenWatch) -> bool:
        if handle.mode is None or handle.after_events is None:
            return False
        handle.after_events -= 1
        if handle.after_events <= 0:
            handle.after_events = None
            return True
        return False

    async def _finish(self, handle: _OpenWatch) -> AsyncIterator[bytes]:
        if handle.mode == "expire":
            yield _line("ERROR", _expired_status("too old resource version"))
        elif handle.mode == "abort":
            raise WatchAborted("watch stream broken on request")
        elif handle.mode == "corrupt":
            yield b'{"type":"MODIFIED","object":{"kind":\n'  # cut mid-object: not JSON

    async def _next_event(self, handle: _OpenWatch, remaining: float) -> StoreEvent | None:
        if not self._queue.empty():
            return self._queue.get_nowait()
        getter = asyncio.ensure_future(self._queue.get())
        waker = asyncio.ensure_future(handle.wakeup.wait())
        try:
            done, _ = await asyncio.wait(
                {getter, waker}, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for fut in (getter, waker):
                if not fut.done():
                    fut.cancel()
        if getter in done:
            return getter.result()
        return None

    def close(self) -> None:
        """Release the subscription if the stream is never iterated."""
        self._store.unsubscribe(self._queue)
        self._registry.unregister(self._handle)
