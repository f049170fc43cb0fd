"""Storage structures of the object store: stored objects, per-resource indexes, owner index.

`ResourceBucket` holds every object of one group-resource by (namespace, name), with a label
index (answers equality requirements), a namespace index and a cached key order (LIST pages
are ordered by namespace, name). `OwnerIndex` maps uids to objects and owners to dependents
(garbage collection). Continue tokens encode where a page ended.
"""

from __future__ import annotations

import base64
import collections
import json
from dataclasses import dataclass
from typing import Any

import orjson

from karmada_sim.errors import BadRequest
from karmada_sim.resource_types import ResourceType
from karmada_sim.selectors import LabelSelector

Key = tuple[str, str]  # (namespace or "", name)
GroupResource = tuple[str, str]
Location = tuple[GroupResource, Key]


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON, as stored and served (as the API server writes it).

    orjson: every stored object is encoded on each write and decoded on each copy, and the
    stdlib's encoder was the simulator's largest cost after schema checks (issue 17).
    What orjson refuses (an integer beyond 64 bits) goes through the stdlib instead.
    """
    try:
        return orjson.dumps(obj)
    except TypeError:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def loads(raw: bytes | str) -> Any:
    """The inverse of ``dumps`` (the stdlib for what orjson refuses, e.g. huge integers)."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw)


@dataclass
class StoredObject:
    """An object as stored: the dict (never mutated once stored), its JSON and its rv."""

    obj: dict[str, Any]
    raw: bytes
    rv: int


@dataclass
class ListPage:
    """A LIST answer: raw JSON items, the continue token and the list resourceVersion."""

    items: list[bytes]
    resource_version: int
    continue_token: str | None
    remaining: int | None


class ResourceBucket:
    """All objects of one group-resource, with their indexes."""

    def __init__(self, rt: ResourceType) -> None:
        self.rt = rt
        self.entries: dict[Key, StoredObject] = {}
        self.by_label: dict[tuple[str, str], set[Key]] = collections.defaultdict(set)
        self.by_namespace: dict[str, set[Key]] = collections.defaultdict(set)
        self._sorted: list[Key] | None = None

    def sorted_keys(self) -> list[Key]:
        if self._sorted is None:
            self._sorted = sorted(self.entries)
        return self._sorted

    def put(self, key: Key, entry: StoredObject) -> None:
        old = self.entries.get(key)
        if old is not None:
            self._unindex(key, old.obj)
        else:
            self._sorted = None
        self.entries[key] = entry
        for pair in (entry.obj["metadata"].get("labels") or {}).items():
            self.by_label[pair].add(key)
        self.by_namespace[key[0]].add(key)

    def remove(self, key: Key) -> StoredObject:
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

    def candidates(self, namespace: str | None, selector: LabelSelector) -> list[Key]:
        """Keys to scan for a list, in order: from the smallest usable index, else all."""
        sets: list[set[Key]] = [
            self.by_label.get(pair, set()) for pair in selector.equality_pairs()
        ]
        if namespace is not None:
            sets.append(self.by_namespace.get(namespace, set()))
        if not sets:
            return self.sorted_keys()
        sets.sort(key=len)
        chosen = sets[0]
        if len(chosen) * 4 >= len(self.entries):
            return self.sorted_keys()  # cheaper to walk the cached order and filter
        result = set(chosen)
        for other in sets[1:]:
            result &= other
        return sorted(result)


def encode_continue(last: Key, rv: int) -> str:
    """An opaque continue token: where the page ended and the list's resourceVersion."""
    raw = json.dumps({"v": "sim/1", "rv": rv, "start": list(last)}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_continue(token: str) -> tuple[Key, int]:
    """The (last key, list resourceVersion) of a continue token (BadRequest if malformed)."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        start = data["start"]
        return (str(start[0]), str(start[1])), int(data["rv"])
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise BadRequest(f"continue key is not valid: {exc}") from exc


class OwnerIndex:
    """uid -> where the object is; owner uid -> its dependents (by ownerReferences)."""

    def __init__(self) -> None:
        self.locations: dict[str, Location] = {}
        self.dependents: dict[str, set[Location]] = collections.defaultdict(set)

    def link(self, obj: dict[str, Any], gr: GroupResource, key: Key) -> None:
        """Record a stored object and its owner references."""
        meta = obj["metadata"]
        self.locations[meta["uid"]] = (gr, key)
        for ref in meta.get("ownerReferences") or []:
            if ref.get("uid"):
                self.dependents[ref["uid"]].add((gr, key))

    def unlink(self, obj: dict[str, Any], gr: GroupResource, key: Key) -> None:
        """Forget an object's owner references (before a rewrite or removal)."""
        for ref in obj["metadata"].get("ownerReferences") or []:
            deps = self.dependents.get(ref.get("uid", ""))
            if deps is not None:
                deps.discard((gr, key))
                if not deps:
                    del self.dependents[ref["uid"]]

    def dependents_of(self, owner_uid: str) -> list[Location]:
        """The dependents of an owner, in a stable order."""
        return sorted(self.dependents.get(owner_uid, set()))

    def has_dependents(self, owner_uid: str) -> bool:
        return bool(self.dependents.get(owner_uid))
