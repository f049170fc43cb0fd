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
import bisect
import builtins
import json
import os
import random
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from karmada_sim.admission import (
    GENERATE_ALPHABET,
    builtin_create_defaults,
    comparable,
    now_rfc3339,
    spec_part,
)
from karmada_sim.errors import (
    AlreadyExists,
    BadRequest,
    Conflict,
    Forbidden,
    Gone,
    Invalid,
    NotFound,
)
from karmada_sim.patches import MERGE_PATCH, apply_patch
from karmada_sim.resource_types import ResourceType
from karmada_sim.selectors import (
    FieldRequirement,
    LabelSelector,
    fields_match,
    parse_label_selector,
)
from karmada_sim.store_feed import ChangeFeed, EventType, StoreEvent
from karmada_sim.store_gc import NAMESPACES, GarbageCollector
from karmada_sim.store_index import (
    GroupResource,
    Key,
    ListPage,
    OwnerIndex,
    ResourceBucket,
    StoredObject,
    decode_continue,
    dumps,
    encode_continue,
    loads,
)

__all__ = ["ObjectStore", "ResourceType", "StoreEvent"]


class ObjectStore:
    """Every object of every served resource (see module docstring for semantics)."""

    def __init__(self, resource_types: Iterable[ResourceType], *, history: int = 10_000) -> None:
        self._types: dict[tuple[str, str], ResourceType] = {}
        self._by_path: dict[tuple[str, str, str], ResourceType] = {}
        self._buckets: dict[GroupResource, ResourceBucket] = {}
        for rt in resource_types:
            self._by_path[(rt.group, rt.version, rt.plural)] = rt
            if rt.preferred or (rt.api_version, rt.kind) not in self._types:
                self._types[(rt.api_version, rt.kind)] = rt
            if rt.group_resource not in self._buckets or rt.preferred:
                bucket = self._buckets.get(rt.group_resource)
                if bucket is None:
                    self._buckets[rt.group_resource] = ResourceBucket(rt)
                else:
                    bucket.rt = rt
        self._rv = 1
        # Warnings of the last admission (fieldValidation=Warn), read by the HTTP layer.
        self.warnings: builtins.list[str] = []
        self._feed = ChangeFeed(history)
        self._owners = OwnerIndex()
        self._gc = GarbageCollector(self, self._owners)
        # Status shapes (per resource) the full admission left unchanged: see `write_status`.
        self._trusted_shapes: set[tuple[GroupResource, Any]] = set()
        # Tests set this (KARMADA_SIM_VERIFY_STATUS=1): every controller status write is then
        # admitted in full, and one of a trusted shape that admission changed is recorded.
        self.verify_status_writes = os.environ.get("KARMADA_SIM_VERIFY_STATUS") == "1"
        self.status_write_violations: builtins.list[str] = []

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

    def peek(self, rt: ResourceType, namespace: str | None, name: str) -> dict[str, Any] | None:
        """The stored object itself, not a copy: READ-ONLY (for controllers that only read,
        such as the status sync; a stored object is never changed once stored)."""
        entry = self._bucket(rt).entries.get(self._key(rt, namespace, name))
        if entry is None:
            return None
        if entry.obj.get("apiVersion") != rt.api_version:
            return self._view(entry, rt)  # another served version: a converted copy
        return entry.obj

    def get_raw(self, rt: ResourceType, namespace: str | None, name: str) -> bytes | None:
        """The stored JSON of the object, or None."""
        entry = self._bucket(rt).entries.get(self._key(rt, namespace, name))
        if entry is None:
            return None
        return self._raw_view(entry, rt)

    def versions(self, rt: ResourceType) -> tuple[tuple[Key, int], ...]:
        """(key, resourceVersion) of every object of `rt`: a cheap cache key for what a
        controller derives from all of them."""
        return tuple((key, entry.rv) for key, entry in self._bucket(rt).entries.items())

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
            start, list_rv = decode_continue(continue_token)
            if list_rv < self._feed.compacted_rv:
                # The real server cannot continue a list from a compacted snapshot either.
                raise Gone(
                    "The provided continue parameter is too old to display a consistent list "
                    "result. You can start a new list without the continue parameter."
                )
        keys = bucket.candidates(namespace if rt.namespaced else None, selector)
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
            token = encode_continue(last, list_rv)
        return ListPage(items, self._rv, token, None)

    # ---- writes -------------------------------------------------------------------------------

    def create(
        self, rt: ResourceType, obj: dict[str, Any], *, field_validation: str = "Ignore"
    ) -> dict[str, Any]:
        """Admit and store a new object (AlreadyExists, Invalid, NotFound for the namespace).

        `field_validation` as the `fieldValidation` query parameter: Ignore, Warn (unknown
        fields listed in `self.warnings`) or Strict (unknown fields are a 400).
        """
        new = loads(dumps(obj))
        meta = new.get("metadata")
        if not isinstance(meta, dict):
            meta = new["metadata"] = {}
        if not meta.get("name"):
            if meta.get("generateName"):
                suffix = "".join(random.choices(GENERATE_ALPHABET, k=5))
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
        builtin_create_defaults(rt, new)
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
        view: bool = True,
    ) -> dict[str, Any]:
        """Replace an object (Conflict on a stale resourceVersion; see module docstring).

        ``view=False``: return ``{}`` instead of decoding the stored object again (internal
        writers that do not read the answer, such as the status sync).
        """
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
        if subresource == "status":
            # Only the status is taken from the caller: copy just that (the status sync
            # writes every workload's status several times per job).
            new = loads(entry.raw)
            if obj.get("status") is not None:
                new["status"] = loads(dumps(obj["status"]))
            else:
                new.pop("status", None)
        elif subresource is None:
            new = loads(dumps(obj))
            new["apiVersion"] = rt.api_version
            new["kind"] = rt.kind
            if rt.has_status:
                if "status" in old:
                    new["status"] = loads(dumps(old["status"]))
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
        new = self._admit(rt, new, field_validation, old=old)
        new["metadata"].pop("resourceVersion", None)
        # Unequal dicts are a change (cheap); equal ones are confirmed on the JSON form,
        # which tells 1 from 1.0 and True.
        if _same_but_rv(new, old) and comparable(new) == comparable(old):
            return self._view(entry, rt)
        if subresource is None and spec_part(new) != spec_part(old):
            new["metadata"]["generation"] = int(old["metadata"].get("generation", 1)) + 1
        stored = self._write(rt, bucket, key, new, old)
        if new["metadata"].get("deletionTimestamp") and not new["metadata"].get("finalizers"):
            # The last finalizer is gone: the server deletes the object during this update.
            return self._remove(rt, bucket, key)
        self._emit("MODIFIED", rt, stored, old, entry.raw)
        return self._loads_for(stored.raw, rt) if view else {}

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
        view: bool = True,
    ) -> dict[str, Any]:
        """Patch an object (JSON merge patch by default; see patches.apply_patch)."""
        entry = self._bucket(rt).entries.get(self._key(rt, namespace, name))
        if entry is None:
            raise NotFound.of(rt.plural, rt.group, name)
        current = loads(entry.raw)
        patched = apply_patch(current, patch, content_type, rt.schema)
        meta = patched.setdefault("metadata", {})
        # A resourceVersion in the patch is a precondition; otherwise the patch is unconditional.
        if not meta.get("resourceVersion"):
            meta["resourceVersion"] = str(entry.rv)
        meta["name"] = name
        if rt.namespaced:
            meta["namespace"] = namespace
        return self.update(
            rt, patched, subresource=subresource, field_validation=field_validation, view=view
        )

    def write_status(
        self,
        rt: ResourceType,
        namespace: str | None,
        name: str,
        status: dict[str, Any] | None,
    ) -> bool:
        """Replace the status of an object: the write of a controller of this simulator.

        Not client input: the status is built by our own controllers from known values, so
        it is admitted in full (defaults, pruning, validation, exactly as `update` would)
        until its shape (keys and value types) has once come out of admission unchanged for
        this resource; writes of such a shape are then stored as given (admission would
        neither prune nor default them; their values are ours by construction). A shape
        admission changes (a field the CRD prunes) is admitted every time. Tests run with
        `verify_status_writes` and check that admission never changes a trusted shape. The
        store takes ownership of `status` (the caller must not change it afterwards). An
        unchanged status writes and emits nothing. Returns whether anything was written.
        """
        bucket = self._bucket(rt)
        key = self._key(rt, namespace, name)
        entry = bucket.entries.get(key)
        if entry is None:
            raise NotFound.of(rt.plural, rt.group, name)
        old = entry.obj
        if status == old.get("status") and json.dumps(status, sort_keys=True) == json.dumps(
            old.get("status"), sort_keys=True
        ):
            return False  # equal dicts confirmed on the JSON form (1 and 1.0 and True differ)
        # Stored objects are never changed in place, so the new version can share everything
        # but its metadata (the resourceVersion is set on it) with the old one.
        new = dict(old)
        new["metadata"] = dict(old["metadata"])
        new["metadata"].pop("resourceVersion", None)
        if status is None:
            new.pop("status", None)
        else:
            new["status"] = status
        if rt.schema is not None:
            shape = (rt.group_resource, _shape(status))
            trusted = shape in self._trusted_shapes
            if self.verify_status_writes or not trusted:
                # Invalid (422) propagates as from `update`; the object stays as it was.
                admitted = self._admit(rt, loads(dumps(new)), old=old)
                admitted["metadata"].pop("resourceVersion", None)
                if comparable(admitted) == comparable(new):
                    if len(self._trusted_shapes) >= 10_000:
                        self._trusted_shapes.clear()  # bound the memory of odd shapes
                    self._trusted_shapes.add(shape)
                else:
                    # Admission pruned or defaulted something (e.g. a field the CRD does not
                    # declare): this shape is admitted in full every time.
                    if trusted:
                        self.status_write_violations.append(
                            f"{rt.kind} {namespace}/{name}: a trusted shape, but admission "
                            f"changed {dumps(status)!r} into {dumps(admitted.get('status'))!r}"
                        )
                    new = admitted
                    if _same_but_rv(new, old) and comparable(new) == comparable(old):
                        return False  # what admission kept is what is stored: a no-op
        stored = self._write(rt, bucket, key, new, old)
        self._emit("MODIFIED", rt, stored, old, entry.raw)
        return True

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
            self._gc.orphan_dependents(uid)
        finalizers = list(meta.get("finalizers") or [])
        if (
            propagation == "Foreground"
            and "foregroundDeletion" not in finalizers
            and self._owners.has_dependents(uid)
        ):
            finalizers.append("foregroundDeletion")
        if rt.group_resource == NAMESPACES:
            return self._gc.delete_namespace(rt, bucket, key, entry, finalizers)
        if not finalizers:
            return self._remove(rt, bucket, key)
        marked = self._mark_deleting(rt, bucket, key, entry, finalizers)
        if "foregroundDeletion" in finalizers:
            self._gc.delete_dependents(uid, "Background")
            self._gc.release_foreground(uid)
            current = bucket.entries.get(key)
            return self._view(current, rt) if current else marked
        return marked

    # ---- change feed --------------------------------------------------------------------------

    def subscribe(
        self, rt: ResourceType | None = None, *, old_objects: bool = True
    ) -> asyncio.Queue[StoreEvent]:
        """An in-process queue of every change (of `rt`'s group-resource, or all); copies.

        ``old_objects=False``: events carry no ``old_object`` (a subscriber that never reads
        it saves decoding a copy per change)."""
        return self._feed.subscribe(
            rt.group_resource if rt else None, copies=True, old_objects=old_objects
        )

    def subscribe_raw(self, rt: ResourceType) -> asyncio.Queue[StoreEvent]:
        """Like `subscribe`, but events share the stored object (read-only; for watches)."""
        return self._feed.subscribe(rt.group_resource, copies=False)

    def unsubscribe(self, queue: asyncio.Queue[StoreEvent]) -> None:
        """Stop delivering to `queue`."""
        self._feed.unsubscribe(queue)

    def history_since(self, rt: ResourceType, resource_version: int) -> Iterator[StoreEvent]:
        """Changes of `rt`'s group-resource after `resource_version` (Gone if compacted)."""
        return self._feed.since(rt.group_resource, resource_version)

    def compact(self) -> None:
        """Forget all history (every older watch resourceVersion becomes 410 Gone)."""
        self._feed.compact(self._rv)

    # ---- internals ----------------------------------------------------------------------------

    def _bucket(self, rt: ResourceType) -> ResourceBucket:
        return self._buckets[rt.group_resource]

    @staticmethod
    def _key(rt: ResourceType, namespace: str | None, name: str) -> Key:
        return ((namespace or "") if rt.namespaced else "", name)

    def _view(self, entry: StoredObject, rt: ResourceType) -> dict[str, Any]:
        return self._loads_for(entry.raw, rt)

    def _loads_for(self, raw: bytes, rt: ResourceType) -> dict[str, Any]:
        obj: dict[str, Any] = loads(raw)
        obj["apiVersion"] = rt.api_version
        return obj

    def _raw_view(self, entry: StoredObject, rt: ResourceType) -> bytes:
        if entry.obj.get("apiVersion") == rt.api_version:
            return entry.raw
        return dumps(self._loads_for(entry.raw, rt))

    def _admit_namespace(self, rt: ResourceType, meta: dict[str, Any]) -> str | None:
        if not rt.namespaced:
            meta.pop("namespace", None)
            return None
        namespace = meta.get("namespace")
        if not namespace:
            raise Invalid.of(
                rt.kind, rt.group, meta["name"], [("metadata.namespace", "Required value")]
            )
        ns_entry = self._buckets[NAMESPACES].entries.get(("", namespace))
        if ns_entry is None:
            raise NotFound.of("namespaces", "", namespace)
        if ns_entry.obj["metadata"].get("deletionTimestamp"):
            raise Forbidden(
                f'{rt.plural} "{meta["name"]}" is forbidden: unable to create new content in '
                f"namespace {namespace} because it is being terminated"
            )
        return str(namespace)

    def _admit(
        self,
        rt: ResourceType,
        obj: dict[str, Any],
        field_validation: str = "Ignore",
        *,
        old: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Defaults, pruning and validation; on update only the changed fields are re-checked."""
        self.warnings = []
        if rt.schema is None:
            return obj
        name = str((obj.get("metadata") or {}).get("name", ""))
        result = None
        if old is not None and old.get("apiVersion") == obj.get("apiVersion"):
            result = rt.schema.admit_update(obj, old)
        if result is None:
            defaulted = rt.schema.apply_defaults(obj)
            unknown_paths = (
                rt.schema.unknown_fields(defaulted) if field_validation != "Ignore" else []
            )
            prepared = rt.schema.prune(defaulted)
            errors = None
        else:
            prepared, errors, unknown_paths = result
        if field_validation in ("Warn", "Strict"):
            unknown = [f'unknown field "{path}"' for path in unknown_paths]
            if unknown and field_validation == "Strict":
                raise BadRequest(
                    f'{rt.kind} in version "{rt.version}" cannot be handled as a {rt.kind}: '
                    f"strict decoding error: {', '.join(unknown)}"
                )
            self.warnings = unknown
        if errors is None:
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
        bucket: ResourceBucket,
        key: Key,
        obj: dict[str, Any],
        old: dict[str, Any] | None,
    ) -> StoredObject:
        rv = self._next_rv()
        obj["metadata"]["resourceVersion"] = str(rv)
        entry = StoredObject(obj, dumps(obj), rv)
        bucket.put(key, entry)
        if old is not None:
            self._owners.unlink(old, bucket.rt.group_resource, key)
        self._owners.link(obj, bucket.rt.group_resource, key)
        return entry

    def _emit(
        self,
        kind: EventType,
        rt: ResourceType,
        entry: StoredObject,
        old: dict[str, Any] | None,
        old_raw: bytes | None = None,
    ) -> None:
        self._feed.emit(kind, self._buckets[rt.group_resource].rt, entry, old, old_raw)

    def _mark_deleting(
        self,
        rt: ResourceType,
        bucket: ResourceBucket,
        key: Key,
        entry: StoredObject,
        finalizers: builtins.list[str],
    ) -> dict[str, Any]:
        old = entry.obj
        meta = old["metadata"]
        if meta.get("deletionTimestamp") and finalizers == list(meta.get("finalizers") or []):
            return self._view(entry, rt)
        new = loads(entry.raw)
        if finalizers:
            new["metadata"]["finalizers"] = finalizers
        new["metadata"].setdefault("deletionTimestamp", now_rfc3339())
        new["metadata"].setdefault("deletionGracePeriodSeconds", 0)
        stored = self._write(rt, bucket, key, new, old)
        self._emit("MODIFIED", rt, stored, old, entry.raw)
        return self._loads_for(stored.raw, rt)

    def _remove(self, rt: ResourceType, bucket: ResourceBucket, key: Key) -> dict[str, Any]:
        entry = bucket.remove(key)
        old = entry.obj
        uid = old["metadata"]["uid"]
        self._owners.locations.pop(uid, None)
        self._owners.unlink(old, bucket.rt.group_resource, key)
        # The DELETED event carries the object at a new resourceVersion, like etcd's delete.
        final = loads(entry.raw)
        rv = self._next_rv()
        final["metadata"]["resourceVersion"] = str(rv)
        gone = StoredObject(final, dumps(final), rv)
        self._emit("DELETED", rt, gone, old, entry.raw)
        self._gc.delete_dependents(uid, "Background")
        for owner in [r.get("uid") for r in old["metadata"].get("ownerReferences") or []]:
            if owner:
                self._gc.release_foreground(owner)
        self._gc.maybe_finish_namespace(key[0])
        return self._loads_for(gone.raw, rt)


def _shape(value: Any) -> Any:
    """The keys and value types of a JSON value (a hashable key for `write_status`)."""
    kind = type(value)
    if kind is dict or (kind not in _SCALARS and isinstance(value, dict)):
        return tuple([(k, _shape(v)) for k, v in value.items()])
    if kind is list or (kind not in _SCALARS and isinstance(value, list | tuple)):
        return ("[]", *[_shape(v) for v in value])
    return kind


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _same_but_rv(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two objects are equal as dicts, resourceVersion aside."""
    if a.keys() != b.keys():
        return False
    for key, value in a.items():
        if key == "metadata":
            ma, mb = value or {}, b[key] or {}
            if {k: v for k, v in ma.items() if k != "resourceVersion"} != {
                k: v for k, v in mb.items() if k != "resourceVersion"
            }:
                return False
        elif value != b[key]:
            return False
    return True
