"""karmada-scheduler's placement decision as a pure function.

Follows karmada-io/karmada @ f8fdd02:
- filter plugins (pkg/scheduler/framework/plugins): APIEnablement (a cluster must list the
  workload's group/version + kind in ``status.apiEnablements`` unless it already hosts it —
  k8s-reference caveat 6), TaintToleration (a NotReady cluster carries
  ``cluster.karmada.io/not-ready:NoSchedule``), ClusterAffinity (util.ClusterMatches:
  exclude, labelSelector, fieldSelector provider/region/zone, clusterNames), SpreadConstraint
  (clusters lacking the spread field);
- ``clusterAffinities``: terms tried in order, the first that schedules wins;
- scoring: ClusterLocality (clusters already in spec.clusters score 100);
- selection (core/spreadconstraint): clusters sorted by score, then available replicas, then
  name; spread by cluster takes the best ``maxGroups`` (resource-aware unless Duplicated);
  spread by region picks regions by group score, one cluster each, then fills up to the
  cluster maxGroups;
- assignment (core/assignment.go, division_algorithm.go): a binding with ``replicas == 0``
  (kinds WITHOUT replica interpretation: RayJob, PyTorchJob, TFJob, JAXJob ...) goes WHOLE to
  every selected cluster whatever the strategy; Duplicated copies ``replicas`` to each;
  Divided/Weighted static splits by weight; Divided/Aggregated packs the fewest clusters
  by available replicas; Divided/Weighted dynamic splits by available replicas.
Errors: FitError ("0/N clusters are available: ...", reason NoClusterFit) when no cluster
passes the filters; UnschedulableError (reason Unschedulable) for too few replicas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from karmada_sim.karmada.affinity import ClusterView, cluster_matches, label_selector_matches
from karmada_sim.karmada.pod_requirements import ResourceTotals

__all__ = ["MAX_INT32", "NOT_READY_TAINT", "UNREACHABLE_TAINT", "ClusterView", "ScheduleRequest",
           "ScheduleResult", "SchedulingError", "available_replicas", "cluster_matches",
           "label_selector_matches", "schedule"]

MAX_INT32 = 2**31 - 1
NOT_READY_TAINT = {"key": "cluster.karmada.io/not-ready", "effect": "NoSchedule"}
UNREACHABLE_TAINT = {"key": "cluster.karmada.io/unreachable", "effect": "NoSchedule"}


class SchedulingError(Exception):
    """Scheduling failed; ``reason`` is the Scheduled condition reason."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass
class ScheduleRequest:
    """The binding spec fields the scheduler reads."""

    api_version: str
    kind: str
    placement: dict[str, Any]
    replicas: int = 0
    requirements: dict[str, Any] | None = None
    previous: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ScheduleResult:
    clusters: list[dict[str, Any]]
    affinity_name: str | None = None


# -- filtering ------------------------------------------------------------------------------------
def _tolerated(taint: dict[str, Any], tolerations: list[dict[str, Any]]) -> bool:
    for t in tolerations:
        if t.get("effect") and t.get("effect") != taint.get("effect"):
            continue
        if t.get("operator") == "Exists" and not t.get("key"):
            return True
        if t.get("key") != taint.get("key"):
            continue
        if t.get("operator") == "Exists" or t.get("value", "") == taint.get("value", ""):
            return True
    return False


def _filter_reason(
    cluster: ClusterView, request: ScheduleRequest, affinity: dict[str, Any] | None
) -> str | None:
    placement = request.placement
    group_version = request.api_version
    previous = {c["name"] for c in request.previous}
    enabled = (group_version, request.kind) in cluster.api_enablements
    if not enabled and cluster.name not in previous:
        return "cluster(s) did not have the API resource"
    tolerations = placement.get("clusterTolerations") or []
    for taint in cluster.taints:
        if taint.get("effect") in ("NoSchedule", "NoExecute") and not _tolerated(
            taint, tolerations
        ):
            value = taint.get("value", "")
            return (f"cluster(s) had untolerated taint {{{taint.get('key')}: {value}}}"
                    if value else f"cluster(s) had untolerated taint {{{taint.get('key')}: }}")
    if affinity is not None and not cluster_matches(cluster, affinity):
        return "cluster(s) did not match the placement cluster affinity constraint"
    for constraint in placement.get("spreadConstraints") or []:
        by = constraint.get("spreadByField")
        if by == "provider" and not cluster.provider:
            return "cluster(s) did not have provider property"
        if by == "region" and not cluster.region:
            return "cluster(s) did not have region property"
        if by == "zone" and not cluster.zones:
            return "cluster(s) did not have zones property"
    return None


def available_replicas(cluster: ClusterView, requirements: dict[str, Any] | None) -> int:
    """GeneralEstimator.maxAvailableReplicas: free pod slots, capped by free resources.

    Even without replica requirements the answer is the allowed pod number
    (allocatable - allocated - allocating pods), so emptier clusters sort first.
    """
    if "pods" not in cluster.available:
        return 0  # no resource summary (pkg/estimator/client/general.go)
    maximum = max(cluster.available["pods"], 0)
    if maximum <= 0 or not requirements or not requirements.get("resourceRequest"):
        return min(maximum, MAX_INT32)
    need = ResourceTotals()
    need.add(requirements["resourceRequest"])
    for name, amount in need.amounts.items():
        if amount > 0:
            maximum = min(maximum, max(cluster.available.get(name, 0), 0) // amount)
    return min(maximum, MAX_INT32)


# -- selection ------------------------------------------------------------------------------------
@dataclass
class _Candidate:
    cluster: ClusterView
    score: int
    available: int


def _sorted(cands: list[_Candidate]) -> list[_Candidate]:
    return sorted(cands, key=lambda c: (-c.score, -c.available, c.cluster.name))


def _select(request: ScheduleRequest, cands: list[_Candidate]) -> list[_Candidate]:
    placement = request.placement
    constraints = {c.get("spreadByField"): c for c in placement.get("spreadConstraints") or []}
    strategy = placement.get("replicaScheduling") or {}
    static_weighted = (
        strategy.get("replicaSchedulingType") == "Divided"
        and strategy.get("replicaDivisionPreference") == "Weighted"
        and (strategy.get("weightPreference") is None
             or (strategy["weightPreference"].get("staticWeightList")
                 and not strategy["weightPreference"].get("dynamicWeight")))
    )
    if not constraints or static_weighted:
        return cands
    ignore_resources = not strategy or strategy.get("replicaSchedulingType", "Duplicated") == (
        "Duplicated")
    need = request.replicas
    if "region" in constraints:
        return _select_by_region(constraints, cands)
    if "cluster" not in constraints:
        raise SchedulingError("SchedulerError", "just support cluster and region spread constraint")
    spread = constraints["cluster"]
    min_groups = int(spread.get("minGroups", 1))
    max_groups = int(spread.get("maxGroups") or len(cands))
    if len(cands) < min_groups:
        raise SchedulingError(
            "SchedulerError", "failed to select clusters: the number of feasible clusters is "
            "less than spreadConstraint.MinGroups")
    count = min(len(cands), max_groups)
    chosen = cands[:count]
    if ignore_resources:
        return chosen
    rest = cands[count:]
    index = count - 1
    while sum(c.available for c in chosen) < need and index >= 0:
        better = [i for i, c in enumerate(rest) if c.available > chosen[index].available]
        if better:
            best = max(better, key=lambda i: rest[i].available)
            chosen[index], rest[best] = rest[best], chosen[index]
        index -= 1
    if sum(c.available for c in chosen) < need:
        raise SchedulingError(
            "SchedulerError",
            f"failed to select clusters: no enough resource when selecting {count} clusters")
    return chosen


def _select_by_region(constraints: dict[Any, Any], cands: list[_Candidate]) -> list[_Candidate]:
    region_c = constraints["region"]
    cluster_c = constraints.get("cluster") or {}
    regions: dict[str, list[_Candidate]] = {}
    for cand in cands:
        regions.setdefault(cand.cluster.region, []).append(cand)
    min_regions = int(region_c.get("minGroups", 1))
    max_regions = int(region_c.get("maxGroups") or len(regions))
    if len(regions) < min_regions:
        raise SchedulingError(
            "SchedulerError", "failed to select clusters: the number of feasible region is less "
            "than spreadConstraint.MinGroups")
    # group score: clusters with room, then mean cluster score (calcGroupScoreForDuplicate)
    ranked = sorted(
        regions.items(),
        key=lambda kv: (-(len(kv[1]) * 1000 + sum(c.score for c in kv[1]) // len(kv[1])), kv[0]),
    )[:max_regions]
    selected = [members[0] for _, members in ranked]
    rest = _sorted([c for _, members in ranked for c in members[1:]])
    max_clusters = int(cluster_c.get("maxGroups") or len(selected) + len(rest))
    need = min(len(selected) + len(rest), max_clusters) - len(selected)
    return selected + rest[:max(need, 0)]


# -- assignment -----------------------------------------------------------------------------------
def _spread(total: int, weights: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Split ``total`` proportionally to weights (largest remainder, ties by order)."""
    weight_sum = sum(w for _, w in weights)
    if weight_sum <= 0:
        return []
    shares = [(name, total * w // weight_sum, (total * w) % weight_sum) for name, w in weights]
    left = total - sum(s for _, s, _ in shares)
    order = sorted(range(len(shares)), key=lambda i: -shares[i][2])
    result = {name: share for name, share, _ in shares}
    for i in order[:left]:
        result[shares[i][0]] += 1
    return [{"name": name, "replicas": n} for name, n in result.items() if n > 0]


def _assign(request: ScheduleRequest, chosen: list[_Candidate]) -> list[dict[str, Any]]:
    if not chosen:
        raise SchedulingError("SchedulerError", "no clusters available to schedule")
    if request.replicas <= 0:
        # assignReplicas: "If not workload, assign all clusters without considering replicas."
        return [{"name": c.cluster.name} for c in chosen]
    strategy = request.placement.get("replicaScheduling") or {}
    kind = strategy.get("replicaSchedulingType", "Duplicated")
    if kind == "Duplicated":
        return [{"name": c.cluster.name, "replicas": request.replicas} for c in chosen]
    preference = strategy.get("replicaDivisionPreference")
    weight_pref = strategy.get("weightPreference") or {}
    if preference == "Weighted" and not weight_pref.get("dynamicWeight"):
        weights: list[tuple[str, int]] = []
        for c in chosen:
            w = max((int(r.get("weight", 0)) for r in weight_pref.get("staticWeightList") or []
                     if cluster_matches(c.cluster, r.get("targetCluster") or {})), default=0)
            if w > 0:
                weights.append((c.cluster.name, w))
        if not weights:
            weights = [(c.cluster.name, 1) for c in chosen]
        return _spread(request.replicas, weights)
    by_room = sorted(chosen, key=lambda c: (-c.available, c.cluster.name))
    total = sum(c.available for c in by_room)
    if total < request.replicas:
        raise SchedulingError(
            "Unschedulable", f"Clusters available replicas {total} are not enough to schedule.")
    if preference == "Aggregated":
        picked: list[_Candidate] = []
        running = 0
        for c in by_room:
            picked.append(c)
            running += c.available
            if running >= request.replicas:
                break
        by_room = picked
    return _spread(request.replicas, [(c.cluster.name, c.available) for c in by_room])


def _schedule_with(
    request: ScheduleRequest, clusters: list[ClusterView], affinity: dict[str, Any] | None
) -> list[dict[str, Any]]:
    reasons: dict[str, int] = {}
    feasible: list[ClusterView] = []
    for cluster in clusters:
        reason = _filter_reason(cluster, request, affinity)
        if reason is None:
            feasible.append(cluster)
        else:
            reasons[reason] = reasons.get(reason, 0) + 1
    if not feasible:
        detail = ", ".join(sorted(f"{n} {r}" for r, n in reasons.items())) or "no cluster exists"
        raise SchedulingError(
            "NoClusterFit", f"0/{len(clusters)} clusters are available: {detail}.")
    previous = {c["name"] for c in request.previous}
    cands = _sorted([
        _Candidate(c, 100 if c.name in previous else 0,
                   available_replicas(c, request.requirements))
        for c in feasible
    ])
    return _assign(request, _select(request, cands))


def schedule(request: ScheduleRequest, clusters: list[ClusterView]) -> ScheduleResult:
    """Decide ``spec.clusters`` for a binding, or raise SchedulingError."""
    terms = request.placement.get("clusterAffinities")
    if terms and not request.placement.get("clusterAffinity"):
        last: SchedulingError | None = None
        for term in terms:
            try:
                return ScheduleResult(_schedule_with(request, clusters, term),
                                      term.get("affinityName"))
            except SchedulingError as exc:
                last = exc
        assert last is not None
        raise last
    return ScheduleResult(
        _schedule_with(request, clusters, request.placement.get("clusterAffinity")))

