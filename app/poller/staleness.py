"""Jobs on an unreachable member cluster: keep the last phase, say the status is stale.

When Karmada loses contact with a member, its ``Ready`` condition becomes False with reason
``ClusterNotReachable`` (karmada pkg/controllers/status/cluster_status_controller.go) and the
member's last reported status stays in the binding and the template. Shown as it is, that
frozen status would look current. So a live job placed there keeps its phase with reason
``StatusStale`` until the member reports again; then the poller's normal interpretation
moves it on (a transition from StatusStale, recorded like any other).

The poller calls ``StalenessTracker.apply`` once per tick; member health is re-read at most
every ``CLUSTER_HEALTH_CHECK_SECONDS`` (one LIST of Clusters), not on every tick.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from app.db.history import Change
from app.db.models import TrainingJob
from app.jobstate.phases import Phase, Reason
from app.karmada import KarmadaClient, KarmadaError

log = logging.getLogger(__name__)

#: Karmada's reason on the Ready condition of a member it cannot reach.
CLUSTER_NOT_REACHABLE = "ClusterNotReachable"
_STALE_PHASES = (Phase.PENDING.value, Phase.RUNNING.value)


def unreachable_clusters(clusters: Iterable[dict[str, Any]]) -> set[str]:
    """Names of member clusters Karmada cannot reach (Ready Unknown, or ClusterNotReachable)."""
    names = set()
    for cluster in clusters:
        for condition in (cluster.get("status") or {}).get("conditions") or []:
            if condition.get("type") != "Ready":
                continue
            if condition.get("status") == "Unknown" or (
                condition.get("status") != "True"
                and condition.get("reason") == CLUSTER_NOT_REACHABLE
            ):
                names.add(cluster["metadata"]["name"])
    return names


def placed_on(row: TrainingJob) -> set[str]:
    return {str(c) for c in row.placement or []} | {str(c) for c in row.cluster_distribution or {}}


def apply_staleness(
    rows: Sequence[TrainingJob], changes: list[Change], unreachable: set[str]
) -> list[Change]:
    """``changes`` with every live job on an unreachable cluster held at StatusStale.

    A change to a terminal phase is kept: the member reported it before contact was lost.
    """
    if not unreachable:
        return changes
    stale_rows = {
        row.id: row
        for row in rows
        if row.status in _STALE_PHASES and placed_on(row) & unreachable
    }
    if not stale_rows:
        return changes
    result = [
        c for c in changes if c.job.id not in stale_rows or c.phase.is_terminal
    ]
    terminal = {c.job.id for c in result if c.job.id in stale_rows}
    for job_id, row in stale_rows.items():
        if job_id in terminal or row.reason == Reason.STATUS_STALE.value:
            continue
        clusters = ", ".join(sorted(placed_on(row) & unreachable))
        result.append(
            Change(
                row,
                Phase(row.status),
                Reason.STATUS_STALE,
                f"Member cluster {clusters} is unreachable; showing the last known status",
                cluster=sorted(placed_on(row) & unreachable)[0],
            )
        )
    return result


class StalenessTracker:
    """Member health for the poller, re-read at most every ``check_seconds`` (one LIST)."""

    def __init__(self, karmada: KarmadaClient, check_seconds: float = 5.0) -> None:
        self.karmada = karmada
        self.check_seconds = check_seconds
        self.unreachable: set[str] = set()
        #: The last Cluster list read (member health for the recovery loop).
        self.clusters: list[dict[str, Any]] = []
        self._checked_at: float | None = None
        #: Monotonic clock (replaceable in tests).
        self.clock = time.monotonic

    async def refresh(self) -> None:
        now = self.clock()
        if self._checked_at is not None and now - self._checked_at < self.check_seconds:
            return
        self._checked_at = now
        try:
            clusters = await self.karmada.list_clusters()
        except KarmadaError as exc:
            log.warning("poller: cannot read member health (%s); keeping the last view", exc)
            return
        unreachable = unreachable_clusters(clusters)
        if unreachable != self.unreachable:
            log.warning("member clusters unreachable: %s", ", ".join(sorted(unreachable)) or "none")
        self.unreachable = unreachable
        self.clusters = clusters

    async def apply(
        self,
        rows: Sequence[TrainingJob],
        changes: list[Change],
        observe: Callable[[TrainingJob], Change | None],
    ) -> list[Change]:
        """Hold jobs on unreachable members at StatusStale; re-observe those whose member is
        back (their objects did not change, so the tick would not look at them otherwise)."""
        if not rows:
            return changes
        await self.refresh()
        changes = apply_staleness(rows, changes, self.unreachable)
        have = {c.job.id for c in changes}
        for row in rows:
            if (
                row.reason == Reason.STATUS_STALE.value
                and row.id not in have
                and not placed_on(row) & self.unreachable
            ):
                change = observe(row)
                if change is not None:
                    changes.append(change)
        return changes
