"""What each operator does with its workload on a member: pods, run policy, status.

- RayJob: KubeRay v1.x (ray-operator/controllers/ray/rayjob_controller.go, K8sJobMode):
  jobDeploymentStatus Initializing -> Running -> Complete | Failed (Retrying between attempts,
  Suspending -> Suspended), jobStatus PENDING/RUNNING/SUCCEEDED/FAILED, reasons AppFailed /
  DeadlineExceeded, a RayCluster ``<job>-<5 chars>`` with head + worker pods and a submitter pod.
- Kubeflow training-operator v1 (PyTorchJob, TFJob, JAXJob, XGBoostJob): conditions Created /
  Running / Restarting / Succeeded / Failed / Suspended with ``<Kind><Event>`` reasons,
  replicaStatuses, runPolicy.
- MPIJob kubeflow.org/v2beta1 (mpi-operator): Launcher + Worker, ``MPIJob<Event>`` reasons.
- batch/v1 Job: Kubernetes >= 1.31 conditions (SuccessCriteriaMet before Complete,
  FailureTarget before Failed), counters, suspend, Indexed completion mode.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from app.simulator.karmada.pod_requirements import pod_request_totals
from app.simulator.karmada.quantity import binary_bytes, decimal_count, milli_cpu
from app.simulator.members.lifecycle import Phase, Run, RunPolicy
from app.simulator.members.pods import PodPlan, pod_labels, random_suffix
from app.simulator.members.scenario import Scenario

Iso = Callable[[float], str]


class KindModel(Protocol):
    def policy(self, obj: dict[str, Any]) -> RunPolicy: ...
    def pods(self, obj: dict[str, Any], run: Run) -> list[PodPlan]: ...
    def status(self, obj: dict[str, Any], run: Run, scenario: Scenario, iso: Iso
               ) -> dict[str, Any]: ...


def _owner(obj: dict[str, Any]) -> dict[str, Any]:
    meta = obj["metadata"]
    return {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": meta["name"],
            "uid": meta.get("uid", ""), "controller": True, "blockOwnerDeletion": True}


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None


def _replicas(spec: dict[str, Any], key: str = "replicas") -> int:
    value = spec.get(key)
    try:
        return int(value) if value is not None else 1
    except (TypeError, ValueError):
        return 1


def _with_attempt(name: str, run: Run) -> str:
    return name if run.attempt == 0 else f"{name}{run.attempt}"


# -- RayJob ---------------------------------------------------------------------------------------
class RayJobModel:
    """KubeRay RayJob."""

    def policy(self, obj: dict[str, Any]) -> RunPolicy:
        spec = obj.get("spec") or {}
        ttl = None
        if spec.get("shutdownAfterJobFinishes"):
            ttl = float(spec.get("ttlSecondsAfterFinished") or 0)
        return RunPolicy(
            active_deadline_seconds=_float(spec.get("activeDeadlineSeconds")),
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
                status["reason"] = scenario.failure_reason or "AppFailed"
                status["message"] = scenario.failure_message or (
                    "Job entrypoint command failed with exit code 1, last available logs "
                    "(truncated to 20,000 chars):\nRuntimeError: simulated failure")
        if run.finished_at is not None:
            status["endTime"] = iso(run.finished_at)
            if "rayJobInfo" in status:
                status["rayJobInfo"]["endTime"] = iso(run.finished_at)
        return status


# -- Kubeflow training-operator v1 and mpi-operator v2beta1 ---------------------------------------
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
            active_deadline_seconds=_float(run_policy.get("activeDeadlineSeconds")),
            backoff_limit=retries,
            suspend=bool(run_policy.get("suspend")),
            ttl_seconds_after_finished=_float(run_policy.get("ttlSecondsAfterFinished")),
            clean_pods_on_finish=run_policy.get("cleanPodPolicy") == "All",
        )

    def _specs(self, obj: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return dict((obj.get("spec") or {}).get(self.replica_field) or {})

    def pods(self, obj: dict[str, Any], run: Run) -> list[PodPlan]:
        name = obj["metadata"]["name"]
        plans: list[PodPlan] = []
        for rtype, rspec in self._specs(obj).items():
            tmpl = rspec.get("template") or {}
            count = _replicas(rspec)
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
                plans.append(PodPlan(name=_with_attempt(pod_name, run) if not self.mpi
                                     else pod_name, template=tmpl,
                                     labels=pod_labels(tmpl, labels), role=lower,
                                     owner=_owner(obj)))
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
        replicas = {rtype: _replicas(s) for rtype, s in self._specs(obj).items()}
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
                                         message, when))
            if main in counts:
                counts[main]["failed"] = 1
            status["completionTime"] = when
        status["conditions"] = conditions
        status["replicaStatuses"] = counts
        status["lastReconcileTime"] = iso(run.finished_at or run.running_at or run.created_at)
        return status


# -- batch/v1 Job ---------------------------------------------------------------------------------
class BatchJobModel:
    """Kubernetes Job controller (>= 1.31 condition semantics)."""

    def policy(self, obj: dict[str, Any]) -> RunPolicy:
        spec = obj.get("spec") or {}
        backoff = spec.get("backoffLimit")
        return RunPolicy(
            active_deadline_seconds=_float(spec.get("activeDeadlineSeconds")),
            backoff_limit=int(backoff) if backoff is not None else 6,
            suspend=bool(spec.get("suspend")),
            ttl_seconds_after_finished=_float(spec.get("ttlSecondsAfterFinished")),
        )

    @staticmethod
    def _counts(obj: dict[str, Any]) -> tuple[int, int]:
        spec = obj.get("spec") or {}
        parallelism = _replicas(spec, "parallelism")
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
                                 role="pod", owner=_owner(obj)))
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
                reason = scenario.failure_reason or "BackoffLimitExceeded"
                message = scenario.failure_message or "Job has reached the specified backoff limit"
            for kind in ("FailureTarget", "Failed"):
                conditions.append({"type": kind, "status": "True", "reason": reason,
                                   "message": message, "lastProbeTime": when,
                                   "lastTransitionTime": when})
        if conditions:
            status["conditions"] = conditions
        return status


MODELS: dict[tuple[str, str], KindModel] = {
    ("ray.io/v1", "RayJob"): RayJobModel(),
    ("kubeflow.org/v1", "PyTorchJob"): KubeflowModel(
        "PyTorchJob", "pytorchReplicaSpecs", "pytorchjob-controller"),
    ("kubeflow.org/v1", "TFJob"): KubeflowModel("TFJob", "tfReplicaSpecs", "tfjob-controller"),
    ("kubeflow.org/v1", "JAXJob"): KubeflowModel("JAXJob", "jaxReplicaSpecs", "jaxjob-controller"),
    ("kubeflow.org/v1", "XGBoostJob"): KubeflowModel(
        "XGBoostJob", "xgbReplicaSpecs", "xgboostjob-controller"),
    ("kubeflow.org/v2beta1", "MPIJob"): KubeflowModel(
        "MPIJob", "mpiReplicaSpecs", "mpi-operator", mpi=True),
    ("batch/v1", "Job"): BatchJobModel(),
}


def pod_total_requests(plans: list[PodPlan]) -> dict[str, int]:
    """Summed requests of a set of pods."""
    totals: dict[str, int] = {}
    for plan in plans:
        for k, v in pod_request_totals(plan.template.get("spec") or {}).amounts.items():
            totals[k] = totals.get(k, 0) + v
    return totals


# -- objects an operator creates besides pods -----------------------------------------------------
def _service(name: str, namespace: str, labels: dict[str, str], owner: dict[str, Any],
             ports: list[dict[str, Any]], *, headless: bool) -> dict[str, Any]:
    spec: dict[str, Any] = {"selector": labels, "ports": ports, "type": "ClusterIP"}
    spec["clusterIP"] = "None" if headless else "10.96.0.10"
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": namespace, "labels": dict(labels),
                         "ownerReferences": [owner]},
            "spec": spec}


def derived_objects(obj: dict[str, Any], run: Run, status: dict[str, Any],
                    plans: list[PodPlan]) -> list[dict[str, Any]]:
    """RayCluster + head Service + submitter Job (KubeRay), per-replica Services (Kubeflow)."""
    namespace = obj["metadata"].get("namespace", "default")
    if run.cleaned_up or run.phase == Phase.SUSPENDED:
        return []
    key = (obj["apiVersion"], obj["kind"])
    out: list[dict[str, Any]] = []
    if key == ("ray.io/v1", "RayJob"):
        spec = obj.get("spec") or {}
        cluster = str(status.get("rayClusterName", ""))
        if not cluster:
            return []
        cluster_status = dict(status.get("rayClusterStatus") or {})
        cluster_obj = {
            "apiVersion": "ray.io/v1", "kind": "RayCluster",
            "metadata": {"name": cluster, "namespace": namespace,
                         "labels": {"ray.io/originated-from-crd": "RayJob",
                                    "ray.io/originated-from-cr-name": obj["metadata"]["name"]},
                         "ownerReferences": [_owner(obj)]},
            "spec": spec.get("rayClusterSpec") or {},
            "status": cluster_status,
        }
        out.append(cluster_obj)
        owner = {"apiVersion": "ray.io/v1", "kind": "RayCluster", "name": cluster, "uid": "",
                 "controller": True, "blockOwnerDeletion": True}
        out.append(_service(f"{cluster}-head-svc", namespace,
                            {"ray.io/cluster": cluster, "ray.io/node-type": "head"}, owner,
                            [{"name": "gcs-server", "port": 6379},
                             {"name": "dashboard", "port": 8265},
                             {"name": "client", "port": 10001}], headless=False))
        submitter = [p for p in plans if p.role == "submitter"]
        if submitter and run.phase != Phase.PENDING:
            finished = run.phase in (Phase.SUCCEEDED, Phase.FAILED)
            ok = run.phase == Phase.SUCCEEDED
            job_status: dict[str, Any] = {"active": 0 if finished else 1,
                                          "succeeded": 1 if ok else 0,
                                          "failed": 1 if finished and not ok else 0}
            out.append({"apiVersion": "batch/v1", "kind": "Job",
                        "metadata": {"name": obj["metadata"]["name"], "namespace": namespace,
                                     "labels": {"ray.io/originated-from-crd": "RayJob"},
                                     "ownerReferences": [_owner(obj)]},
                        "spec": {"backoffLimit": 2,
                                 "template": submitter[0].template},
                        "status": job_status})
    elif obj["apiVersion"] == "kubeflow.org/v1":
        for plan in plans:
            selector = {k: v for k, v in plan.labels.items()
                        if k.startswith("training.kubeflow.org/")}
            out.append(_service(plan.name, namespace, selector, _owner(obj),
                                [{"name": f"{obj['kind'].lower()}-port", "port": 23456}],
                                headless=True))
    return out
