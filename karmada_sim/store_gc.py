"""Garbage collection and namespace teardown for the object store.

Runs synchronously inside the store's delete/remove paths, following the garbage collector's
rules (k8s.io/kubernetes/pkg/controller/garbagecollector): a dependent goes when none of the
owners in its `ownerReferences` is left alive; an owner deleted with Foreground propagation
keeps the `foregroundDeletion` finalizer until its dependents are gone; Orphan strips the owner
reference from dependents. Deleting a Namespace marks it Terminating, deletes its contents and
removes it once empty.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from karmada_sim.resource_types import ResourceType
from karmada_sim.store_index import GroupResource, Key, OwnerIndex, ResourceBucket, StoredObject

if TYPE_CHECKING:
    from karmada_sim.store import ObjectStore

NAMESPACES: GroupResource = ("", "namespaces")


class GarbageCollector:
    """The store's owner-reference and namespace rules (see module docstring)."""

    def __init__(self, store: ObjectStore, owners: OwnerIndex) -> None:
        self._store = store
        self._owners = owners

    def delete_dependents(self, owner_uid: str, propagation: str) -> None:
        for gr, key in self._owners.dependents_of(owner_uid):
            bucket = self._store._buckets[gr]
            entry = bucket.entries.get(key)
            if entry is None:
                continue
            refs = entry.obj["metadata"].get("ownerReferences") or []
            live = [
                r for r in refs
                if r.get("uid") in self._owners.locations and r.get("uid") != owner_uid
                and not self.is_deleting(r["uid"])
            ]  # fmt: skip
            if not live:
                self._store.delete(bucket.rt, key[0] or None, key[1], propagation=propagation)

    def is_deleting(self, uid: str) -> bool:
        where = self._owners.locations.get(uid)
        if where is None:
            return True
        entry = self._store._buckets[where[0]].entries.get(where[1])
        return entry is None or bool(entry.obj["metadata"].get("deletionTimestamp"))

    def release_foreground(self, owner_uid: str) -> None:
        """Drop `foregroundDeletion` from an owner once no dependent blocks it."""
        where = self._owners.locations.get(owner_uid)
        if where is None:
            return
        bucket = self._store._buckets[where[0]]
        entry = bucket.entries.get(where[1])
        if entry is None:
            return
        finalizers = list(entry.obj["metadata"].get("finalizers") or [])
        if "foregroundDeletion" not in finalizers or self._owners.has_dependents(owner_uid):
            return
        finalizers.remove("foregroundDeletion")
        new = json.loads(entry.raw)
        new["metadata"]["finalizers"] = finalizers
        if not finalizers:
            new["metadata"].pop("finalizers")
        self._store.update(bucket.rt, new)

    def orphan_dependents(self, owner_uid: str) -> None:
        for gr, key in self._owners.dependents_of(owner_uid):
            bucket = self._store._buckets[gr]
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
            self._store.update(bucket.rt, new)

    def delete_namespace(
        self,
        rt: ResourceType,
        bucket: ResourceBucket,
        key: Key,
        entry: StoredObject,
        finalizers: list[str],
    ) -> dict[str, Any]:
        namespace = key[1]
        marked = self._store._mark_deleting(rt, bucket, key, entry, finalizers)
        current = bucket.entries[key]
        if (current.obj.get("status") or {}).get("phase") != "Terminating":
            new = json.loads(current.raw)
            new["status"] = {"phase": "Terminating"}
            stored = self._store._write(rt, bucket, key, new, current.obj)
            self._store._emit("MODIFIED", rt, stored, current.obj, current.raw)
        for other in self._store._buckets.values():
            if not other.rt.namespaced:
                continue
            for content_key in sorted(other.by_namespace.get(namespace, set())):
                self._store.delete(other.rt, content_key[0], content_key[1])
        self.maybe_finish_namespace(namespace)
        remaining = bucket.entries.get(key)
        return self._store._view(remaining, rt) if remaining else marked

    def maybe_finish_namespace(self, namespace: str) -> None:
        if not namespace:
            return
        ns_bucket = self._store._buckets[NAMESPACES]
        entry = ns_bucket.entries.get(("", namespace))
        if entry is None or not entry.obj["metadata"].get("deletionTimestamp"):
            return
        if entry.obj["metadata"].get("finalizers"):
            return
        for other in self._store._buckets.values():
            if other.rt.namespaced and other.by_namespace.get(namespace):
                return
        self._store._remove(ns_bucket.rt, ns_bucket, ("", namespace))
