"""Label and field selectors, parsed and matched as apimachinery does.

Label selector grammar (k8s.io/apimachinery/pkg/labels): comma-separated requirements
`k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k` (exists), `!k` (does not exist).
`!=` and `notin` also match objects without the key. Field selectors: `f=v`, `f==v`, `f!=v`
on the fields a resource supports (metadata.name and metadata.namespace for every resource).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from karmada_sim.errors import BadRequest

_KEY = r"[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?"
_VALUE = r"([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?"
_KEY_RE = re.compile(f"^{_KEY}$")
_VALUE_RE = re.compile(f"^{_VALUE}$")
_SET_RE = re.compile(r"^\s*(\S+)\s+(in|notin)\s*\((.*)\)\s*$")


@dataclass(frozen=True)
class Requirement:
    """One requirement: operator in {=, !=, in, notin, exists, !}."""

    key: str
    operator: str
    values: frozenset[str] = frozenset()

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether a label map satisfies this requirement."""
        present = self.key in labels
        if self.operator == "exists":
            return present
        if self.operator == "!":
            return not present
        if self.operator in ("=", "in"):
            return present and labels[self.key] in self.values
        # "!=" and "notin" match objects that lack the key.
        return not present or labels[self.key] not in self.values


@dataclass(frozen=True)
class LabelSelector:
    """A parsed label selector (all requirements must hold)."""

    requirements: tuple[Requirement, ...] = ()

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        """Whether `labels` satisfy every requirement."""
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)

    def equality_pairs(self) -> list[tuple[str, str]]:
        """(key, value) pairs an index can answer: `k=v` and single-valued `k in (v)`."""
        return [
            (r.key, next(iter(r.values)))
            for r in self.requirements
            if r.operator in ("=", "in") and len(r.values) == 1
        ]

    @property
    def empty(self) -> bool:
        return not self.requirements


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _check_key(key: str, text: str) -> str:
    if not _KEY_RE.match(key):
        raise BadRequest(f"unable to parse requirement: invalid label key {key!r} in {text!r}")
    return key


def _check_value(value: str, text: str) -> str:
    if len(value) > 63 or not _VALUE_RE.match(value):
        raise BadRequest(f"unable to parse requirement: invalid label value {value!r} in {text!r}")
    return value


# Clients send the same few selectors over and over; the parsed form is immutable (a failed
# parse raises and is not kept).
@functools.lru_cache(maxsize=1024)
def parse_label_selector(text: str | None) -> LabelSelector:
    """Parse a label selector string; raise BadRequest on syntax errors."""
    if not text or not text.strip():
        return LabelSelector()
    requirements: list[Requirement] = []
    for part in _split_top_level(text):
        set_match = _SET_RE.match(part)
        if set_match:
            key, op, raw = set_match.groups()
            values = frozenset(_check_value(v.strip(), text) for v in raw.split(",") if v.strip())
            requirements.append(Requirement(_check_key(key, text), op, values))
            continue
        for op in ("!=", "==", "="):
            if op in part:
                key, value = (s.strip() for s in part.split(op, 1))
                norm = "!=" if op == "!=" else "="
                requirements.append(
                    Requirement(_check_key(key, text), norm, frozenset({_check_value(value, text)}))
                )
                break
        else:
            if part.startswith("!"):
                requirements.append(Requirement(_check_key(part[1:].strip(), text), "!"))
            else:
                requirements.append(Requirement(_check_key(part, text), "exists"))
    return LabelSelector(tuple(requirements))


@dataclass(frozen=True)
class FieldRequirement:
    field: str
    equal: bool
    value: str


# Field labels each kind supports besides metadata.name / metadata.namespace
# (registered by the real server's per-kind GetAttrs/field label conversion funcs).
EXTRA_FIELD_LABELS: dict[tuple[str, str], frozenset[str]] = {
    ("", "Pod"): frozenset({"spec.nodeName", "spec.restartPolicy", "status.phase"}),
    ("", "Secret"): frozenset({"type"}),
    ("", "Event"): frozenset(
        {
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "reason",
            "type",
        }
    ),
    ("", "Namespace"): frozenset({"status.phase"}),
    ("batch", "Job"): frozenset({"status.successful"}),
}


def parse_field_selector(text: str | None, group: str, kind: str) -> tuple[FieldRequirement, ...]:
    """Parse a field selector; unsupported fields are a 400 as on the real server."""
    if not text or not text.strip():
        return ()
    allowed = {"metadata.name", "metadata.namespace"} | EXTRA_FIELD_LABELS.get(
        (group, kind), frozenset()
    )
    out: list[FieldRequirement] = []
    for part in _split_top_level(text):
        for op in ("!=", "==", "="):
            if op in part:
                name, value = (s.strip() for s in part.split(op, 1))
                break
        else:
            raise BadRequest(f"invalid selector: {text!r}; can't understand {part!r}")
        if name not in allowed:
            raise BadRequest(f"field label not supported: {name}")
        out.append(FieldRequirement(name, op != "!=", value))
    return tuple(out)


def field_value(obj: Mapping[str, Any], dotted: str) -> str:
    """The string value of a dotted field path ("" when absent)."""
    node: Any = obj
    for part in dotted.split("."):
        if not isinstance(node, Mapping):
            return ""
        node = node.get(part)
    if node is None:
        return ""
    if isinstance(node, bool):
        return "true" if node else "false"
    return str(node)


def fields_match(obj: Mapping[str, Any], requirements: tuple[FieldRequirement, ...]) -> bool:
    """Whether `obj` satisfies every field requirement."""
    return all((field_value(obj, r.field) == r.value) == r.equal for r in requirements)
