"""What the Kubeflow kinds share: replica specs and the condition-based status reading.

Kubeflow jobs (training-operator v1 and mpi-operator v2beta1) report JobConditions
Created / Running / Restarting / Succeeded / Suspended / Failed, and per replica type
active/succeeded/failed counts in ``replicaStatuses``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.jobstate.phases import Phase, Reason
from app.workloads.status import (
    InterpretedStatus,
    StatusFacts,
    as_int,
    interpret_with,
    mapping,
    parse_time,
    true_conditions,
    with_pod_image_pull,
)

# restartPolicy Never: a failed replica fails the job (backoffLimit defaults to 0), so a
# broken script surfaces as FAILED instead of restarting in place forever.
REPLICA_RESTART_POLICY = "Never"


def replica_spec(template: dict[str, Any], replicas: int) -> dict[str, Any]:
    """One entry of ``<framework>ReplicaSpecs``."""
    return {"replicas": replicas, "restartPolicy": REPLICA_RESTART_POLICY, "template": template}


def _is_deadline(condition: Mapping[str, Any]) -> bool:
    # batch/v1 and mpi-operator use reason DeadlineExceeded; training-operator v1 reports
    # "<Kind>Failed" with "... active longer than specified deadline" in the message.
    message = str(condition.get("message") or "")
    deadline_text = "longer than specified deadline" in message
    return condition.get("reason") == "DeadlineExceeded" or deadline_text


def replica_counts(status: Mapping[str, Any]) -> dict[str, int]:
    """active/succeeded/failed summed over replica types."""
    totals = {"active": 0, "succeeded": 0, "failed": 0}
    for replica in mapping(status.get("replicaStatuses")).values():
        for key in totals:
            totals[key] += as_int(mapping(replica).get(key))
    return totals


def kubeflow_facts(status: Mapping[str, Any]) -> StatusFacts:
    """Read one Kubeflow job ``.status`` (member or aggregated)."""
    conditions = true_conditions(status)
    counts = replica_counts(status)
    start = parse_time(status.get("startTime"))
    end = parse_time(status.get("completionTime"))

    def facts(
        phase: Phase, reason: Reason, condition: Mapping[str, Any], default: str
    ) -> StatusFacts:
        message = str(condition.get("message") or default)
        done = phase.is_terminal
        return StatusFacts(
            phase,
            reason,
            message,
            active=counts["active"],
            succeeded=counts["succeeded"],
            failed=counts["failed"],
            start_time=start,
            completion_time=end if done else None,
        )

    if "Failed" in conditions:
        failed = conditions["Failed"]
        reason = Reason.DEADLINE_EXCEEDED if _is_deadline(failed) else Reason.APP_FAILED
        return facts(Phase.FAILED, reason, failed, "job failed")
    if "Succeeded" in conditions:
        return facts(Phase.SUCCEEDED, Reason.COMPLETED, conditions["Succeeded"], "job succeeded")
    if "Suspended" in conditions:
        return facts(Phase.STOPPED, Reason.STOPPED_BY_USER, conditions["Suspended"], "suspended")
    if "Restarting" in conditions:
        return facts(Phase.RUNNING, Reason.RETRYING, conditions["Restarting"], "restarting")
    if "Running" in conditions:
        return facts(Phase.RUNNING, Reason.RUNNING, conditions["Running"], "running")
    created = conditions.get("Created", {})
    return facts(Phase.PENDING, Reason.INITIALIZING, created, "created, pods starting")


def suspend_requested(template: Mapping[str, Any] | None) -> bool:
    """runPolicy.suspend set on the template (stopJob)."""
    spec = mapping(mapping(template).get("spec"))
    return bool(mapping(spec.get("runPolicy")).get("suspend"))


def interpret_kubeflow_status(
    template: Mapping[str, Any] | None,
    binding: Mapping[str, Any] | None,
    pods: Sequence[Mapping[str, Any]] | None = None,
    *,
    use_template_status: bool = True,
) -> InterpretedStatus:
    """A Kubeflow training job's state: from the status Karmada aggregates into the template
    (``use_template_status``; PyTorchJob, TFJob), or from the binding's members alone (JAXJob,
    which Karmada does not aggregate), with image-pull trouble read from the pods."""
    result = interpret_with(
        kubeflow_facts,
        template,
        binding,
        use_template_status=use_template_status,
        suspend_requested=suspend_requested(template),
    )
    return with_pod_image_pull(result, pods)
