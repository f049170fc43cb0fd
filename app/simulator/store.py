"""The simulated API server's object store: admission, versioning, indexes, GC, change feed.

One `ObjectStore` holds every object of every served resource, keyed per group-resource by
(namespace, name), with a label index (for equality selectors), a namespace index, an
owner-uid index (garbage collection) and a bounded history of changes (watch resume, 410 Gone).
Each stored object also keeps its compact JSON, so LIST/WATCH serialise nothing but the page.

All methods are synchronous and must run on the simulator's event loop thread (the HTTP
handlers and controllers do; other threads use `EmbeddedSimulator.call`). Objects handed out
are copies; objects in `StoreEvent`s delivered to `subscribe()` queues are copies too.

Semantics follow the real API server for custom resources:
- create: `status` is dropped when the kind has a status subresource; metadata.uid,
  creationTimestamp (RFC 3339, Z), generation=1 and a global monotonic resourceVersion are set;
  `generateName` is honoured; CRD defaults, pruning and schema validation apply (422 Invalid).
- update: a stale `metadata.resourceVersion` is a 409 Conflict; on the main resource `.status`
  changes are ignored, on `subresource="status"` only `.status` changes; `generation` is bumped
  only when something outside metadata and status changed; a no-op write keeps the
  resourceVersion and emits nothing.
- delete: objects with finalizers are only marked (deletionTimestamp) and go away when the last
  finalizer is removed; Background/Foreground delete dependents listing the owner's uid in
  `metadata.ownerReferences` once they have no live owner left; Orphan strips the references.
  Deleting a Namespace deletes its contents.
"""

from __future__ import annotations

import asyncio
import base64
import bisect
import builtins
import collections
import json
import random
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from app.simulator.errors import (
    AlreadyExists,
    BadRequest,
    Conflict,
    Forbidden,
    Gone,
    Invalid,
    NotFound,
)
from app.simulator.patches import MERGE_PATCH, apply_patch
from app.simulator.resource_types import ResourceType
from app.simulator.selectors import (
    FieldRequirement,
    LabelSelector,
    fields_match,
    parse_label_selector,
)

__all__ = ["ObjectStore", "ResourceType", "StoreEvent"]

EventType = Literal["ADDED", "MODIFIED", "DELETED"]
Key = tuple[str, str]  # (namespace or "", name)
GroupResource = tuple[str, str]
_NAMESPACES: GroupResource = ("", "namespaces")
_GENERATE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # apiserver names.SimpleNameGenerator


def now_rfc3339() -> str:
    """Current UTC time as the API server writes it (seconds, Z)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


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
class _Entry:
    obj: dict[str, Any]
    raw: bytes
    rv: int


@dataclass
class _Subscriber:
    queue: asyncio.Queue[StoreEvent]
    group_resource: GroupResource | None
    copies: bool


@dataclass
class ListPage:
    """A LIST answer: raw JSON items, the continue token and the list resourceVersion."""

    items: list[bytes]
    resource_version: int
    continue_token: str | None
    remaining: int | None


class _Bucket:
    """All objects of one group-resource, with their indexes."""

    def __init__(self, rt: ResourceType) -> None:
        self.rt = rt
        self.entries: dict[Key, _Entry] = {}
        self.by_label: dict[tuple[str, str], set[Key]] = collections.defaultdict(set)
        self.by_namespace: dict[str, set[Key]] = collections.defaultdict(set)
        self._sorted: list[Key] | None = None

    def sorted_keys(self) -> list[Key]:
        if self._sorted is None:
            self._sorted = sorted(self.entries)
        return self._sorted

    def put(self, key: Key, entry: _Entry) -> None:
        old = self.entries.get(key)
        if old is not None:
            self._unindex(key, old.obj)
        else:
            self._sorted = None
        self.entries[key] = entry
        for pair in (entry.obj["metadata"].get("labels") or {}).items():
            self.by_label[pair].add(key)
        self.by_namespace[key[0]].add(key)

    def remove(self, key: Key) -> _Entry:
        entry = self.entries.pop(key)
        self._unindex(key, entry.obj)
        self._sorted = None
        return entry

    def _unindex(self, key: Key, obj: dict[str, Any]) -> None:
        for pair in (obj["metadata"].get("labels") or {}).items():
            keys = self.by_label.get(pair)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self.by_label[pair]
        ns_keys = self.by_namespace.get(key[0])
        if ns_keys is not None:
            ns_keys.discard(key)


class ObjectStore:
    """Every object of every served resource (see module docstring for semantics)."""

    def __init__(self, resource_types: Iterable[ResourceType], *, history: int = 10_000) -> None:
        self._types: dict[tuple[str, str], ResourceType] = {}
        self._by_path: dict[tuple[str, str, str], ResourceType] = {}
        self._buckets: dict[GroupResource, _Bucket] = {}
        for rt in resource_types:
            self._by_path[(rt.group, rt.version, rt.plural)] = rt
            if rt.preferred or (rt.api_version, rt.kind) not in self._types:
                self._types[(rt.api_version, rt.kind)] = rt
            if rt.group_resource not in self._buckets or rt.preferred:
                bucket = self._buckets.get(rt.group_resource)
                if bucket is None:
                    self._buckets[rt.group_resource] = _Bucket(rt)
                else:
                    bucket.rt = rt
        self._rv = 1
        # Warnings of the last admission (fieldValidation=Warn), read by the HTTP layer.
        self.warnings: builtins.list[str] = []
        self._history: collections.deque[StoreEvent] = collections.deque(maxlen=history)
        self._compacted_rv = 1  # changes with rv <= this are no longer in history
        self._subscribers: list[_Subscriber] = []
        self._uids: dict[str, tuple[GroupResource, Key]] = {}
        self._dependents: dict[str, set[tuple[GroupResource, Key]]] = collections.defaultdict(set)

    # ---- resource types -----------------------------------------------------------------------

    def resource(self, api_version: str, kind: str) -> ResourceType:
        """The served resource for apiVersion + kind (KeyError if unknown)."""
        return self._types[(api_version, kind)]

    def resource_by_path(self, group: str, version: str, plural: str) -> ResourceType | None:
        """The served resource for a URL's group/version/plural."""
        return self._by_path.get((group, version, plural))

    @property
    def resource_types(self) -> list[ResourceType]:
        return list(self._by_path.values())

    @property
    def resource_version(self) -> int:
        """The newest resourceVersion issued."""
        return self._rv

    # ---- reads --------------------------------------------------------------------------------

    def get(self, rt: ResourceType, namespace: str | None, name: str) -> dict[str, Any] | None:
        """A copy of the object, or None."""
        entry = self._bucket(rt).entries.get(self._key(rt, namespace, name))
        return self._view(entry, rt) if entry else None

    def get_raw(self, rt: ResourceType, namespace: str | None, name: str) -> bytes | None:
        """The stored JSON of the object, or None."""
        entry = self._bucket(rt).entries.get(self._key(rt, namespace, name))
        if entry is None:
            return None
        return self._raw_view(entry, rt)

    def list(
        self,
        rt: ResourceType,
        namespace: str | None = None,
        label_selector: str | None = None,
    ) -> builtins.list[dict[str, Any]]:
        """Copies of all matching objects, ordered by (namespace, name)."""
        page = self.list_page(rt, namespace, parse_label_selector(label_selector))
        return [self._loads_for(raw, rt) for raw in page.items]

    def list_page(
        self,
        rt: ResourceType,
        namespace: str | None,
        selector: LabelSelector,
        fields: tuple[FieldRequirement, ...] = (),
        *,
        limit: int | None = None,
        continue_token: str | None = None,
    ) -> ListPage:
        """One page of matching objects as raw JSON (for the HTTP layer)."""
        bucket = self._bucket(rt)
        start: Key | None = None
        list_rv = self._rv
        if continue_token:
            start, list_rv = self._decode_continue(continue_token)
            if list_rv < self._compacted_rv:
                # The real server cannot continue a list from a compacted snapshot either.
                raise Gone(
                    "The provided continue parameter is too old to display a consistent list "
                    "result. You can start a new list without the continue parameter."
                )
        keys = self._candidates(bucket, namespace if rt.namespaced else None, selector)
        begin = bisect.bisect_right(keys, start) if start is not None else 0
        items: builtins.list[bytes] = []
        last: Key | None = None
        more = False
        for i in range(begin, len(keys)):
            key = keys[i]
            if namespace and rt.namespaced and key[0] != namespace:
                continue
            entry = bucket.entries[key]
            if selector.requirements and not selector.matches(entry.obj["metadata"].get("labels")):
                continue
            if fields and not fields_match(entry.obj, fields):
                continue
            if limit is not None and len(items) >= limit:
                more = True
                break
            items.append(self._raw_view(entry, rt))
            last = key
        token = None
        if more and last is not None:
            token = self._encode_continue(last, list_rv)
        return ListPage(items, self._rv, token, None)

    def _candidates(
        self, bucket: _Bucket, namespace: str | None, selector: LabelSelector
    ) -> builtins.list[Key]:
        sets: builtins.list[set[Key]] = [
            bucket.by_label.get(pair, set()) for pair in selector.equality_pairs()
        ]
        if namespace is not None:
            sets.append(bucket.by_namespace.get(namespace, set()))
        if not sets:
            return bucket.sorted_keys()
        sets.sort(key=len)
        chosen = sets[0]
        if len(chosen) * 4 >= len(bucket.entries):
            return bucket.sorted_keys()  # cheaper to walk the cached order and filter
        result = set(chosen)
        for other in sets[1:]:
            result &= other
        return sorted(result)

    @staticmethod
    def _encode_continue(last: Key, rv: int) -> str:
        raw = json.dumps({"v": "sim/1", "rv": rv, "start": list(last)}).encode()
        return base64.urlsafe_b64encode(raw).decode()

    @staticmethod
    def _decode_continue(token: str) -> tuple[Key, int]:
        try:
            data = json.loads(base64.urlsafe_b64decode(token.encode()))
            start = data["start"]
            return (str(start[0]), str(start[1])), int(data["rv"])
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise BadRequest(f"continue key is not valid: {exc}") from exc

    # ---- writes -------------------------------------------------------------------------------

    def create(
        self, rt: ResourceType, obj: dict[str, Any], *, field_validation: str = "Ignore"
    ) -> dict[str, Any]:
        """Admit and store a new object (AlreadyExists, Invalid, NotFound for the namespace).

        `field_validation` as the `fieldValidation` query parameter: Ignore, Warn (unknown
        fields listed in `self.warnings`) or Strict (unknown fields are a 400).
        """
        new = json.loads(_dumps(obj))
        meta = new.get("metadata")
        if not isinstance(meta, dict):
            meta = new["metadata"] = {}
        if not meta.get("name"):
            if meta.get("generateName"):
                suffix = "".join(random.choices(_GENERATE_ALPHABET, k=5))
                meta["name"] = f"{meta['generateName']}{suffix}"
            else:
                raise Invalid.of(
                    rt.kind,
                    rt.group,
                    "",
                    [("metadata.name", "Required value: name or generateName is required")],
                )
        name = meta["name"]
        namespace = self._admit_namespace(rt, meta)
        new["apiVersion"] = rt.api_version
        new["kind"] = rt.kind
        if rt.has_status:
            new.pop("status", None)
        _builtin_create_defaults(rt, new)
        key = (namespace or "", name)
        bucket = self._bucket(rt)
        if key in bucket.entries:
            raise AlreadyExists.of(rt.plural, rt.group, name)
        new = self._admit(rt, new, field_validation)
        meta = new["metadata"]
        for dropped in ("deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"):
            meta.pop(dropped, None)
        meta["uid"] = str(uuid.uuid4())
        meta["creationTimestamp"] = now_rfc3339()
        meta["generation"] = 1
        entry = self._write(rt, bucket, key, new, None)
        self._emit("ADDED", rt, entry, None)
        return self._loads_for(entry.raw, rt)

    def update(
        self,
        rt: ResourceType,
        obj: dict[str, Any],
        *,
        subresource: str | None = None,
        field_validation: str = "Ignore",
    ) -> dict[str, Any]:
        """Replace an object (Conflict on a stale resourceVersion; see module docstring)."""
        meta = obj.get("metadata") or {}
        name = meta.get("name")
        if not name:
            raise Invalid.of(rt.kind, rt.group, "", [("metadata.name", "Required value")])
        namespace = meta.get("namespace") if rt.namespaced else None
        if rt.namespaced and not namespace:
            raise Invalid.of(rt.kind, rt.group, name, [("metadata.namespace", "Required value")])
        bucket = self._bucket(rt)
        key = (namespace or "", name)
        entry = bucket.entries.get(key)
        if entry is None:
            raise NotFound.of(rt.plural, rt.group, name)
        wanted_rv = meta.get("resourceVersion")
        if wanted_rv not in (None, "") and str(wanted_rv) != str(entry.rv):
            raise Conflict.stale(rt.plural, rt.group, name)
        old = entry.obj
        incoming = json.loads(_dumps(obj))
        if subresource == "status":
            new = json.loads(entry.raw)
            if "status" in incoming and incoming["status"] is not None:
                new["status"] = incoming["status"]
            else:
                new.pop("status", None)
        elif subresource is None:
            new = incoming
            new["apiVersion"] = rt.api_version
            new["kind"] = rt.kind
            if rt.has_status:
                if "status" in old:
                    new["status"] = json.loads(_dumps(old["status"]))
                else:
                    new.pop("status", None)
            new_meta = new.setdefault("metadata", {})
            for fixed in ("uid", "creationTimestamp", "generation", "deletionTimestamp",
                          "deletionGracePeriodSeconds", "namespace", "name"):  # fmt: skip
                if fixed in old["metadata"]:
                    new_meta[fixed] = old["metadata"][fixed]
                else:
                    new_meta.pop(fixed, None)
            if old["metadata"].get("deletionTimestamp"):
                # Finalizers may only be removed from an object being deleted, never added.
                kept = set(old["metadata"].get("finalizers") or [])
                adding = [f for f in new_meta.get("finalizers") or [] if f not in kept]
                if adding:
                    raise Forbidden(
                        f"no new finalizers can be added if the object is being deleted, "
                        f"found new finalizers {adding}"
                    )
        else:
            raise NotFound(f"the server could not find the requested resource ({subresource})")
        new = self._admit(rt, new, field_validation)
        new["metadata"].pop("resourceVersion", None)
        if _comparable(new) == _comparable(old):
            return self._view(entry, rt)
        if _spec_part(new) != _spec_part(old):
            new["metadata"]["generation"] = int(old["metadata"].get("generation", 1)) + 1
        stored = self._write(rt, bucket, key, new, old)
        if new["metadata"].get("deletionTimestamp") and not new["metadata"].get("finalizers"):
            # The last finalizer is gone: the server deletes the object during this update.
            return self._remove(rt, bucket, key)
        self._emit("MODIFIED", rt, stored, old)
        return self._loads_for(stored.raw, rt)

    def patch(
        self,
        rt: ResourceType,
        namespace: str | None,
        name: str,
        patch: Any,
        *,
        subresource: str | None = None,
        content_type: str = MERGE_PATCH,
        field_validation: str = "Ignore",
    ) -> dict[str, Any]:
        """Patch an object (JSON merge patch by default; see patches.apply_patch)."""
        entry = self._bucket(rt).entries.get(self._key(rt, namespace, name))
        if entry is None:
            raise NotFound.of(rt.plural, rt.group, name)
        current = json.loads(entry.raw)
        patched = apply_patch(current, patch, content_type, rt.schema)
        meta = patched.setdefault("metadata", {})
        # A resourceVersion in the patch is a precondition; otherwise the patch is unconditional.
        if not meta.get("resourceVersion"):
            meta["resourceVersion"] = str(entry.rv)
        meta["name"] = name
        if rt.namespaced:
            meta["namespace"] = namespace
        return self.update(rt, patched, subresource=subresource, field_validation=field_validation)

    def delete(
        self,
        rt: ResourceType,
        namespace: str | None,
        name: str,
        *,
        propagation: str = "Background",
        preconditions: dict[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """Delete (or, with finalizers, mark) an object; None if it does not exist."""
        bucket = self._bucket(rt)
        key = self._key(rt, namespace, name)
        entry = bucket.entries.get(key)
        if entry is None:
            return None
        meta = entry.obj["metadata"]
        if preconditions:
            if preconditions.get("uid") and preconditions["uid"] != meta.get("uid"):
                raise Conflict(
                    f"Precondition failed: UID in precondition: {preconditions['uid']}, "
                    f"UID in object meta: {meta.get('uid')}"
                )
            want_rv = preconditions.get("resourceVersion")
            if want_rv and str(want_rv) != str(entry.rv):
                raise Conflict.stale(rt.plural, rt.group, name)
        uid = meta["uid"]
        if propagation == "Orphan":
            self._orphan_dependents(uid)
        finalizers = list(meta.get("finalizers") or [])
        if (
            propagation == "Foreground"
            and "foregroundDeletion" not in finalizers
            and self._dependents.get(uid)
        ):
            finalizers.append("foregroundDeletion")
        if rt.group_resource == _NAMESPACES:
            return self._delete_namespace(rt, bucket, key, entry, finalizers)
        if not finalizers:
            return self._remove(rt, bucket, key)
        marked = self._mark_deleting(rt, bucket, key, entry, finalizers)
        if "foregroundDeletion" in finalizers:
            self._delete_dependents(uid, "Background")
            self._release_foreground(uid)
            current = bucket.entries.get(key)
            return self._view(current, rt) if current else marked
        return marked

    # ---- change feed --------------------------------------------------------------------------

    def subscribe(self, rt: ResourceType | None = None) -> asyncio.Queue[StoreEvent]:
        """An in-process queue of every change (of `rt`'s group-resource, or all)."""
        queue: asyncio.Queue[StoreEvent] = asyncio.Queue()
        self._subscribers.append(_Subscriber(queue, rt.group_resource if rt else None, True))
        return queue

    def subscribe_raw(self, rt: ResourceType) -> asyncio.Queue[StoreEvent]:
        """Like `subscribe`, but events share the stored object (read-only; for watches)."""
        queue: asyncio.Queue[StoreEvent] = asyncio.Queue()
        self._subscribers.append(_Subscriber(queue, rt.group_resource, False))
        return queue

    def unsubscribe(self, queue: asyncio.Queue[StoreEvent]) -> None:
        """Stop delivering to `queue`."""
        self._subscribers = [s for s in self._subscribers if s.queue is not queue]

    def history_since(self, rt: ResourceType, resource_version: int) -> Iterator[StoreEvent]:
        """Changes of `rt`'s group-resource after `resource_version` (Gone if compacted)."""
        if resource_version < self._compacted_rv:
            raise Gone(f"too old resource version: {resource_version} ({self._compacted_rv})")
        for event in self._history:
            if event.resource_version > resource_version and (
                event.rt.group_resource == rt.group_resource
            ):
                yield event

    def compact(self) -> None:
        """Forget all history (every older watch resourceVersion becomes 410 Gone)."""
        self._history.clear()
        self._compacted_rv = self._rv

    # ---- internals ----------------------------------------------------------------------------

    def _bucket(self, rt: ResourceType) -> _Bucket:
        return self._buckets[rt.group_resource]

    @staticmethod
    def _key(rt: ResourceType, namespace: str | None, name: str) -> Key:
        return ((namespace or "") if rt.namespaced else "", name)

    def _view(self, entry: _Entry, rt: ResourceType) -> dict[str, Any]:
        return self._loads_for(entry.raw, rt)

    def _loads_for(self, raw: bytes, rt: ResourceType) -> dict[str, Any]:
        obj: dict[str, Any] = json.loads(raw)
        obj["apiVersion"] = rt.api_version
        return obj

    def _raw_view(self, entry: _Entry, rt: ResourceType) -> bytes:
        if entry.obj.get("apiVersion") == rt.api_version:
            return entry.raw
        return _dumps(self._loads_for(entry.raw, rt))

    def _admit_namespace(self, rt: ResourceType, meta: dict[str, Any]) -> str | None:
        if not rt.namespaced:
            meta.pop("namespace", None)
            return None
        namespace = meta.get("namespace")
        if not namespace:
            raise Invalid.of(
                rt.kind, rt.group, meta["name"], [("metadata.namespace", "Required value")]
            )
        ns_entry = self._buckets[_NAMESPACES].entries.get(("", namespace))
        if ns_entry is None:
            raise NotFound.of("namespaces", "", namespace)
        if ns_entry.obj["metadata"].get("deletionTimestamp"):
            raise Forbidden(
                f'{rt.plural} "{meta["name"]}" is forbidden: unable to create new content in '
                f"namespace {namespace} because it is being terminated"
            )
        return str(namespace)

    def _admit(
        self, rt: ResourceType, obj: dict[str, Any], field_validation: str = "Ignore"
    ) -> dict[str, Any]:
        self.warnings = []
        if rt.schema is None:
            return obj
        defaulted = rt.schema.apply_defaults(obj)
        name = str((obj.get("metadata") or {}).get("name", ""))
        if field_validation in ("Warn", "Strict"):
            unknown = [f'unknown field "{path}"' for path in rt.schema.unknown_fields(defaulted)]
            if unknown and field_validation == "Strict":
                raise BadRequest(
                    f'{rt.kind} in version "{rt.version}" cannot be handled as a {rt.kind}: '
                    f"strict decoding error: {', '.join(unknown)}"
                )
            self.warnings = unknown
        prepared = rt.schema.prune(defaulted)
        errors = rt.schema.validate_prepared(prepared)
        if errors:
            raise Invalid.of(rt.kind, rt.group, name, [(e.field, e.message) for e in errors])
        return prepared

    def _next_rv(self) -> int:
        self._rv += 1
        return self._rv

    def _write(
        self,
        rt: ResourceType,
        bucket: _Bucket,
        key: Key,
        obj: dict[str, Any],
        old: dict[str, Any] | None,
    ) -> _Entry:
        rv = self._next_rv()
        obj["metadata"]["resourceVersion"] = str(rv)
        entry = _Entry(obj, _dumps(obj), rv)
        bucket.put(key, entry)
        if old is not None:
            self._unlink_owners(old, bucket.rt.group_resource, key)
        self._link_owners(obj, bucket.rt.group_resource, key)
        return entry

    def _link_owners(self, obj: dict[str, Any], gr: GroupResource, key: Key) -> None:
        meta = obj["metadata"]
        self._uids[meta["uid"]] = (gr, key)
        for ref in meta.get("ownerReferences") or []:
            if ref.get("uid"):
                self._dependents[ref["uid"]].add((gr, key))

    def _unlink_owners(self, obj: dict[str, Any], gr: GroupResource, key: Key) -> None:
        for ref in obj["metadata"].get("ownerReferences") or []:
            deps = self._dependents.get(ref.get("uid", ""))
            if deps is not None:
                deps.discard((gr, key))
                if not deps:
                    del self._dependents[ref["uid"]]

    def _emit(
        self, kind: EventType, rt: ResourceType, entry: _Entry, old: dict[str, Any] | None
    ) -> None:
        event_rt = self._buckets[rt.group_resource].rt
        event = StoreEvent(kind, event_rt, entry.obj, entry.rv, old, entry.raw)
        if len(self._history) == self._history.maxlen and self._history:
            self._compacted_rv = self._history[0].resource_version
        self._history.append(event)
        for sub in self._subscribers:
            if sub.group_resource is not None and sub.group_resource != rt.group_resource:
                continue
            if sub.copies:
                copy_obj = json.loads(entry.raw)
                copy_old = json.loads(_dumps(old)) if old is not None else None
                sub.queue.put_nowait(
                    StoreEvent(kind, event_rt, copy_obj, entry.rv, copy_old, entry.raw)
                )
            else:
                sub.queue.put_nowait(event)

    def _mark_deleting(
        self,
        rt: ResourceType,
        bucket: _Bucket,
        key: Key,
        entry: _Entry,
        finalizers: builtins.list[str],
    ) -> dict[str, Any]:
        old = entry.obj
        meta = old["metadata"]
        if meta.get("deletionTimestamp") and finalizers == list(meta.get("finalizers") or []):
            return self._view(entry, rt)
        new = json.loads(entry.raw)
        if finalizers:
            new["metadata"]["finalizers"] = finalizers
        new["metadata"].setdefault("deletionTimestamp", now_rfc3339())
        new["metadata"].setdefault("deletionGracePeriodSeconds", 0)
        stored = self._write(rt, bucket, key, new, old)
        self._emit("MODIFIED", rt, stored, old)
        return self._loads_for(stored.raw, rt)

    def _remove(self, rt: ResourceType, bucket: _Bucket, key: Key) -> dict[str, Any]:
        entry = bucket.remove(key)
        old = entry.obj
        uid = old["metadata"]["uid"]
        self._uids.pop(uid, None)
        self._unlink_owners(old, bucket.rt.group_resource, key)
        # The DELETED event carries the object at a new resourceVersion, like etcd's delete.
        final = json.loads(entry.raw)
        rv = self._next_rv()
        final["metadata"]["resourceVersion"] = str(rv)
        gone = _Entry(final, _dumps(final), rv)
        self._emit("DELETED", rt, gone, old)
        self._delete_dependents(uid, "Background")
        for owner in [r.get("uid") for r in old["metadata"].get("ownerReferences") or []]:
            if owner:
                self._release_foreground(owner)
        self._maybe_finish_namespace(key[0])
        return self._loads_for(gone.raw, rt)

    def _delete_dependents(self, owner_uid: str, propagation: str) -> None:
        for gr, key in sorted(self._dependents.get(owner_uid, set())):
            bucket = self._buckets[gr]
            entry = bucket.entries.get(key)
            if entry is None:
                continue
            refs = entry.obj["metadata"].get("ownerReferences") or []
            live = [
                r for r in refs
                if r.get("uid") in self._uids and r.get("uid") != owner_uid
                and not self._is_deleting(r["uid"])
            ]  # fmt: skip
            if not live:
                self.delete(bucket.rt, key[0] or None, key[1], propagation=propagation)

    def _is_deleting(self, uid: str) -> bool:
        where = self._uids.get(uid)
        if where is None:
            return True
        entry = self._buckets[where[0]].entries.get(where[1])
        return entry is None or bool(entry.obj["metadata"].get("deletionTimestamp"))

    def _release_foreground(self, owner_uid: str) -> None:
        """Drop `foregroundDeletion` from an owner once no dependent blocks it."""
        where = self._uids.get(owner_uid)
        if where is None:
            return
        bucket = self._buckets[where[0]]
        entry = bucket.entries.get(where[1])
        if entry is None:
            return
        finalizers = list(entry.obj["metadata"].get("finalizers") or [])
        if "foregroundDeletion" not in finalizers or self._dependents.get(owner_uid):
            return
        finalizers.remove("foregroundDeletion")
        new = json.loads(entry.raw)
        new["metadata"]["finalizers"] = finalizers
        if not finalizers:
            new["metadata"].pop("finalizers")
        self.update(bucket.rt, new)

    def _orphan_dependents(self, owner_uid: str) -> None:
        for gr, key in sorted(self._dependents.get(owner_uid, set())):
            bucket = self._buckets[gr]
            entry = bucket.entries.get(key)
            if entry is None:
                continue
            new = json.loads(entry.raw)
            refs = [
                r for r in new["metadata"].get("ownerReferences") or [] if r.get("uid") != owner_uid
            ]
            if refs:
                new["metadata"]["ownerReferences"] = refs
            else:
                new["metadata"].pop("ownerReferences", None)
            self.update(bucket.rt, new)

    def _delete_namespace(
        self,
        rt: ResourceType,
        bucket: _Bucket,
        key: Key,
        entry: _Entry,
        finalizers: builtins.list[str],
    ) -> dict[str, Any]:
        namespace = key[1]
        marked = self._mark_deleting(rt, bucket, key, entry, finalizers)
        current = bucket.entries[key]
        if (current.obj.get("status") or {}).get("phase") != "Terminating":
            new = json.loads(current.raw)
            new["status"] = {"phase": "Terminating"}
            stored = self._write(rt, bucket, key, new, current.obj)
            self._emit("MODIFIED", rt, stored, current.obj)
        for other in self._buckets.values():
            if not other.rt.namespaced:
                continue
            for content_key in sorted(other.by_namespace.get(namespace, set())):
                self.delete(other.rt, content_key[0], content_key[1])
        self._maybe_finish_namespace(namespace)
        remaining = bucket.entries.get(key)
        return self._view(remaining, rt) if remaining else marked

    def _maybe_finish_namespace(self, namespace: str) -> None:
        if not namespace:
            return
        ns_bucket = self._buckets[_NAMESPACES]
        entry = ns_bucket.entries.get(("", namespace))
        if entry is None or not entry.obj["metadata"].get("deletionTimestamp"):
            return
        if entry.obj["metadata"].get("finalizers"):
            return
        for other in self._buckets.values():
            if other.rt.namespaced and other.by_namespace.get(namespace):
                return
        self._remove(ns_bucket.rt, ns_bucket, ("", namespace))


def _comparable(obj: dict[str, Any]) -> str:
    meta = {k: v for k, v in obj.get("metadata", {}).items() if k != "resourceVersion"}
    return json.dumps({**obj, "metadata": meta}, sort_keys=True)


def _spec_part(obj: dict[str, Any]) -> str:
    return json.dumps(
        {k: v for k, v in obj.items() if k not in ("metadata", "status")}, sort_keys=True
    )


def _builtin_create_defaults(rt: ResourceType, obj: dict[str, Any]) -> None:
    """The few built-in create-time rules the product relies on (Go strategy code upstream)."""
    if rt.group == "" and rt.kind == "Namespace":
        obj["status"] = {"phase": "Active"}
    elif rt.group == "" and rt.kind == "Secret":
        # Secret stringData is write-only: merged into data (base64) on write.
        string_data = obj.pop("stringData", None) or {}
        data = obj.setdefault("data", {}) if string_data else obj.get("data")
        for k, v in string_data.items():
            assert isinstance(data, dict)
            data[k] = base64.b64encode(str(v).encode()).decode()
        obj.setdefault("type", "Opaque")
    elif rt.group == "" and rt.kind == "Pod":
        obj["status"] = {"phase": "Pending"}
