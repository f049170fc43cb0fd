"""Where the poller reads workload templates and ResourceBindings from (DESIGN §8).

Two interchangeable sources behind one small interface:

* ``WatchStatusSource`` (default, ``POLL_SOURCE=watch``): a LIST+WATCH cache per workload
  kind in use (our managed-by + instance label selector) and per namespace in use for
  ResourceBindings (Karmada does not copy our labels onto bindings). Between ticks nothing is
  requested unless something changed; ``drain_changed`` names the templates whose template or
  binding changed since the previous tick.
* ``ListStatusSource`` (``POLL_SOURCE=list``, for Karmada endpoints where watch is
  unavailable): one paged LIST per kind in use plus one paged LIST of ResourceBindings every
  tick; every active job is re-interpreted (``drain_changed`` returns None).

Bindings are joined to templates by ``spec.resource`` (kind, namespace, name), as Karmada's
own detector does, never by our labels.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, Protocol

from app.karmada import KarmadaClient, KarmadaUnavailable
from app.karmada.resources import RESOURCE_BINDINGS, ApiResource
from app.watchcache import ObjectKey, ResourceWatcher, key_of
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


class ListStatusSource:
    """LIST everything in use, every tick (the fallback when WATCH is unavailable)."""

    def __init__(self, karmada: KarmadaClient, selector: str, page_size: int) -> None:
        self.karmada = karmada
        self.selector = selector
        self.page_size = page_size
        self._templates: dict[TemplateKey, dict[str, Any]] = {}
        self._bindings: dict[TemplateKey, dict[str, Any]] = {}

    async def sync(self, kinds: set[str], namespaces: set[str]) -> None:
        templates: dict[TemplateKey, dict[str, Any]] = {}
        for kind_name in sorted(kinds):
            for obj in await self.karmada.list_all(
                resource_of_kind(kind_name), label_selector=self.selector, page_size=self.page_size
            ):
                namespace, name = key_of(obj)
                templates[(kind_name, namespace, name)] = obj
        bindings: dict[TemplateKey, dict[str, Any]] = {}
        for obj in await self.karmada.list_all(RESOURCE_BINDINGS, page_size=self.page_size):
            bindings[binding_target(obj)] = obj
        self._templates, self._bindings = templates, bindings

    def template(self, key: TemplateKey) -> dict[str, Any] | None:
        return self._templates.get(key)

    def binding(self, key: TemplateKey) -> dict[str, Any] | None:
        return self._bindings.get(key)

    def drain_changed(self) -> set[TemplateKey] | None:
        return None

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
