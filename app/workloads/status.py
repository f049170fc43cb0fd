"""Shared status interpretation: binding placement, combining per-cluster facts.

Each kind supplies ``facts(status) -> StatusFacts`` for one status object (a member's
``aggregatedStatus[].status`` or the template's aggregated ``.status``). This module reads
the ResourceBinding, applies ``facts`` to every member and to the template, and combines:
any FAILED wins, then STOPPED/STOPPING, SUCCEEDED only when every copy succeeded, then
RUNNING, else PENDING. With one cluster (the default placement) that is just its state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType
from typing import Any

from app.jobstate.phases import Phase, Reason

IMAGE_PULL_MARKERS = ("ImagePullBackOff", "ErrImagePull", "InvalidImageName")


@dataclass(frozen=True)
class InterpretedStatus:
    """A job's state as read from Karmada."""

    phase: Phase
    reason: Reason
    message: str
    active: int = 0
    succeeded: int = 0
    failed: int = 0
    start_time: datetime | None = None
    completion_time: datetime | None = None
    # cluster -> that member's phase (Phase.value), from the binding's aggregatedStatus
    cluster_distribution: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    clusters: tuple[str, ...] = ()  # where the binding placed it (spec.clusters)


StatusFacts = InterpretedStatus  # one status object's reading (no distribution yet)
FactsFn = Callable[[Mapping[str, Any]], StatusFacts]


def parse_time(value: object) -> datetime | None:
    """RFC 3339 (``2025-11-22T10:00:01Z``) to an aware datetime; None if absent/invalid."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def as_int(value: object) -> int:
    """Counts from status fields; anything that is not an int counts as 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def items(value: object) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def true_conditions(status: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Conditions with status "True", by type (the last one of a type wins)."""
    return {
        str(c.get("type")): c for c in items(status.get("conditions")) if c.get("status") == "True"
    }


def mentions_image_pull(*texts: object) -> bool:
    return any(isinstance(t, str) and any(m in t for m in IMAGE_PULL_MARKERS) for t in texts)


@dataclass(frozen=True)
class Placement:
    """What the ResourceBinding says about where the job is."""

    clusters: tuple[str, ...]
    members: tuple[tuple[str, Mapping[str, Any]], ...]  # (cluster, aggregatedStatus item)
    unschedulable_message: str | None


def read_binding(binding: Mapping[str, Any] | None) -> Placement:
    """spec.clusters, status.aggregatedStatus[] and a Scheduled=False condition."""
    if not binding:
        return Placement((), (), None)
    spec = mapping(binding.get("spec"))
    status = mapping(binding.get("status"))
    clusters = tuple(
        str(c["name"]) for c in items(spec.get("clusters")) if isinstance(c.get("name"), str)
    )
    members = tuple(
        (str(item["clusterName"]), item)
        for item in items(status.get("aggregatedStatus"))
        if isinstance(item.get("clusterName"), str)
    )
    unschedulable = None
    for condition in items(status.get("conditions")):
        if condition.get("type") == "Scheduled" and condition.get("status") == "False":
            unschedulable = str(condition.get("message") or condition.get("reason") or "")
    return Placement(clusters, members, unschedulable)


_PENDING_RANK = {
    Reason.IMAGE_PULL_BACK_OFF: 3,
    Reason.INITIALIZING: 2,
    Reason.SCHEDULING: 1,
}


def combine(facts: Sequence[StatusFacts]) -> StatusFacts:
    """Worst state wins; SUCCEEDED only when every copy succeeded."""
    if not facts:
        return StatusFacts(Phase.PENDING, Reason.INITIALIZING, "waiting for status")
    for phase in (Phase.FAILED, Phase.STOPPED, Phase.STOPPING):
        found = [f for f in facts if f.phase == phase]
        if found:
            chosen = found[0]
            break
    else:
        if all(f.phase == Phase.SUCCEEDED for f in facts):
            chosen = facts[0]
        else:
            running = [f for f in facts if f.phase == Phase.RUNNING]
            if running:
                retrying = [f for f in running if f.reason == Reason.RETRYING]
                chosen = (retrying or running)[0]
            else:
                pending = [f for f in facts if f.phase == Phase.PENDING]
                chosen = max(pending, key=lambda f: _PENDING_RANK.get(f.reason, 0))
    starts = [f.start_time for f in facts if f.start_time]
    ends = [f.completion_time for f in facts if f.completion_time]
    terminal = chosen.phase.is_terminal
    return replace(
        chosen,
        active=sum(f.active for f in facts),
        succeeded=sum(f.succeeded for f in facts),
        failed=sum(f.failed for f in facts),
        start_time=min(starts) if starts else None,
        completion_time=max(ends) if terminal and ends else None,
    )


def _with_cluster(facts: StatusFacts, cluster: str, copies: int) -> StatusFacts:
    if copies <= 1 or not facts.message:
        return facts
    return replace(facts, message=f"{cluster}: {facts.message}")


def interpret_with(
    facts_fn: FactsFn,
    template: Mapping[str, Any] | None,
    binding: Mapping[str, Any] | None,
    *,
    use_template_status: bool = True,
    suspend_requested: bool = False,
) -> InterpretedStatus:
    """Interpret a workload from its template and binding with a kind's ``facts_fn``.

    ``use_template_status=False`` for kinds Karmada does not aggregate (JAXJob): only the
    members' statuses count.
    """
    if template is None:
        # The caller decides (WorkloadLost, or expected while stopping/deleting).
        return InterpretedStatus(Phase.FAILED, Reason.WORKLOAD_LOST, "workload object not found")
    placement = read_binding(binding)
    member_facts: dict[str, StatusFacts] = {}
    for cluster, item in placement.members:
        status = mapping(item.get("status"))
        if status:
            member_facts[cluster] = facts_fn(status)
        elif item.get("applied") is False:
            message = f"not applied on {cluster}: {item.get('appliedMessage') or 'unknown error'}"
            member_facts[cluster] = StatusFacts(Phase.PENDING, Reason.SCHEDULING, message)
        else:
            member_facts[cluster] = StatusFacts(Phase.PENDING, Reason.INITIALIZING, "starting")
    copies = len(placement.clusters)
    template_status = mapping(template.get("status"))
    template_facts = facts_fn(template_status) if use_template_status and template_status else None
    if member_facts:
        collected = [_with_cluster(f, c, copies) for c, f in member_facts.items()]
        # Members placed but not reporting yet still count (SUCCEEDED needs every copy).
        collected += [
            StatusFacts(Phase.PENDING, Reason.INITIALIZING, "starting")
            for cluster in placement.clusters
            if cluster not in member_facts
        ]
        result = combine(collected)
        if template_facts is not None and (
            template_facts.phase.is_terminal or template_facts.phase == Phase.STOPPING
        ):
            # A terminal aggregate is final, but its counts are the members' own (summed).
            verdict = combine([result, template_facts])
            result = replace(
                result, phase=verdict.phase, reason=verdict.reason, message=verdict.message
            )
    elif template_facts is not None:
        # No member items yet: the aggregated template status is all we have.
        result = template_facts
    else:
        result = combine([])
    if not placement.clusters and not result.phase.is_terminal:
        if placement.unschedulable_message is not None:
            result = InterpretedStatus(
                Phase.PENDING,
                Reason.UNSCHEDULABLE,
                placement.unschedulable_message or "no cluster fits",
            )
        else:
            result = InterpretedStatus(Phase.PENDING, Reason.SCHEDULING, "waiting for placement")
    if suspend_requested and not result.phase.is_terminal:
        # Nothing placed means nothing runs: stopped at once; else wait for the members.
        phase = Phase.STOPPED if not placement.clusters else Phase.STOPPING
        result = replace(
            result,
            phase=phase,
            reason=Reason.STOPPED_BY_USER,
            message="suspended" if phase == Phase.STOPPED else "suspending",
        )
    distribution = {c: f.phase.value for c, f in member_facts.items()}
    for cluster in placement.clusters:
        distribution.setdefault(cluster, Phase.PENDING.value)
    return replace(
        result,
        cluster_distribution=MappingProxyType(distribution),
        clusters=placement.clusters,
    )


def with_pod_image_pull(
    result: InterpretedStatus, pods: Sequence[Mapping[str, Any]] | None
) -> InterpretedStatus:
    """PENDING -> ImagePullBackOff when a pod of the job is stuck pulling its image."""
    if not pods or result.phase != Phase.PENDING:
        return result
    for pod in pods:
        status = mapping(pod.get("status"))
        for container in items(status.get("containerStatuses")) + items(
            status.get("initContainerStatuses")
        ):
            waiting = mapping(mapping(container.get("state")).get("waiting"))
            if mentions_image_pull(waiting.get("reason")):
                message = str(waiting.get("message") or waiting.get("reason"))
                return replace(result, reason=Reason.IMAGE_PULL_BACK_OFF, message=message)
    return result
