"""batch/v1 Job for custom containers (algorithm.source "container"): builder + interpreter.

parallelism = completions = instanceCount (Indexed when > 1, so each pod gets
JOB_COMPLETION_INDEX); restartPolicy Never; the image's own command unless an entrypoint
is given. Env only (no flags): a custom image defines its own CLI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.jobstate.phases import Phase, Reason
from app.workloads.common import BuildContext, Manifest
from app.workloads.kinds import BATCHJOB
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

CONTAINER = "main"


def build_batchjob(ctx: BuildContext) -> Manifest:
    """The Job for a container request (see module docstring)."""
    request = ctx.request
    count = request.resources.instance_count
    container = ctx.container(CONTAINER, command=ctx.command())
    spec: dict[str, Any] = {
        "parallelism": count,
        "completions": count,
        "backoffLimit": ctx.settings.backoff_limit,
        "suspend": False,
        "template": ctx.pod_template([container], restart_policy="Never"),
    }
    if count > 1:
        spec["completionMode"] = "Indexed"
    if ctx.settings.ttl_seconds_after_finished is not None:
        spec["ttlSecondsAfterFinished"] = ctx.settings.ttl_seconds_after_finished
    deadline = request.stopping_condition.max_runtime_seconds
    if deadline:
        spec["activeDeadlineSeconds"] = deadline
    return ctx.workload(spec)


def batchjob_facts(status: Mapping[str, Any]) -> StatusFacts:
    """Read one Job ``.status`` (a member's reflected status or the aggregated template).

    Karmada reflects only active/succeeded/failed/conditions/startTime/completionTime.
    """
    conditions = true_conditions(status)
    active = as_int(status.get("active"))

    def facts(phase: Phase, reason: Reason, message: str, end: object = None) -> StatusFacts:
        return StatusFacts(
            phase,
            reason,
            message,
            active=active,
            succeeded=as_int(status.get("succeeded")),
            failed=as_int(status.get("failed")),
            start_time=parse_time(status.get("startTime")),
            completion_time=parse_time(status.get("completionTime") or end)
            if phase.is_terminal
            else None,
        )

    failed = conditions.get("Failed") or conditions.get("FailureTarget")
    if failed is not None:
        reason = (
            Reason.DEADLINE_EXCEEDED
            if failed.get("reason") == "DeadlineExceeded"
            else Reason.APP_FAILED
        )
        message = str(failed.get("message") or failed.get("reason") or "job failed")
        return facts(Phase.FAILED, reason, message, failed.get("lastTransitionTime"))
    complete = conditions.get("Complete") or conditions.get("SuccessCriteriaMet")
    if complete is not None:
        return facts(Phase.SUCCEEDED, Reason.COMPLETED, str(complete.get("message") or "done"))
    if "Suspended" in conditions:
        message = str(conditions["Suspended"].get("message") or "suspended")
        return facts(Phase.STOPPED, Reason.STOPPED_BY_USER, message)
    if active > 0:
        return facts(Phase.RUNNING, Reason.RUNNING, f"{active} pod(s) active")
    return facts(Phase.PENDING, Reason.INITIALIZING, "pods starting")


def interpret_batchjob_status(
    template: Mapping[str, Any] | None,
    binding: Mapping[str, Any] | None,
    pods: Sequence[Mapping[str, Any]] | None = None,
) -> InterpretedStatus:
    """A Job's state. Members' statuses from the binding count (a failed member Job may
    never turn the template Failed, karmada#7844)."""
    suspend = bool(mapping(mapping(template).get("spec")).get("suspend"))
    result = interpret_with(batchjob_facts, template, binding, suspend_requested=suspend)
    return with_pod_image_pull(result, pods)


KIND = BATCHJOB
