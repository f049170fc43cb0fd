"""Pods of simulated workloads: what each operator creates, and their status over a run."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from karmada_sim.karmada.pod_requirements import pod_request_totals
from karmada_sim.members.disruption import Disruption
from karmada_sim.members.lifecycle import Phase, Run
from karmada_sim.members.scenario import Scenario

_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # k8s utilrand alphabet (no vowels, no 0/1/3)


def random_suffix(seed: str, length: int = 5) -> str:
    """A deterministic stand-in for k8s' generateName suffix (stable per seed)."""
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:length])


@dataclass
class PodPlan:
    """One pod an operator would create for a workload."""

    name: str
    template: dict[str, Any]  # the pod template (metadata + spec)
    labels: dict[str, str]  # template labels + operator labels (never the job's labels)
    role: str  # e.g. head, worker, submitter, master, launcher, pod
    # Terminates with the job (submitter, kubeflow replicas, batch pods); Ray head/workers
    # keep running until the RayCluster is torn down.
    ends_with_job: bool = True
    owner: dict[str, Any] = field(default_factory=dict)  # ownerReference

    def requests(self) -> dict[str, int]:
        """Effective requests (cpu in milli), as the kube-scheduler sums them."""
        return pod_request_totals(self.template.get("spec") or {}).amounts


def pod_labels(template: dict[str, Any], operator_labels: dict[str, str]) -> dict[str, str]:
    labels = dict((template.get("metadata") or {}).get("labels") or {})
    labels.update(operator_labels)
    return labels


def _container_names(spec: dict[str, Any]) -> list[str]:
    return [c.get("name", "main") for c in spec.get("containers") or []] or ["main"]


def render_pod(
    plan: PodPlan,
    namespace: str,
    run: Run,
    scenario: Scenario,
    iso: Callable[[float], str],
    *,
    uid: str,
    node: str,
    pending_message: str,
    job_succeeded: bool,
    disruption: Disruption | None = None,
) -> dict[str, Any]:
    """The pod object (v1 Pod) for the run's current phase (``disruption``: a fault hit this
    pod in this attempt, members/disruption.py)."""
    spec = dict(plan.template.get("spec") or {})
    containers = _container_names(spec)
    images = {c.get("name", "main"): c.get("image", "") for c in spec.get("containers") or []}
    created = run.scheduled_at if run.scheduled_at is not None else run.created_at
    meta: dict[str, Any] = {
        "name": plan.name, "namespace": namespace, "uid": uid, "labels": plan.labels,
        "annotations": dict((plan.template.get("metadata") or {}).get("annotations") or {}),
        "creationTimestamp": iso(run.created_at),
    }
    if plan.owner:
        meta["ownerReferences"] = [plan.owner]
    status: dict[str, Any] = {"qosClass": "Burstable"}
    conditions: list[dict[str, Any]] = []
    phase = run.phase
    if disruption is not None:
        return _disrupted(plan, spec, meta, status, conditions, containers, images, run, iso,
                          node, created, disruption)
    if not plan.ends_with_job and phase in (Phase.SUCCEEDED, Phase.FAILED):
        phase = Phase.RUNNING  # Ray nodes outlive the job until teardown
    if phase == Phase.PENDING:
        status["phase"] = "Pending"
        conditions.append({"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                           "message": pending_message, "lastTransitionTime": iso(created)})
    else:
        spec["nodeName"] = node
        status["hostIP"] = "10.0.0.10"
        status["podIP"] = "10.244." + str(int(hashlib.md5(plan.name.encode()).hexdigest()[:2], 16)
                                           ) + "." + str(len(plan.name) % 250 + 2)
        status["startTime"] = iso(created)
        conditions.append({"type": "PodScheduled", "status": "True",
                           "lastTransitionTime": iso(created)})
        if phase == Phase.STARTING:
            status["phase"] = "Pending"
            if scenario.image_pull_backoff:
                waiting = {"reason": "ImagePullBackOff",
                           "message": f'Back-off pulling image "{next(iter(images.values()), "")}"'}
            else:
                waiting = {"reason": "ContainerCreating"}
            status["containerStatuses"] = [
                {"name": n, "image": images.get(n, ""), "imageID": "", "ready": False,
                 "restartCount": 0, "started": False, "state": {"waiting": waiting}}
                for n in containers]
        elif phase == Phase.RUNNING:
            status["phase"] = "Running"
            started = iso(run.running_at if run.running_at is not None else created)
            conditions.append({"type": "Ready", "status": "True", "lastTransitionTime": started})
            status["containerStatuses"] = [
                {"name": n, "image": images.get(n, ""), "imageID": "", "ready": True,
                 "restartCount": 0, "started": True, "state": {"running": {"startedAt": started}}}
                for n in containers]
        elif phase in (Phase.SUCCEEDED, Phase.FAILED):
            ok = job_succeeded
            status["phase"] = "Succeeded" if ok else "Failed"
            finished = iso(run.finished_at if run.finished_at is not None else created)
            conditions.append({"type": "Ready", "status": "False", "reason": "PodCompleted",
                               "lastTransitionTime": finished})
            status["containerStatuses"] = [
                {"name": n, "image": images.get(n, ""), "imageID": "", "ready": False,
                 "restartCount": 0, "started": False,
                 "state": {"terminated": {
                     "exitCode": 0 if ok else (run.exit_code or scenario.exit_code),
                     "reason": "Completed" if ok else "Error",
                     "startedAt": iso(run.running_at or created), "finishedAt": finished}}}
                for n in containers]
    status["conditions"] = conditions
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def _disrupted(plan: PodPlan, spec: dict[str, Any], meta: dict[str, Any], status: dict[str, Any],
               conditions: list[dict[str, Any]], containers: list[str], images: dict[str, str],
               run: Run, iso: Callable[[float], str], node: str, created: float,
               disruption: Disruption) -> dict[str, Any]:
    """A pod a fault ended: Failed, DisruptionTarget (unless the app itself failed), and its
    containers terminated with the fault's exit code."""
    when = iso(disruption.at)
    spec["nodeName"] = disruption.node or node
    status.update(phase="Failed", hostIP="10.0.0.10", startTime=iso(created))
    conditions.append({"type": "PodScheduled", "status": "True",
                       "lastTransitionTime": iso(created)})
    if disruption.condition_reason:
        conditions.append({"type": "DisruptionTarget", "status": "True",
                           "reason": disruption.condition_reason,
                           "message": disruption.condition_message,
                           "lastTransitionTime": when})
    conditions.append({"type": "Ready", "status": "False", "reason": "PodFailed",
                       "lastTransitionTime": when})
    lost = disruption.type == "NodeLost"
    terminated: dict[str, Any] = {
        "exitCode": disruption.exit_code,
        # pkg/kubelet/status: a container on a node that is gone is reported this way.
        "reason": "ContainerStatusUnknown" if lost else "Error",
        "startedAt": iso(run.running_at or created), "finishedAt": when}
    if lost:
        terminated["message"] = "The container could not be located when the pod was terminated"
    status["containerStatuses"] = [
        {"name": n, "image": images.get(n, ""), "imageID": "", "ready": False,
         "restartCount": 0, "started": False, "state": {"terminated": dict(terminated)}}
        for n in containers]
    status["conditions"] = conditions
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}
