"""The Kubernetes Job controller on a member (>= 1.31 condition semantics).

SuccessCriteriaMet before Complete, FailureTarget before Failed, counters, suspend, Indexed
completion mode.
"""

from __future__ import annotations

from typing import Any

from karmada_sim.members.lifecycle import Phase, Run, RunPolicy
from karmada_sim.members.model_base import (
    Iso,
    as_float,
    owner_reference,
    replica_count,
)
from karmada_sim.members.pods import PodPlan, pod_labels, random_suffix
from karmada_sim.members.scenario import Scenario


class BatchJobModel:
    """Kubernetes Job controller (>= 1.31 condition semantics)."""

    def policy(self, obj: dict[str, Any]) -> RunPolicy:
        spec = obj.get("spec") or {}
        backoff = spec.get("backoffLimit")
        return RunPolicy(
            active_deadline_seconds=as_float(spec.get("activeDeadlineSeconds")),
            backoff_limit=int(backoff) if backoff is not None else 6,
            suspend=bool(spec.get("suspend")),
            ttl_seconds_after_finished=as_float(spec.get("ttlSecondsAfterFinished")),
        )

    @staticmethod
    def _counts(obj: dict[str, Any]) -> tuple[int, int]:
        spec = obj.get("spec") or {}
        parallelism = replica_count(spec, "parallelism")
        completions = spec.get("completions")
        total = int(completions) if completions is not None else parallelism
        return min(parallelism, total) if total else parallelism, total

    def pods(self, obj: dict[str, Any], run: Run) -> list[PodPlan]:
        meta = obj["metadata"]
        name, uid = meta["name"], meta.get("uid", "")
        tmpl = (obj.get("spec") or {}).get("template") or {}
        indexed = (obj.get("spec") or {}).get("completionMode") == "Indexed"
        width, _ = self._counts(obj)
        plans = []
        for i in range(width):
            labels = {"batch.kubernetes.io/controller-uid": uid,
                      "batch.kubernetes.io/job-name": name,
                      "controller-uid": uid, "job-name": name}
            pod_name = f"{name}-{random_suffix(f'{uid}{i}{run.attempt}')}"
            if indexed:
                labels["batch.kubernetes.io/job-completion-index"] = str(i)
                pod_name = f"{name}-{i}-{random_suffix(f'{uid}{i}{run.attempt}')}"
            plans.append(PodPlan(name=pod_name, template=tmpl, labels=pod_labels(tmpl, labels),
                                 role="pod", owner=owner_reference(obj)))
        return plans

    def status(self, obj: dict[str, Any], run: Run, scenario: Scenario, iso: Iso
               ) -> dict[str, Any]:
        width, total = self._counts(obj)
        indexed = (obj.get("spec") or {}).get("completionMode") == "Indexed"
        status: dict[str, Any] = {"uncountedTerminatedPods": {}}
        conditions: list[dict[str, Any]] = []
        if run.phase == Phase.SUSPENDED:
            when = iso(run.suspended_at or run.created_at)
            conditions.append({"type": "Suspended", "status": "True", "reason": "JobSuspended",
                               "message": "Job suspended", "lastProbeTime": when,
                               "lastTransitionTime": when})
            status.update(active=0, ready=0, succeeded=0, failed=run.failed_attempts * width,
                          terminating=0, conditions=conditions)
            return status
        if run.start_time is not None:
            status["startTime"] = iso(run.start_time)
        active = width if run.phase in (Phase.PENDING, Phase.STARTING, Phase.RUNNING) else 0
        status["active"] = active
        status["ready"] = width if run.phase == Phase.RUNNING else 0
        status["terminating"] = 0
        status["failed"] = run.failed_attempts * width
        status["succeeded"] = total if run.phase == Phase.SUCCEEDED else 0
        if run.phase == Phase.SUCCEEDED:
            when = iso(run.finished_at or run.created_at)
            message = "Reached expected number of succeeded pods"
            for kind in ("SuccessCriteriaMet", "Complete"):
                conditions.append({"type": kind, "status": "True", "reason": "CompletionsReached",
                                   "message": message, "lastProbeTime": when,
                                   "lastTransitionTime": when})
            status["completionTime"] = when
            if indexed and total:
                status["completedIndexes"] = "0" if total == 1 else f"0-{total - 1}"
        elif run.phase == Phase.FAILED:
            when = iso(run.finished_at or run.created_at)
            if run.deadline_exceeded:
                reason = "DeadlineExceeded"
                message = "Job was active longer than specified deadline"
                status["failed"] = status["failed"] + (width if run.running_at else 0)
            else:
                reason = run.failure_reason or scenario.failure_reason or "BackoffLimitExceeded"
                message = run.failure_message or scenario.failure_message or (
                    "Job has reached the specified backoff limit")
            for kind in ("FailureTarget", "Failed"):
                conditions.append({"type": kind, "status": "True", "reason": reason,
                                   "message": message, "lastProbeTime": when,
                                   "lastTransitionTime": when})
        if conditions:
            status["conditions"] = conditions
        return status
