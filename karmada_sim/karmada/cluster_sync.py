"""cluster-status controller: Cluster objects follow the simulated members.

Ready condition, taints for NotReady/unreachable members (after a failure-threshold grace for
unreachable ones, as pkg/controllers/status/cluster_status_controller.go), apiEnablements and
resourceSummary (see clusters.py for the strings).
"""

from __future__ import annotations

import time

from karmada_sim.karmada.clusters import cluster_object, cluster_spec, cluster_status
from karmada_sim.karmada.state import ControllerState, now_rfc3339


class ClusterSync(ControllerState):
    """Keeps Cluster objects in step with the members."""

    def create_clusters(self) -> None:
        """Create the Cluster objects (install time)."""
        for member in self.members.values():
            if self.store.get(self.cluster_rt, None, member.name) is None:
                self.store.create(self.cluster_rt, cluster_object(member))
        self.sync_clusters(force=True)

    def unreachable_grace(self) -> float:
        """How long a member stays silent before its Cluster goes NotReady (failure threshold)."""
        return max(3 * self.sync_seconds, 0.3)

    def sync_clusters(self, *, force: bool = False) -> None:
        """cluster-status-controller: Ready condition, apiEnablements, resource summary."""
        now = time.monotonic()
        changed = force or self._cluster_dirty
        for name, member in self.members.items():
            if not member.reachable:
                since = self._unreachable_since.setdefault(name, now)
                if now - since >= self.unreachable_grace():
                    changed = True
            else:
                if self._unreachable_since.pop(name, None) is not None:
                    changed = True
        if not changed:
            return
        self._cluster_dirty = False
        stamp = now_rfc3339()
        became_ready = False
        for name, member in self.members.items():
            current = self.store.get(self.cluster_rt, None, name)
            if current is None:
                continue
            unreachable = not member.reachable and (
                now - self._unreachable_since.get(name, now) >= self.unreachable_grace())
            spec = dict(current.get("spec") or {})
            wanted_spec = cluster_spec(member, unreachable=unreachable)
            if spec.get("taints") != wanted_spec.get("taints"):
                spec["taints"] = wanted_spec.get("taints")
                self.store.patch(self.cluster_rt, None, name,
                                 {"spec": {"taints": wanted_spec.get("taints")}})
                became_ready = became_ready or not wanted_spec.get("taints")
            status = cluster_status(member, unreachable=unreachable, since=stamp,
                                    previous=current.get("status"))
            if status != current.get("status"):
                self.store.patch(self.cluster_rt, None, name, {"status": status},
                                 subresource="status")
        if became_ready:
            self._retry_unscheduled()

    def mark_member_changed(self) -> None:
        """Control API hook: a member's readiness/reachability changed."""
        self._cluster_dirty = True
        self.sync_clusters(force=True)
        for member in self.members.values():
            member.resume()  # writes that waited for an unavailable member run now
        # statuses of its workloads flow again (or stop) from now on
        for member in self.members.values():
            for key in member.workloads:
                self._member_status_changed(member.name, key)
