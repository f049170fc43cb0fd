"""KubeRay RayJob on a member (ray-operator/controllers/ray/rayjob_controller.go, K8sJobMode).

jobDeploymentStatus Initializing -> Running -> Complete | Failed (Retrying between attempts,
Suspending -> Suspended), jobStatus RUNNING/SUCCEEDED/FAILED, reasons AppFailed /
DeadlineExceeded; a RayCluster ``<job>-<5 chars>`` with head + worker pods and a submitter pod.
"""

from __future__ import annotations

from typing import Any

from karmada_sim.karmada.quantity import binary_bytes, decimal_count, milli_cpu
from karmada_sim.members.lifecycle import Phase, Run, RunPolicy
from karmada_sim.members.model_base import (
    Iso,
    as_float,
)
from karmada_sim.members.pods import PodPlan, pod_labels, random_suffix
from karmada_sim.members.scenario import Scenario


class RayJobModel:
    """KubeRay RayJob."""

    def policy(self, obj: dict[str, Any]) -> RunPolicy:
        spec = obj.get("spec") or {}
        ttl = None
        if spec.get("shutdownAfterJobFinishes"):
            ttl = float(spec.get("ttlSecondsAfterFinished") or 0)
        return RunPolicy(
            active_deadline_seconds=as_float(spec.get("activeDeadlineSeconds")),
            backoff_limit=int(spec.get("backoffLimit") or 0),
            suspend=bool(spec.get("suspend")),
            ttl_seconds_after_finished=ttl,
        )

    @staticmethod
    def cluster_name(obj: dict[str, Any], run: Run) -> str:
        # utils.GenerateRayClusterName: "<rayjob>-<5 random chars>"; a new one per retry
        meta = obj["metadata"]
        return f"{meta['name']}-{random_suffix(meta.get('uid', '') + str(run.attempt))}"

    def pods(self, obj: dict[str, Any], run: Run) -> list[PodPlan]:
        spec = obj.get("spec") or {}
        cluster_spec = spec.get("rayClusterSpec") or {}
        cluster = self.cluster_name(obj, run)
        owner = {"apiVersion": "ray.io/v1", "kind": "RayCluster", "name": cluster, "uid": "",
                 "controller": True, "blockOwnerDeletion": True}
        common = {"ray.io/cluster": cluster, "ray.io/is-ray-node": "yes",
                  "app.kubernetes.io/created-by": "kuberay-operator",
                  "app.kubernetes.io/name": "kuberay",
                  "ray.io/originated-from-crd": "RayJob",
                  "ray.io/originated-from-cr-name": obj["metadata"]["name"]}
        plans: list[PodPlan] = []
        head = (cluster_spec.get("headGroupSpec") or {}).get("template") or {}
        plans.append(PodPlan(
            name=f"{cluster}-head-{random_suffix(cluster + 'head')}", template=head,
            labels=pod_labels(head, {**common, "ray.io/node-type": "head",
                                     "ray.io/group": "headgroup",
                                     "ray.io/identifier": f"{cluster}-head"}),
            role="head", ends_with_job=False, owner=owner))
        for group in cluster_spec.get("workerGroupSpecs") or []:
            tmpl = group.get("template") or {}
            name = group.get("groupName", "workers")
            count = group.get("replicas")
            if count is None:
                count = group.get("minReplicas", 0)
            count = int(count) * int(group.get("numOfHosts") or 1)
            for i in range(count):
                plans.append(PodPlan(
                    name=f"{cluster}-{name}-worker-{random_suffix(f'{cluster}{name}{i}')}",
                    template=tmpl,
                    labels=pod_labels(tmpl, {**common, "ray.io/node-type": "worker",
                                             "ray.io/group": name,
                                             "ray.io/identifier": f"{cluster}-worker"}),
                    role="worker", ends_with_job=False, owner=owner))
        if spec.get("submissionMode", "K8sJobMode") == "K8sJobMode":
            job_name = obj["metadata"]["name"]
            tmpl = spec.get("submitterPodTemplate") or {"spec": {"containers": [
                {"name": "ray-job-submitter", "image": "rayproject/ray",
                 "resources": {"requests": {"cpu": "500m", "memory": "200Mi"}}}]}}
            uid = obj["metadata"].get("uid", "")
            plans.append(PodPlan(
                name=f"{job_name}-{random_suffix(uid + 'submitter' + str(run.attempt))}",
                template=tmpl,
                labels=pod_labels(tmpl, {
                    "batch.kubernetes.io/job-name": job_name, "job-name": job_name,
                    "batch.kubernetes.io/controller-uid": uid, "controller-uid": uid,
                    "ray.io/originated-from-crd": "RayJob",
                    "ray.io/originated-from-cr-name": job_name,
                    "app.kubernetes.io/created-by": "kuberay-operator"}),
                role="submitter",
                owner={"apiVersion": "batch/v1", "kind": "Job", "name": job_name, "uid": uid,
                       "controller": True, "blockOwnerDeletion": True}))
        return plans

    def _cluster_status(self, obj: dict[str, Any], run: Run, iso: Iso) -> dict[str, Any]:
        plans = [p for p in self.pods(obj, run) if p.role in ("head", "worker")]
        totals: dict[str, int] = {}
        for plan in plans:
            for k, v in plan.requests().items():
                totals[k] = totals.get(k, 0) + v
        workers = [p for p in plans if p.role == "worker"]
        groups = (obj.get("spec") or {}).get("rayClusterSpec", {}).get("workerGroupSpecs") or []
        running = run.phase in (Phase.RUNNING, Phase.SUCCEEDED, Phase.FAILED) and not (
            run.cleaned_up)
        cluster = self.cluster_name(obj, run)
        stamp = iso(run.running_at if run.running_at is not None else run.created_at)
        status: dict[str, Any] = {
            "desiredCPU": milli_cpu(totals.get("cpu", 0)),
            "desiredMemory": binary_bytes(totals.get("memory", 0)),
            "desiredGPU": decimal_count(totals.get("nvidia.com/gpu", 0)),
            "desiredTPU": decimal_count(totals.get("google.com/tpu", 0)),
            "desiredWorkerReplicas": len(workers),
            "minWorkerReplicas": sum(int(g.get("minReplicas") or 0) for g in groups),
            "maxWorkerReplicas": sum(int(g.get("maxReplicas") or 0) for g in groups),
            "readyWorkerReplicas": len(workers) if running else 0,
            "availableWorkerReplicas": len(workers) if running else 0,
            "observedGeneration": 1,
            "lastUpdateTime": stamp,
        }
        if running:
            status["state"] = "ready"
            status["stateTransitionTimes"] = {"ready": stamp}
            status["head"] = {"podName": plans[0].name, "podIP": "10.244.1.17",
                              "serviceIP": "10.244.1.17", "serviceName": f"{cluster}-head-svc"}
            status["endpoints"] = {"client": "10001", "dashboard": "8265",
                                   "gcs-server": "6379", "metrics": "8080"}
            status["conditions"] = [
                {"type": "HeadPodReady", "status": "True", "reason": "HeadPodRunningAndReady",
                 "message": "", "lastTransitionTime": stamp},
                {"type": "RayClusterProvisioned", "status": "True",
                 "reason": "AllPodRunningAndReadyFirstTime", "message": "",
                 "lastTransitionTime": stamp}]
        return status

    def status(self, obj: dict[str, Any], run: Run, scenario: Scenario, iso: Iso
               ) -> dict[str, Any]:
        meta = obj["metadata"]
        status: dict[str, Any] = {"observedGeneration": int(meta.get("generation") or 1)}
        if run.phase == Phase.SUSPENDED:
            status["jobDeploymentStatus"] = "Suspended" if run.suspend_complete else "Suspending"
            return status
        cluster = self.cluster_name(obj, run)
        status["rayClusterName"] = cluster
        status["jobId"] = f"{meta['name']}-{random_suffix(meta.get('uid', '') + 'job')}"
        if run.start_time is not None:
            status["startTime"] = iso(run.start_time)
        status["succeeded"] = 1 if run.phase == Phase.SUCCEEDED else 0
        status["failed"] = run.failed_attempts
        status["rayClusterStatus"] = self._cluster_status(obj, run, iso)
        if run.phase in (Phase.PENDING, Phase.STARTING):
            status["jobDeploymentStatus"] = "Retrying" if run.attempt and (
                run.phase == Phase.PENDING) else "Initializing"
            if run.deadline_exceeded:
                status["jobDeploymentStatus"] = "Failed"
            return status
        namespace = meta.get("namespace")
        status["dashboardURL"] = f"{cluster}-head-svc.{namespace}.svc.cluster.local:8265"
        if run.running_at is not None:
            status["rayJobInfo"] = {"startTime": iso(run.running_at)}
        if run.phase == Phase.RUNNING:
            status["jobDeploymentStatus"] = "Running"
            status["jobStatus"] = "RUNNING"
        elif run.phase == Phase.SUCCEEDED:
            status["jobDeploymentStatus"] = "Complete"
            status["jobStatus"] = "SUCCEEDED"
            status["message"] = "Job finished successfully."
        elif run.phase == Phase.FAILED:
            status["jobDeploymentStatus"] = "Failed"
            if run.deadline_exceeded:
                status["jobStatus"] = "RUNNING" if run.running_at is not None else "PENDING"
                status["reason"] = "DeadlineExceeded"
                deadline = (obj.get("spec") or {}).get("activeDeadlineSeconds")
                status["message"] = (
                    "The RayJob has passed the activeDeadlineSeconds. StartTime: "
                    f"{iso(run.start_time or run.created_at)}. ActiveDeadlineSeconds: {deadline}")
            else:
                status["jobStatus"] = "FAILED"
                status["reason"] = run.failure_reason or scenario.failure_reason or "AppFailed"
                status["message"] = run.failure_message or scenario.failure_message or (
                    f"Job entrypoint command failed with exit code {scenario.exit_code}, last "
                    "available logs (truncated to 20,000 chars):\nRuntimeError: simulated failure")
                if run.failure_reason == "SubmissionFailed":
                    # The submitter Job failed; Ray never reported the job's end.
                    status["jobStatus"] = "RUNNING" if run.running_at is not None else "PENDING"
        if run.finished_at is not None:
            status["endTime"] = iso(run.finished_at)
            if "rayJobInfo" in status:
                status["rayJobInfo"]["endTime"] = iso(run.finished_at)
        return status
