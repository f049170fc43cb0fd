"""Where the poller reads workload templates and ResourceBindings from (docs/live-status.md).

Two interchangeable sources behind one small interface:

* ``WatchStatusSource`` (default, ``POLL_SOURCE=watch``): a LIST+WATCH cache per workload
  kind in use (our managed-by + instance label selector) and per namespace in use for
  ResourceBindings (Karmada does not copy our labels onto bindings). Between ticks nothing is
  requested unless something changed; ``drain_changed`` names the templates whose template or
  binding changed since the previous tick.
* ``ListStatusSource`` (``POLL_SOURCE=list``, for Karmada endpoints where watch is
  unavailable): one paged LIST per kind in use plus one paged LIST of ResourceBindings every
  tick, as compact Table rows (names and resourceVersions); only objects whose
  resourceVersion moved are fetched whole and re-interpreted.

Bindings are joined to templates by ``spec.resource`` (kind, namespace, name), as Karmada's
own detector does, never by our labels.
"""

from __future__ import annotations

import asyncio
import contextlib
from functools import partial
from typing import Any, Protocol

from app.karmada import KarmadaClient, KarmadaUnavailable
from app.karmada.resources import RESOURCE_BINDINGS, ApiResource
from app.poller.concurrency import bounded_gather
from app.poller.watchcache import ObjectKey, ResourceWatcher, key_of
from app.workloads import kind_by_name

#: (kind, namespace, name) of a workload template.
TemplateKey = tuple[str, str, str]


def binding_target(binding: dict[str, Any]) -> TemplateKey:
    """The template a ResourceBinding belongs to, from its ``spec.resource``."""
    resource = (binding.get("spec") or {}).get("resource") or {}
    namespace = resource.get("namespace") or (binding.get("metadata") or {}).get("namespace")
    return (str(resource.get("kind") or ""), str(namespace or ""), str(resource.get("name") or ""))


def resource_of_kind(kind_name: str) -> ApiResource:
    kind = kind_by_name(kind_name)
    return ApiResource(kind.group, kind.version, kind.plural)


class StatusSource(Protocol):
    async def sync(self, kinds: set[str], namespaces: set[str]) -> None:
        """Make templates of ``kinds`` and bindings in ``namespaces`` readable (or raise)."""

    def template(self, key: TemplateKey) -> dict[str, Any] | None: ...

    def binding(self, key: TemplateKey) -> dict[str, Any] | None: ...

    def drain_changed(self) -> set[TemplateKey] | None:
        """Templates whose template or binding changed since the last call; None = all."""

    async def close(self) -> None: ...


def _version_of(obj: dict[str, Any]) -> Any:
    return (obj.get("metadata") or {}).get("resourceVersion")


#: Compact list mode: changed objects of a resource are fetched one by one while there are at
#: most this many, or a quarter of the rows; beyond, one paged LIST of full objects is cheaper
#: (a GET costs about as much client CPU as parsing two or three listed objects).
COMPACT_FETCH_LIMIT = 100
#: GETs in flight at once in compact list mode.
COMPACT_FETCH_CONCURRENCY = 16


class ListStatusSource:
    """LIST everything in use, every tick (the fallback when WATCH is unavailable).

    ``compact`` (the default): each tick LISTs compact Table rows (names and
    resourceVersions, no specs or statuses) and GETs only the objects whose resourceVersion
    moved — or, past ``COMPACT_FETCH_LIMIT`` of them, LISTs full objects once. Bytes and
    parsing then follow what changed, and ``drain_changed`` names the templates to
    re-interpret. ``compact=False`` LISTs full objects every tick (a benchmark baseline).
    """

    def __init__(
        self, karmada: KarmadaClient, selector: str, page_size: int, *, compact: bool = True
    ) -> None:
        self.karmada = karmada
        self.selector = selector
        self.page_size = page_size
        self.compact = compact
        #: Compact mode: the last full copy of every object, by resource.
        self._objects: dict[ApiResource, dict[ObjectKey, dict[str, Any]]] = {}
        self._templates: dict[TemplateKey, dict[str, Any]] = {}
        self._bindings: dict[TemplateKey, dict[str, Any]] = {}
        #: Templates changed since the last drain; None: everything (a full LIST happened).
        self._changed: set[TemplateKey] | None = None

    async def sync(self, kinds: set[str], namespaces: set[str]) -> None:
        templates: dict[TemplateKey, dict[str, Any]] = {}
        for kind_name in sorted(kinds):
            objects, changed = await self._read(resource_of_kind(kind_name), self.selector)
            for (namespace, name), obj in objects.items():
                templates[(kind_name, namespace, name)] = obj
            if changed is None:
                self._note(None)
            else:
                self._note({(kind_name, ns, name) for ns, name in changed})
        before = self._bindings
        bindings_by_key, changed_bindings = await self._read(RESOURCE_BINDINGS, None)
        bindings = {binding_target(obj): obj for obj in bindings_by_key.values()}
        if changed_bindings is None:
            self._note(None)
        elif changed_bindings:
            # A binding names its template in spec.resource; a deleted one only in our copy.
            moved = {t for t, obj in bindings.items() if key_of(obj) in changed_bindings}
            moved |= {t for t, obj in before.items() if key_of(obj) in changed_bindings}
            self._note(moved)
        self._templates, self._bindings = templates, bindings

    def _note(self, changed: set[TemplateKey] | None) -> None:
        if changed is None or self._changed is None:
            self._changed = None
        else:
            self._changed |= changed

    async def _read(
        self, resource: ApiResource, selector: str | None
    ) -> tuple[dict[ObjectKey, dict[str, Any]], set[ObjectKey] | None]:
        """The current objects of ``resource``, and which keys changed (None: unknown)."""
        if not self.compact:
            return await self._read_all(resource, selector), None
        metas = await self.karmada.list_metadata(
            resource, label_selector=selector, page_size=self.page_size
        )
        cached = self._objects.get(resource, {})
        current: dict[ObjectKey, dict[str, Any]] = {}
        stale: list[ObjectKey] = []
        for meta in metas:
            key = (str(meta.get("namespace") or ""), str(meta.get("name") or ""))
            known = cached.get(key)
            version = meta.get("resourceVersion")
            if known is not None and version and _version_of(known) == version:
                current[key] = known
            else:
                stale.append(key)
        if len(stale) > max(COMPACT_FETCH_LIMIT, len(metas) // 4):
            return await self._read_all(resource, selector), None
        fetched = await bounded_gather(
            [partial(self.karmada.get_or_none, resource, ns or None, name) for ns, name in stale],
            COMPACT_FETCH_CONCURRENCY,
        )
        for key, obj in zip(stale, fetched, strict=True):
            if obj is not None:  # gone between the LIST and the GET: gone
                current[key] = obj
        self._objects[resource] = current
        return current, set(stale) | (cached.keys() - current.keys())

    async def _read_all(
        self, resource: ApiResource, selector: str | None
    ) -> dict[ObjectKey, dict[str, Any]]:
        objects = {
            key_of(obj): obj
            for obj in await self.karmada.list_all(
                resource, label_selector=selector, page_size=self.page_size
            )
        }
        if self.compact:
            self._objects[resource] = objects
        return objects

    def template(self, key: TemplateKey) -> dict[str, Any] | None:
        return self._templates.get(key)

    def binding(self, key: TemplateKey) -> dict[str, Any] | None:
        return self._bindings.get(key)

    def drain_changed(self) -> set[TemplateKey] | None:
        changed, self._changed = self._changed, set()
        return changed

    async def close(self) -> None:
        return None


class WatchStatusSource:
    """LIST+WATCH caches; a tick reads memory and learns only what changed."""

    def __init__(
        self,
        karmada: KarmadaClient,
        selector: str,
        *,
        page_size: int = 500,
        relist_seconds: float = 300.0,
        sync_timeout_seconds: float = 10.0,
    ) -> None:
        self.karmada = karmada
        self.selector = selector
        self.page_size = page_size
        self.relist_seconds = relist_seconds
        self.sync_timeout_seconds = sync_timeout_seconds
        self.template_watchers: dict[str, ResourceWatcher] = {}
        self.binding_watchers: dict[str, ResourceWatcher] = {}
        self._tasks: list[asyncio.Task[None]] = []
        # Binding key -> template key, so a deleted binding still names its template.
        self._binding_targets: dict[ObjectKey, TemplateKey] = {}
        self._bindings: dict[TemplateKey, dict[str, Any]] = {}

    def _start(self, watcher: ResourceWatcher) -> ResourceWatcher:
        self._tasks.append(asyncio.create_task(watcher.run(), name=f"watch-{watcher.name}"))
        return watcher

    def _watcher(
        self, resource: ApiResource, namespace: str | None, selector: str | None
    ) -> ResourceWatcher:
        return self._start(
            ResourceWatcher(
                self.karmada,
                resource,
                namespace,
                label_selector=selector,
                page_size=self.page_size,
                relist_seconds=self.relist_seconds,
            )
        )

    async def sync(self, kinds: set[str], namespaces: set[str]) -> None:
        for kind_name in kinds - self.template_watchers.keys():
            self.template_watchers[kind_name] = self._watcher(
                resource_of_kind(kind_name), None, self.selector
            )
        for namespace in namespaces - self.binding_watchers.keys():
            self.binding_watchers[namespace] = self._watcher(RESOURCE_BINDINGS, namespace, None)
        needed = [self.template_watchers[k] for k in kinds] + [
            self.binding_watchers[n] for n in namespaces
        ]
        waiting = [w for w in needed if not w.synced.is_set()]
        if not waiting:
            return
        failing = [w.name for w in waiting if w.failing]
        if failing:
            raise KarmadaUnavailable(f"watch caches re-listing after errors: {', '.join(failing)}")
        # A cache that is (re)listing after a failure is not trusted: the tick backs off and
        # no job changes phase on stale or partial data.
        try:
            async with asyncio.timeout(self.sync_timeout_seconds):
                await asyncio.gather(*(w.synced.wait() for w in waiting))
        except TimeoutError as exc:
            names = ", ".join(w.name for w in waiting if not w.synced.is_set())
            raise KarmadaUnavailable(f"watch caches not in sync: {names}") from exc

    def template(self, key: TemplateKey) -> dict[str, Any] | None:
        watcher = self.template_watchers.get(key[0])
        return None if watcher is None else watcher.cache.objects.get(key[1:])

    def binding(self, key: TemplateKey) -> dict[str, Any] | None:
        return self._bindings.get(key)

    def drain_changed(self) -> set[TemplateKey] | None:
        changed: set[TemplateKey] = set()
        for kind_name, watcher in self.template_watchers.items():
            changed.update((kind_name, ns, name) for ns, name in watcher.cache.drain_changed())
        for watcher in self.binding_watchers.values():
            for key in watcher.cache.drain_changed():
                obj = watcher.cache.objects.get(key)
                if obj is None:
                    target = self._binding_targets.pop(key, None)
                    if target is not None:
                        self._bindings.pop(target, None)
                        changed.add(target)
                    continue
                target = binding_target(obj)
                self._binding_targets[key] = target
                self._bindings[target] = obj
                changed.add(target)
        return changed

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
