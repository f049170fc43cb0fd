"""Shared pieces of the reliability tests: a small job body and looking at the simulator."""

from __future__ import annotations

from typing import Any

import httpx

from app.workloads import JOB_ID_ANNOTATION, JOB_ID_LABEL

# A small xgboost job (RayJob) with a PVC, so every object kind we create is exercised.
JOB_BODY: dict[str, Any] = {
    "jobName": "rel-job",
    "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
    "resources": {
        "instanceResources": {"cpuCores": 1, "memoryGiB": 2, "gpuCount": 0},
        "instanceCount": 1,
        "volumeSizeGB": 1,
    },
    "hyperparameters": {"xgboost": {"num_round": 10}},
    "inputDataConfig": [
        {"channelName": "train", "endpoint": "http://minio:9000", "bucket": "d", "prefix": "t/"}
    ],
    "namespace": "default",
}

# Every path our objects live under on the simulated Karmada (default namespace).
OBJECT_PATHS = {
    "rayjobs": "/apis/ray.io/v1/namespaces/default/rayjobs",
    "propagationpolicies":
        "/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies",
    "persistentvolumeclaims": "/api/v1/namespaces/default/persistentvolumeclaims",
}


def objects_of_instance(sim_http: httpx.Client, instance: str) -> dict[str, list[dict[str, Any]]]:
    """Our objects of one installation on the simulator, by plural."""
    selector = f"app.kubernetes.io/managed-by=ml-platform,ml-platform.io/instance={instance}"
    found: dict[str, list[dict[str, Any]]] = {}
    for plural, path in OBJECT_PATHS.items():
        answer = sim_http.get(path, params={"labelSelector": selector})
        answer.raise_for_status()
        found[plural] = answer.json()["items"]
    return found


def job_ids(objects: dict[str, list[dict[str, Any]]]) -> dict[str, set[str]]:
    """plural -> the job ids those objects belong to."""
    result: dict[str, set[str]] = {}
    for plural, items in objects.items():
        ids = set()
        for item in items:
            meta = item["metadata"]
            ids.add((meta.get("annotations") or {}).get(JOB_ID_ANNOTATION)
                    or meta["labels"][JOB_ID_LABEL])
        result[plural] = ids
    return result
