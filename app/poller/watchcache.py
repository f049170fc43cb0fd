"""A LIST+WATCH mirror of one Kubernetes resource selection, as client-go's reflector keeps.

``ObjectCache`` is the pure part: objects by (namespace, name) plus the keys that changed
since the poller last drained them. ``ResourceWatcher`` keeps one cache in sync: a paged
LIST, then a WATCH from the list's resourceVersion; ``410 Gone`` (an ``ERROR`` event or a
continue token that expired) or a broken stream -> LIST again; and a full re-LIST every
``relist_seconds`` heals anything a watch could have missed. A re-LIST only marks objects
whose resourceVersion moved (or that vanished) as changed, so healing costs bytes, not
status interpretation.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Iterable
from typing import Any

from app.karmada import KarmadaClient, KarmadaError
from app.karmada.client import UndecodableAnswer
from app.karmada.resources import ApiResource
from app.observability import metrics

log = logging.getLogger(__name__)

ObjectKey = tuple[str, str]


class WatchExpired(Exception):
    """The watch's resourceVersion fell out of the server's window (HTTP 410): re-LIST."""


def key_of(obj: dict[str, Any]) -> ObjectKey:
    meta = obj.get("metadata") or {}
    return (str(meta.get("namespace") or ""), str(meta.get("name") or ""))


def _version_of(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("resourceVersion") or "")


class ObjectCache:
    """Objects of one selection by (namespace, name), and which of them changed."""

    def __init__(self) -> None:
        self.objects: dict[ObjectKey, dict[str, Any]] = {}
        self.resource_version = ""
        self._changed: set[ObjectKey] = set()

    def replace(self, items: Iterable[dict[str, Any]], resource_version: str) -> None:
        """Install a full LIST; objects whose resourceVersion moved or that vanished change."""
        fresh = {key_of(obj): obj for obj in items}
        for key, obj in fresh.items():
            old = self.objects.get(key)
            if old is None or _version_of(old) != _version_of(obj):
                self._changed.add(key)
        self._changed.update(key for key in self.objects if key not in fresh)
        self.objects = fresh
        self.resource_version = resource_version

    def apply(self, event: dict[str, Any]) -> None:
        """Apply one watch event (ADDED, MODIFIED, DELETED, BOOKMARK); raise on 410."""
        kind = event.get("type")
        obj = event.get("object") or {}
        if kind == "ERROR":
            if obj.get("code") == 410:
                raise WatchExpired(str(obj.get("message") or "410 Gone"))
            raise KarmadaError(f"watch error: {obj.get('message') or obj}")
        version = _version_of(obj)
        if version:
            self.resource_version = version
        if kind == "BOOKMARK":
            return
        key = key_of(obj)
        if kind == "DELETED":
            self.objects.pop(key, None)
        elif kind in ("ADDED", "MODIFIED"):
            self.objects[key] = obj
        else:
            return
        self._changed.add(key)

    def drain_changed(self) -> set[ObjectKey]:
        """The keys that changed since the previous call."""
        changed, self._changed = self._changed, set()
        return changed


class ResourceWatcher:
    """Keeps an ``ObjectCache`` in sync with one LIST+WATCH selection until cancelled."""

    def __init__(
        self,
        karmada: KarmadaClient,
        resource: ApiResource,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        page_size: int = 500,
        relist_seconds: float = 300.0,
        watch_timeout_seconds: int = 300,
    ) -> None:
        self.karmada = karmada
        self.resource = resource
        self.namespace = namespace
        self.label_selector = label_selector
        self.page_size = page_size
        self.relist_seconds = relist_seconds
        self.watch_timeout_seconds = watch_timeout_seconds
        self.cache = ObjectCache()
        #: Set once the first LIST is in the cache; cleared while the watcher is failing.
        self.synced = asyncio.Event()
        #: Set whenever a change lands in the cache (the poller may wait on it).
        self.changed = asyncio.Event()
        self.lists = 0
        self.watches = 0
        self._failures = 0
        self._broken = 0

    @property
    def failing(self) -> bool:
        """True after a failed LIST/WATCH until the next successful LIST."""
        return self._failures > 0

    @property
    def name(self) -> str:
        where = self.namespace or "*"
        return f"{self.resource.plural}@{where}"

    async def run(self) -> None:
        """LIST, then WATCH; forever (cancel the task to stop).

        Nothing but cancellation ends the loop: whatever a LIST or a stream fails with (an
        answer that is not JSON, a line too long, a bug in an event) is logged with its
        reason, counted in ``mlplatform_watch_restarts_total`` and healed by a re-LIST with
        backoff, so a kind is never left silently unwatched.
        """
        loop = asyncio.get_running_loop()
        state = metrics.WATCH_STATE.labels(kind=self.resource.plural)
        restarts = metrics.WATCH_RESTARTS
        while True:
            state.state("listing")
            try:
                await self._list()
            except Exception as exc:
                # Only a failed LIST makes the cache untrusted: the poller then backs off
                # instead of judging jobs on data it cannot refresh.
                self._failures += 1
                self.synced.clear()
                state.state("backoff")
                delay = min(30.0, 0.1 * 2 ** min(self._failures, 8)) * random.uniform(0.8, 1.2)
                log.warning("list %s failed (%s); retry in %.1fs", self.name, _why(exc), delay)
                await asyncio.sleep(delay)
                continue
            self._failures = 0
            state.state("watching")
            relist_at = loop.time() + self.relist_seconds
            try:
                while loop.time() < relist_at:
                    remaining = max(1, int(relist_at - loop.time()))
                    await self._watch(min(remaining, self.watch_timeout_seconds))
            except WatchExpired as exc:
                restarts.labels(kind=self.resource.plural, reason="expired").inc()
                log.info("watch %s expired (%s); re-listing", self.name, exc)
            except Exception as exc:
                # A broken stream: what the cache holds was true up to its resourceVersion,
                # so it stays in use while the re-LIST below catches up. Streams that keep
                # breaking at once (e.g. watch refused) must not turn into a LIST loop.
                self._broken += 1
                reason = _restart_reason(exc)
                restarts.labels(kind=self.resource.plural, reason=reason).inc()
                delay = min(5.0, 0.05 * 2 ** min(self._broken, 7)) if self._broken > 1 else 0
                log_at = logging.INFO if reason == "broken" else logging.WARNING
                log.log(
                    log_at, "watch %s ended: %s (%s); re-list in %.2fs",
                    self.name, reason, _why(exc), delay,
                )
                await asyncio.sleep(delay)
                continue
            self._broken = 0

    async def _list(self) -> None:
        items: list[dict[str, Any]] = []
        version = ""
        try:
            async for page in self.karmada.list_pages(
                self.resource,
                self.namespace,
                label_selector=self.label_selector,
                page_size=self.page_size,
            ):
                items.extend(page.get("items") or [])
                version = str((page.get("metadata") or {}).get("resourceVersion") or version)
        except KarmadaError as exc:
            if exc.status == 410:  # a continue token outlived the server's history
                raise WatchExpired(str(exc)) from exc
            raise
        self.lists += 1
        self.cache.replace(items, version)
        self.synced.set()
        self.changed.set()

    async def _watch(self, timeout_seconds: int) -> None:
        """One WATCH request from the cache's resourceVersion until the server ends it."""
        self.watches += 1
        events = self.karmada.watch(
            self.resource,
            self.namespace,
            label_selector=self.label_selector,
            resource_version=self.cache.resource_version or None,
            timeout_seconds=timeout_seconds,
        )
        try:
            async for event in events:
                self._broken = 0  # the stream works; a later break is not "at once"
                self.cache.apply(event)
                if event.get("type") != "BOOKMARK":
                    self.changed.set()
        except KarmadaError as exc:
            if exc.status == 410:  # resourceVersion too old already when the watch opened
                raise WatchExpired(str(exc)) from exc
            raise


def _restart_reason(exc: BaseException) -> str:
    if isinstance(exc, UndecodableAnswer):
        return "undecodable"
    if isinstance(exc, KarmadaError):
        return "broken"
    return "error"


def _why(exc: BaseException) -> str:
    """A short reason for a log line: the error's class and the start of its text."""
    text = str(exc)
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__
