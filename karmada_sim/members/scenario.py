"""What a simulated job does: duration, outcome, failure, image-pull backoff, stuck pending.

Set per template with the annotation ``simulator.ml-platform.io/scenario`` (JSON) or through
``POST /_sim/scenarios`` rules ({"match": {"nameContains": ...}, "scenario": {...}}).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

SCENARIO_ANNOTATION = "simulator.ml-platform.io/scenario"


@dataclass(frozen=True)
class Scenario:
    run_seconds: float | None = None  # None: the member's default timing
    outcome: str = "Succeeded"  # or "Failed"
    failure_reason: str | None = None
    failure_message: str | None = None
    image_pull_backoff: bool = False
    stuck_pending: bool = False
    exit_code: int = 1  # the failed containers' exit code (outcome Failed)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scenario:
        """Parse the JSON shape documented in docs/simulator-karmada.md."""
        outcome = str(data.get("outcome", "Succeeded"))
        if outcome not in ("Succeeded", "Failed"):
            raise ValueError(f"outcome must be Succeeded or Failed, not {outcome!r}")
        run = data.get("runSeconds")
        exit_code = int(data.get("exitCode", 1))
        if not 1 <= exit_code <= 255:
            raise ValueError(f"exitCode must be 1..255, not {exit_code}")
        return cls(
            run_seconds=float(run) if run is not None else None,
            outcome=outcome,
            failure_reason=data.get("failureReason"),
            failure_message=data.get("failureMessage"),
            image_pull_backoff=bool(data.get("imagePullBackOff", False)),
            stuck_pending=bool(data.get("stuckPending", False)),
            exit_code=exit_code,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"outcome": self.outcome}
        if self.run_seconds is not None:
            out["runSeconds"] = self.run_seconds
        if self.failure_reason:
            out["failureReason"] = self.failure_reason
        if self.failure_message:
            out["failureMessage"] = self.failure_message
        if self.image_pull_backoff:
            out["imagePullBackOff"] = True
        if self.stuck_pending:
            out["stuckPending"] = True
        if self.exit_code != 1:
            out["exitCode"] = self.exit_code
        return out


@dataclass
class ScenarioRule:
    name_contains: str
    scenario: Scenario


class ScenarioBook:
    """Rules from the control API; the annotation on an object wins over them."""

    def __init__(self) -> None:
        self.rules: list[ScenarioRule] = []

    def add(self, body: dict[str, Any]) -> ScenarioRule:
        match = body.get("match") or {}
        if "nameContains" not in match:
            raise ValueError("match.nameContains is required")
        scenario = Scenario.from_dict(body.get("scenario") or {})
        rule = ScenarioRule(str(match["nameContains"]), scenario)
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        self.rules.clear()

    def to_list(self) -> list[dict[str, Any]]:
        return [{"match": {"nameContains": r.name_contains}, "scenario": r.scenario.to_dict()}
                for r in self.rules]

    def for_object(self, obj: dict[str, Any]) -> Scenario:
        """The scenario for a workload (annotation first, then the latest matching rule)."""
        meta = obj.get("metadata") or {}
        raw = (meta.get("annotations") or {}).get(SCENARIO_ANNOTATION)
        if raw:
            try:
                return Scenario.from_dict(json.loads(raw))
            except (ValueError, TypeError):
                pass  # a broken annotation falls back to the rules/default
        name = meta.get("name", "")
        for rule in reversed(self.rules):
            if rule.name_contains in name:
                return rule.scenario
        return Scenario()
