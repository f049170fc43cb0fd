"""Faults on demand and request counters (driven by the `/_sim/` control API).

A fault rule matches requests by a regular expression on the URL path (`re.search`) and,
optionally, by HTTP methods. It can add latency, answer a status (500/503/429 ... as a
Kubernetes `Status`), or drop the connection without any response. It applies to the next
`count` matching requests, for `durationSeconds`, or until removed. Latency from all matching
rules adds up; the first matching status/drop rule wins and consumes one of its `count`.
"""

from __future__ import annotations

import collections
import itertools
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from karmada_sim.errors import BadRequest


@dataclass
class FaultRule:
    """One fault rule (see module docstring)."""

    id: int
    path_regex: str
    methods: frozenset[str] | None = None
    latency_seconds: float = 0.0
    status: int | None = None
    drop: bool = False
    remaining: int | None = None  # None: unlimited
    until: float | None = None  # time.monotonic() deadline
    hits: int = 0
    _pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._pattern = re.compile(self.path_regex)

    def matches(self, method: str, path: str) -> bool:
        if self.methods is not None and method.upper() not in self.methods:
            return False
        return bool(self._pattern.search(path))

    def expired(self, now: float) -> bool:
        return (self.until is not None and now >= self.until) or self.remaining == 0

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "pathRegex": self.path_regex,
            "hits": self.hits,
        }
        if self.methods is not None:
            out["methods"] = sorted(self.methods)
        if self.latency_seconds:
            out["latencyMs"] = round(self.latency_seconds * 1000, 3)
        if self.status is not None:
            out["status"] = self.status
        if self.drop:
            out["drop"] = True
        if self.remaining is not None:
            out["remaining"] = self.remaining
        if self.until is not None:
            out["remainingSeconds"] = max(0.0, round(self.until - time.monotonic(), 3))
        return out


@dataclass(frozen=True)
class FaultDecision:
    latency_seconds: float = 0.0
    status: int | None = None
    drop: bool = False


class FaultInjector:
    """The active fault rules."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, spec: dict[str, Any]) -> FaultRule:
        """Add a rule from its control-API JSON (see docs/simulator.md)."""
        regex = spec.get("pathRegex", ".*")
        try:
            re.compile(regex)
        except re.error as exc:
            raise BadRequest(f"invalid pathRegex: {exc}") from exc
        status = spec.get("status")
        if status is not None and not (isinstance(status, int) and 400 <= status <= 599):
            raise BadRequest("status must be an HTTP error code (400-599)")
        methods = spec.get("methods")
        count = spec.get("count")
        duration = spec.get("durationSeconds")
        rule = FaultRule(
            id=next(self._ids),
            path_regex=regex,
            methods=frozenset(m.upper() for m in methods) if methods else None,
            latency_seconds=float(spec.get("latencyMs", 0)) / 1000.0,
            status=status,
            drop=bool(spec.get("drop", False)),
            remaining=int(count) if count is not None else None,
            until=time.monotonic() + float(duration) if duration is not None else None,
        )
        if not (rule.latency_seconds or rule.status or rule.drop):
            raise BadRequest("a fault needs latencyMs, status or drop")
        with self._lock:
            self._rules.append(rule)
        return rule

    def remove(self, rule_id: int) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def describe(self) -> list[dict[str, Any]]:
        now = time.monotonic()
        with self._lock:
            self._rules = [r for r in self._rules if not r.expired(now)]
            return [r.describe() for r in self._rules]

    def decide(self, method: str, path: str) -> FaultDecision:
        """What to do with one request (consumes counts of the rules that fire)."""
        now = time.monotonic()
        latency = 0.0
        status: int | None = None
        drop = False
        with self._lock:
            if not self._rules:
                return FaultDecision()
            self._rules = [r for r in self._rules if not r.expired(now)]
            for rule in self._rules:
                if not rule.matches(method, path):
                    continue
                fired = False
                if rule.latency_seconds:
                    latency += rule.latency_seconds
                    fired = True
                if status is None and not drop and (rule.status is not None or rule.drop):
                    status, drop = rule.status, rule.drop
                    fired = True
                if fired:
                    rule.hits += 1
                    if rule.remaining is not None:
                        rule.remaining -= 1
        return FaultDecision(latency, status, drop)


class RequestCounters:
    """Counts of API requests by "<verb> <resource path template>", and the most recent
    requests exactly as they arrived (raw, still-escaped path and query string), so a test
    can assert what a client really sent."""

    RECENT = 500

    def __init__(self) -> None:
        self._counts: collections.Counter[str] = collections.Counter()
        self._recent: collections.deque[dict[str, str]] = collections.deque(maxlen=self.RECENT)
        self._lock = threading.Lock()

    def record(self, key: str, raw: dict[str, str] | None = None) -> None:
        with self._lock:
            self._counts[key] += 1
            if raw is not None:
                self._recent.append(raw)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._counts.items()))

    def recent(self) -> list[dict[str, str]]:
        with self._lock:
            return list(self._recent)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._recent.clear()
