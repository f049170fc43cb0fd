"""Karmada's native interpreter for ``batch/v1 Job`` (no Lua customization exists).

Follows the k8s-reference README section "How Karmada's native interpreter handles batch/v1
Job" (pkg/resourceinterpreter/default/native/{aggregatestatus,reflectstatus,replica,
dependencies}.go and pkg/util/helper/job.go @ f8fdd02).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from karmada_sim.karmada.pod_requirements import pod_dependencies, replica_requirements

_REFLECTED = ("active", "succeeded", "failed", "conditions", "startTime", "completionTime")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _has_condition(status: dict[str, Any] | None, kind: str) -> bool:
    return any(
        c.get("type") == kind and c.get("status") == "True"
        for c in (status or {}).get("conditions") or []
    )


def reflect_job_status(observed: dict[str, Any]) -> dict[str, Any] | None:
    """ReflectStatus: keep only active/succeeded/failed/conditions/startTime/completionTime."""
    status = observed.get("status")
    if status is None:
        return None
    return {k: copy.deepcopy(status[k]) for k in _REFLECTED if k in status}


def aggregate_job_status(
    template: dict[str, Any], items: list[dict[str, Any]], now: str | None = None
) -> dict[str, Any]:
    """AggregateStatus of a Job template from ``status.aggregatedStatus[]`` items.

    Returns the template with its new ``.status`` (unchanged once Complete/Failed).
    """
    obj = copy.deepcopy(template)
    current = obj.get("status") or {}
    if _has_condition(current, "Complete") or _has_condition(current, "Failed"):
        return obj
    stamp = now or _now()
    new: dict[str, Any] = {}
    active = succeeded = failed = 0
    succeeded_members = 0
    criteria_met = 0
    failed_clusters: list[str] = []
    starts: list[str] = []
    completions: list[str] = []
    for item in items:
        status = item.get("status")
        if not status:
            continue
        active += int(status.get("active") or 0)
        succeeded += int(status.get("succeeded") or 0)
        failed += int(status.get("failed") or 0)
        if _has_condition(status, "Complete"):
            succeeded_members += 1
        if _has_condition(status, "SuccessCriteriaMet"):
            criteria_met += 1
        if _has_condition(status, "Failed"):
            failed_clusters.append(item.get("clusterName", ""))
        if status.get("startTime"):
            starts.append(status["startTime"])
        if status.get("completionTime"):
            completions.append(status["completionTime"])
    new["active"] = active
    new["succeeded"] = succeeded
    new["failed"] = failed
    conditions: list[dict[str, Any]] = []
    if failed_clusters:
        conditions.append({
            "type": "Failed", "status": "True", "reason": "JobFailed",
            "message": "Job executed failed in member clusters " + ",".join(failed_clusters),
            "lastProbeTime": stamp, "lastTransitionTime": stamp,
        })
    # The count includes items that have no status yet.
    if items and succeeded_members == len(items):
        conditions.append({
            "type": "Complete", "status": "True", "reason": "Completed",
            "message": "Job completed", "lastProbeTime": stamp, "lastTransitionTime": stamp,
        })
        if criteria_met == len(items):
            conditions.append({
                "type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached",
                "message": "All member clusters have met success criteria",
                "lastProbeTime": stamp, "lastTransitionTime": stamp,
            })
    if conditions:
        new["conditions"] = conditions
    if current.get("startTime"):
        new["startTime"] = current["startTime"]
    elif items and len(starts) == len(items):
        new["startTime"] = min(starts)
    if items and len(completions) == len(items):
        new["completionTime"] = max(completions)
    obj["status"] = new
    return obj


def job_replicas(template: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
    """InterpretReplica: min(parallelism, completions) and the pod template's requirements."""
    spec = template.get("spec") or {}
    parallelism = int(spec.get("parallelism", 1) if spec.get("parallelism") is not None else 1)
    completions = spec.get("completions")
    replicas = parallelism if completions is None else min(parallelism, int(completions))
    return replicas, replica_requirements(spec.get("template") or {})


def revise_job_replicas(template: dict[str, Any], replicas: int) -> dict[str, Any]:
    """ReviseReplica: only spec.parallelism takes the share; completions is not divided."""
    obj = copy.deepcopy(template)
    obj.setdefault("spec", {})["parallelism"] = replicas
    return obj


def job_dependencies(template: dict[str, Any]) -> list[dict[str, str]]:
    """GetDependencies: ConfigMaps/Secrets/ServiceAccount/PVCs of the pod template."""
    namespace = (template.get("metadata") or {}).get("namespace") or "default"
    return pod_dependencies((template.get("spec") or {}).get("template") or {}, namespace)
