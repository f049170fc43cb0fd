"""Kubeflow training-operator v1 jobs and mpi-operator v2beta1 MPIJob on a member.

Conditions Created / Running / Restarting / Succeeded / Failed / Suspended with
``<Kind><Event>`` reasons and the operators' messages, replicaStatuses, runPolicy.
"""

from __future__ import annotations

from typing import Any

from karmada_sim.members.lifecycle import Phase, Run, RunPolicy
from karmada_sim.members.model_base import (
    Iso,
    as_float,
    owner_reference,
    replica_count,
    with_attempt,
)
from karmada_sim.members.pods import PodPlan, pod_labels, random_suffix
from karmada_sim.members.scenario import Scenario


def _condition(kind: str, reason: str, message: str, when: str, status: str = "True"
               ) -> dict[str, Any]:
    return {"type": kind, "status": status, "reason": reason, "message": message,
            "lastUpdateTime": when, "lastTransitionTime": when}


class KubeflowModel:
    """training-operator v1 jobs (and, with ``mpi=True``, mpi-operator v2beta1 MPIJob)."""

    def __init__(self, kind: str, replica_field: str, operator: str, *, mpi: bool = False):
        self.kind = kind
        self.replica_field = replica_field
        self.operator = operator
        self.mpi = mpi

    def policy(self, obj: dict[str, Any]) -> RunPolicy:
        run_policy = (obj.get("spec") or {}).get("runPolicy") or {}
        restart = {s.get("restartPolicy") for s in self._specs(obj).values()}
        retries = int(run_policy.get("backoffLimit") or 0) if restart & {
            "OnFailure", "ExitCode", "Always"} else 0
        return RunPolicy(
            active_deadline_seconds=as_float(run_policy.get("activeDeadlineSeconds")),
            backoff_limit=retries,
            suspend=bool(run_policy.get("suspend")),
            ttl_seconds_after_finished=as_float(run_policy.get("ttlSecondsAfterFinished")),
            clean_pods_on_finish=run_policy.get("cleanPodPolicy") == "All",
        )

    def _specs(self, obj: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return dict((obj.get("spec") or {}).get(self.replica_field) or {})

    def pods(self, obj: dict[str, Any], run: Run) -> list[PodPlan]:
        name = obj["metadata"]["name"]
        plans: list[PodPlan] = []
        for rtype, rspec in self._specs(obj).items():
            tmpl = rspec.get("template") or {}
            count = replica_count(rspec)
            lower = rtype.lower()
            for i in range(count):
                labels = {"training.kubeflow.org/job-name": name,
                          "training.kubeflow.org/operator-name": self.operator,
                          "training.kubeflow.org/replica-type": lower,
                          "training.kubeflow.org/replica-index": str(i)}
                if self.mpi:
                    labels["training.kubeflow.org/job-role"] = lower
                elif lower in ("master", "chief"):
                    labels["training.kubeflow.org/job-role"] = "master"
                pod_name = f"{name}-{lower}-{i}"
                if self.mpi and lower == "launcher":
                    pod_name = f"{name}-launcher-{random_suffix(name + str(run.attempt))}"
                    labels.pop("training.kubeflow.org/replica-index")
                plans.append(PodPlan(name=with_attempt(pod_name, run) if not self.mpi
                                     else pod_name, template=tmpl,
                                     labels=pod_labels(tmpl, labels), role=lower,
                                     owner=owner_reference(obj)))
        return plans

    def status(self, obj: dict[str, Any], run: Run, scenario: Scenario, iso: Iso
               ) -> dict[str, Any]:
        meta = obj["metadata"]
        ns_name = f"{meta.get('namespace')}/{meta['name']}"
        kind = self.kind
        created = iso(run.created_at)
        conditions = [_condition("Created", f"{kind}Created", f"{kind} {ns_name} is created.",
                                 created)]
        counts = {rtype: {"active": 0, "succeeded": 0, "failed": 0} for rtype in self._specs(obj)}
        replicas = {rtype: replica_count(s) for rtype, s in self._specs(obj).items()}
        status: dict[str, Any] = {}
        if run.phase == Phase.SUSPENDED:
            when = iso(run.suspended_at or run.created_at)
            conditions.append(_condition("Suspended", f"{kind}Suspended",
                                         f"{kind} {meta['name']} is suspended.", when))
            status["conditions"] = conditions
            status["replicaStatuses"] = counts
            return status
        if run.start_time is not None:
            status["startTime"] = iso(run.start_time)
        if run.running_at is not None or run.phase in (Phase.SUCCEEDED, Phase.FAILED):
            when = iso(run.running_at or run.created_at)
            still = run.phase == Phase.RUNNING or (run.phase in (Phase.PENDING, Phase.STARTING))
            conditions.append(_condition("Running", f"{kind}Running",
                                         f"{kind} {ns_name} is running.", when,
                                         "True" if still else "False"))
        if run.attempt and run.phase in (Phase.PENDING, Phase.STARTING, Phase.RUNNING):
            failing = "Worker" if "Worker" in counts else next(iter(counts), "Worker")
            conditions.append(_condition(
                "Restarting", f"{kind}Restarting",
                f"{kind} {ns_name} is restarting because 1 {failing} replica(s) failed.",
                iso(run.scheduled_at or run.created_at)))
        if run.phase in (Phase.STARTING, Phase.RUNNING):
            for rtype in counts:
                counts[rtype]["active"] = replicas[rtype]
        if run.phase == Phase.SUCCEEDED:
            when = iso(run.finished_at or run.created_at)
            message = f"{kind} {ns_name} successfully completed."
            conditions.append(_condition("Succeeded", f"{kind}Succeeded", message, when))
            for rtype in counts:
                counts[rtype]["succeeded"] = replicas[rtype]
            status["completionTime"] = when
        elif run.phase == Phase.FAILED:
            when = iso(run.finished_at or run.created_at)
            main = "Launcher" if self.mpi else ("Master" if "Master" in counts else (
                "Chief" if "Chief" in counts else next(iter(counts), "Worker")))
            if run.failed_replica in counts:
                main = run.failed_replica  # a fault hit this replica (members/disruption.py)
            if run.deadline_exceeded:
                message = f"Job {meta['name']} has failed because it was active longer than " \
                          "specified deadline"
            elif run.attempt and run.attempt >= self.policy(obj).backoff_limit > 0:
                message = f"Job {meta['name']} has failed because it has reached the " \
                          "specified backoff limit"
            else:
                message = scenario.failure_message or (
                    f"{kind} {ns_name} is failed because 1 {main} replica(s) failed.")
            conditions.append(_condition("Failed", scenario.failure_reason or f"{kind}Failed",
                                         run.failure_message or message, when))
            if main in counts:
                counts[main]["failed"] = 1
            status["completionTime"] = when
        status["conditions"] = conditions
        status["replicaStatuses"] = counts
        status["lastReconcileTime"] = iso(run.finished_at or run.running_at or run.created_at)
        return status
