"""Pods of simulated workloads: what each operator creates, and their status over a run."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from karmada_sim.karmada.pod_requirements import pod_request_totals
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
) -> dict[str, Any]:
    """The pod object (v1 Pod) for the run's current phase."""
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
                     "exitCode": 0 if ok else 1, "reason": "Completed" if ok else "Error",
                     "startedAt": iso(run.running_at or created), "finishedAt": finished}}}
                for n in containers]
    status["conditions"] = conditions
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}
