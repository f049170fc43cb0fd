"""State shared by the simulated Karmada controller's parts (see controller.py)."""

from __future__ import annotations

import collections
from datetime import UTC, datetime
from typing import Any

from karmada_sim.karmada.affinity import ClusterView
from karmada_sim.karmada.interpreter import ResourceInterpreter
from karmada_sim.members.cluster import MemberCluster, ObjKey
from karmada_sim.members.scenario import ScenarioBook
from karmada_sim.runtime import Simulator
from karmada_sim.store import ObjectStore, ResourceType

BindingKey = tuple[str, str]  # (namespace, name)


def now_rfc3339() -> str:
    """Current UTC time as Kubernetes writes it (seconds, Z)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_condition(kind: str, triple: tuple[str, str, str], previous: list[dict[str, Any]],
              now: str) -> dict[str, Any]:
    """A metav1.Condition; lastTransitionTime kept while the status does not change."""
    status, reason, message = triple
    old = next((c for c in previous if c.get("type") == kind), None)
    when = old.get("lastTransitionTime", now) if old and old.get("status") == status else now
    return {"type": kind, "status": status, "reason": reason, "message": message,
            "lastTransitionTime": when}


def merge_conditions(previous: list[dict[str, Any]], new: dict[str, Any]
                     ) -> list[dict[str, Any]]:
    """meta.SetStatusCondition, with Scheduled before FullyApplied."""
    out = [c for c in previous if c.get("type") != new["type"]]
    out.append(new)
    order = {"Scheduled": 0, "FullyApplied": 1}
    return sorted(out, key=lambda c: order.get(c.get("type", ""), 9))


class ControllerState:
    """Attributes and cross-part hooks of ``KarmadaController`` (set in its __init__)."""

    sim: Simulator
    store: ObjectStore
    members: dict[str, MemberCluster]
    scenarios: ScenarioBook
    interpreter: ResourceInterpreter
    rb_rt: ResourceType
    cluster_rt: ResourceType
    _scheduled: dict[BindingKey, str]
    _applied: dict[BindingKey, tuple[str, str]]
    _dirty_status: set[BindingKey]
    #: binding -> (template resourceVersion, aggregatedStatus items) of its last aggregation.
    _aggregated_inputs: dict[BindingKey, tuple[str, list[dict[str, Any]]]]
    refused_status_updates: collections.Counter[tuple[str, str]]
    _unscheduled: set[BindingKey]
    # (Cluster versions, the scheduler's views of them): see BindingSync._cluster_views.
    _views_cache: tuple[tuple[Any, ...], list[ClusterView]] | None = None
    _cluster_dirty: bool
    _unreachable_since: dict[str, float]

    @property
    def sync_seconds(self) -> float:
        """How often statuses and cluster summaries are flushed."""
        return max(self.sim.config.timing.status_sync_seconds, 0.01)

    def _member_status_changed(self, cluster: str, key: ObjKey) -> None:
        raise NotImplementedError

    def _retry_unscheduled(self) -> None:
        raise NotImplementedError

    def _template_of(self, binding: dict[str, Any], *, shared: bool = False
                     ) -> dict[str, Any] | None:
        raise NotImplementedError

    @staticmethod
    def _template_key(obj: dict[str, Any]) -> tuple[str, str, str, str]:
        meta = obj["metadata"]
        return obj["apiVersion"], obj["kind"], meta.get("namespace", ""), meta["name"]
