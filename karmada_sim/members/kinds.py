"""What each operator does with its workload on a member: the model per kind.

- RayJob: karmada_sim.members.ray (KubeRay v1.x);
- Kubeflow training-operator v1 (PyTorchJob, TFJob, JAXJob, XGBoostJob) and MPIJob v2beta1:
  karmada_sim.members.kubeflow;
- batch/v1 Job: karmada_sim.members.batch;
- objects operators create besides pods (RayCluster, Services, submitter Job): below.
"""

from __future__ import annotations

from typing import Any

from karmada_sim.members.batch import BatchJobModel
from karmada_sim.members.kubeflow import KubeflowModel
from karmada_sim.members.lifecycle import Phase, Run
from karmada_sim.members.model_base import KindModel, owner_reference, pod_total_requests
from karmada_sim.members.pods import PodPlan
from karmada_sim.members.ray import RayJobModel

__all__ = ["MODELS", "BatchJobModel", "KindModel", "KubeflowModel", "RayJobModel",
           "derived_objects", "pod_total_requests"]

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
                         "ownerReferences": [owner_reference(obj)]},
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
                                     "ownerReferences": [owner_reference(obj)]},
                        "spec": {"backoffLimit": 2,
                                 "template": submitter[0].template},
                        "status": job_status})
    elif obj["apiVersion"] == "kubeflow.org/v1":
        for plan in plans:
            selector = {k: v for k, v in plan.labels.items()
                        if k.startswith("training.kubeflow.org/")}
            out.append(_service(plan.name, namespace, selector, owner_reference(obj),
                                [{"name": f"{obj['kind'].lower()}-port", "port": 23456}],
                                headless=True))
    return out
