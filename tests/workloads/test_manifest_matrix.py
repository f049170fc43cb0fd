"""A matrix of request variants whose manifests must validate against the real schemas.

Every algorithm, CPU and GPU, one and many instances, with and without volumes, channels,
secrets, deadlines and priorities. Validation applies CRD defaults first and treats fields
unknown to the schema as errors (tests/support/crd.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.jobspec import BUILTIN_ALGORITHMS, JobRequest, parse_job_request
from app.workloads import (
    ATTEMPT_LABEL,
    INSTANCE_LABEL,
    JOB_ID_ANNOTATION,
    JOB_ID_LABEL,
    MANAGED_BY_LABEL,
    job_id_of,
    kind_for,
)
from tests.support.crd import manifest_errors
from tests.workloads.helpers import INSTANCE, body, containers, manifests_for, pod_templates

CHANNELS = [
    {
        "channelName": "train",
        "endpoint": "http://minio:9000",
        "bucket": "datasets",
        "prefix": "iris/train/",
    },
    {
        "channelName": "validation",
        "endpoint": "http://minio:9000",
        "bucket": "datasets",
        "prefix": "iris/val/",
    },
    {
        "channelName": "extra.features-v2",
        "endpoint": "https://s3.example.com",
        "bucket": "features",
        "prefix": "",
    },
]
GPU = {
    "instanceResources": {"cpuCores": 8, "memoryGiB": 61.5, "gpuCount": 2},
    "instanceCount": 4,
    "volumeSizeGB": 200,
}
HYPERPARAMETERS = {
    "xgboost": {"num_round": 10, "eta": 0.1, "eval_metric": ["rmse", "mae"]},
    "lightgbm": {"num_iterations": 50, "metric": "auc", "is_unbalance": True},
    "pytorch": {"epochs": 2, "learning_rate": 0.01},
    "deepspeed-zero3": {"zero_stage": 3, "offload_optimizer": "cpu"},
    "tensorflow-transformer": {"num_layers": 2, "dropout": 0.1},
    "jax-pjit": {"num_steps": 100, "mesh_shape": "2,2"},
    "horovod-mpi": {"epochs": 1, "fusion_threshold_mb": 64},
}


def variants() -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for algorithm in [*BUILTIN_ALGORITHMS, "container"]:
        hp = HYPERPARAMETERS.get(algorithm)
        # 1: bare minimum, CPU, one instance
        out.append((f"{algorithm}-cpu-single", body(algorithm)))
        # 2: GPU, many instances, our PVC, channels, deadline, high priority, hyperparameters
        extra: dict[str, Any] = {
            "resources": GPU,
            "inputDataConfig": CHANNELS,
            "outputDataConfig": {"artifactUri": "s3://artifacts/run-1/"},
            "stoppingCondition": {"maxRuntimeSeconds": 7200},
            "priority": 900,
            "customHyperparameters": {"warmup-steps": 10, "use_amp": True},
        }
        if hp:
            extra["hyperparameters"] = {algorithm: hp}
        out.append((f"{algorithm}-gpu-many", body(algorithm, **extra)))
        # 3: existing claim, own Secret, own entrypoint/images, duplicated placement, low prio
        out.append(
            (
                f"{algorithm}-pvc-secret-every",
                body(
                    algorithm,
                    resources={
                        "instanceResources": {"cpuCores": 0.5, "memoryGiB": 0.75},
                        "instanceCount": 2,
                        "volumeSizeGB": 10,
                    },
                    pvcName="shared-data",
                    storageSecretName="team-storage",
                    entrypoint="python -m trainer --config 'a b.yaml'",
                    headImage="rayproject/ray:2.46.0",
                    workerImage="rayproject/ray:2.46.0",
                    placement="every",
                    priority=100,
                    namespace="team-a",
                    targetClusters=["member2"],
                ),
            )
        )
    out.append(
        (
            "tensorflow-with-ps",
            body("tf-distributed", parameterServerCount=2, resources=GPU),
        )
    )
    out.append(
        (
            "xgboost-63-char-name-volume",
            body("xgboost", jobName="x" * 63, resources={**GPU, "instanceCount": 1}),
        )
    )
    out.append(
        (
            "frontend-like",
            body(
                "xgboost",
                priority=500,
                resources={
                    "instanceResources": {"cpuCores": 4, "memoryGiB": 16, "gpuCount": 0},
                    "instanceCount": 1,
                    "volumeSizeGB": 50,
                },
                inputDataConfig=[
                    {
                        "channelName": "train",
                        "endpoint": "http://minio:9000",
                        "bucket": "datasets",
                        "prefix": "",
                    }
                ],
            ),
        )
    )
    return out


VARIANTS = variants()
LONG_ID = "x" * 63 + "-0a1b2c3d"


def test_matrix_is_large_enough() -> None:
    assert len(VARIANTS) >= 40


def _request(data: dict[str, Any]) -> JobRequest:
    return parse_job_request(data)


def _job_id(name: str) -> str:
    return LONG_ID if "63-char" in name else "train-model-0a1b2c3d"


@pytest.mark.parametrize(("name", "data"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_every_manifest_validates_against_its_schema(name: str, data: dict[str, Any]) -> None:
    request = _request(data)
    manifests = manifests_for(request, job_id=_job_id(name))
    for manifest in manifests.all():
        assert manifest_errors(manifest) == [], (manifest["kind"], name)


@pytest.mark.parametrize(("name", "data"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_every_object_and_pod_template_is_labelled(name: str, data: dict[str, Any]) -> None:
    job_id = _job_id(name)
    manifests = manifests_for(_request(data), job_id=job_id)
    templates = list(pod_templates(manifests.workload))
    assert templates
    for obj in [*manifests.all(), *templates]:
        labels = obj["metadata"]["labels"]
        assert labels[MANAGED_BY_LABEL] == "ml-platform"
        assert labels[INSTANCE_LABEL] == INSTANCE
        assert len(labels[JOB_ID_LABEL]) <= 63
        assert labels[JOB_ID_LABEL].endswith("0a1b2c3d")
        assert obj["metadata"]["annotations"][JOB_ID_ANNOTATION] == job_id
    for obj in manifests.all():
        assert job_id_of(obj) == job_id
    # The attempt label is on pod templates (pods are found by it), not on the objects.
    assert [t["metadata"]["labels"][ATTEMPT_LABEL] for t in templates] == ["1"] * len(templates)
    assert all(ATTEMPT_LABEL not in obj["metadata"]["labels"] for obj in manifests.all())


@pytest.mark.parametrize(("name", "data"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_every_pod_template_carries_its_attempt(name: str, data: dict[str, Any]) -> None:
    manifests = manifests_for(_request(data), job_id=_job_id(name), attempt=3)
    templates = list(pod_templates(manifests.workload))
    assert templates
    for template in templates:
        labels = template["metadata"]["labels"]
        assert labels[ATTEMPT_LABEL] == "3"
        assert labels[INSTANCE_LABEL] == INSTANCE
        assert labels[JOB_ID_LABEL].endswith("0a1b2c3d")
    # Still valid against the real schemas with the label on.
    for manifest in manifests.all():
        assert manifest_errors(manifest) == [], (manifest["kind"], name)


@pytest.mark.parametrize(("name", "data"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_credentials_only_by_secret_reference(name: str, data: dict[str, Any]) -> None:
    request = _request(data)
    manifests = manifests_for(request)
    secret = request.storage_secret_name or "ml-platform-storage"
    for container in containers(manifests.workload):
        if container["name"] in ("ray-job-submitter",):
            continue
        env = {e["name"]: e for e in container["env"]}
        for var, key in (
            ("AWS_ACCESS_KEY_ID", "accessKey"),
            ("AWS_SECRET_ACCESS_KEY", "secretKey"),
        ):
            assert "value" not in env[var]
            assert env[var]["valueFrom"] == {"secretKeyRef": {"name": secret, "key": key}}
    assert "accessKey" not in str(manifests.policy)


@pytest.mark.parametrize(("name", "data"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_names_fit_the_kind(name: str, data: dict[str, Any]) -> None:
    request = _request(data)
    kind = kind_for(request)
    manifests = manifests_for(request, job_id=_job_id(name))
    object_name = manifests.workload["metadata"]["name"]
    assert re.fullmatch(r"[a-z]([-a-z0-9]*[a-z0-9])?", object_name)
    assert len(object_name) <= kind.max_name_length
    assert manifests.policy["metadata"]["name"] == object_name
    if kind.kind == "RayJob":
        assert len(object_name) <= 47  # KubeRay's limit
    if manifests.pvc is not None:
        assert len(manifests.pvc["metadata"]["name"]) <= 63


@pytest.mark.parametrize(("name", "data"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_requests_equal_limits_and_gpus_only_when_asked(name: str, data: dict[str, Any]) -> None:
    request = _request(data)
    gpus = request.resources.instance_resources.gpu_count
    manifests = manifests_for(request)
    sized = [
        c
        for c in containers(manifests.workload)
        if c["name"] not in ("ray-job-submitter", "mpi-launcher")
    ]
    assert sized
    for container in sized:
        resources = container["resources"]
        assert resources["requests"] == resources["limits"]
        has_gpu = "nvidia.com/gpu" in resources["limits"]
        if container["name"] == "tensorflow" and not has_gpu and gpus:
            continue  # parameter servers are CPU-only
        assert has_gpu == (gpus > 0)
        if gpus:
            assert resources["limits"]["nvidia.com/gpu"] == str(gpus)


@pytest.mark.parametrize(("name", "data"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_volume_mounted_in_every_pod_when_asked(name: str, data: dict[str, Any]) -> None:
    request = _request(data)
    manifests = manifests_for(request)
    claim = request.pvc_name or (
        manifests.pvc["metadata"]["name"] if manifests.pvc is not None else None
    )
    if request.pvc_name:
        assert manifests.pvc is None
    if request.resources.volume_size_gb == 0 and not request.pvc_name:
        assert manifests.pvc is None and claim is None
    for template in pod_templates(manifests.workload):
        mounts = [m for c in template["spec"]["containers"] for m in c.get("volumeMounts", [])]
        volumes = template["spec"].get("volumes", [])
        if claim is None or template["spec"]["containers"][0]["name"] == "ray-job-submitter":
            assert not any("persistentVolumeClaim" in v for v in volumes)
            continue
        assert {"name": "data", "persistentVolumeClaim": {"claimName": claim}} in volumes
        assert {"name": "data", "mountPath": "/mnt/data"} in mounts


@pytest.mark.parametrize(("name", "data"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_policy_selects_exactly_the_workload(name: str, data: dict[str, Any]) -> None:
    request = _request(data)
    manifests = manifests_for(request, clusters=("member1", "member2"))
    spec = manifests.policy["spec"]
    workload = manifests.workload
    assert spec["resourceSelectors"] == [
        {
            "apiVersion": workload["apiVersion"],
            "kind": workload["kind"],
            "name": workload["metadata"]["name"],
            "namespace": workload["metadata"]["namespace"],
        }
    ]
    assert spec["propagateDeps"] is True
    assert "failover" not in spec
    placement = spec["placement"]
    assert placement["clusterAffinity"] == {"clusterNames": ["member1", "member2"]}
    if request.placement == "every":
        assert placement["replicaScheduling"] == {"replicaSchedulingType": "Duplicated"}
        assert "spreadConstraints" not in placement
    else:
        assert placement["spreadConstraints"] == [
            {"spreadByField": "cluster", "minGroups": 1, "maxGroups": 1}
        ]
        assert placement["replicaScheduling"] == {
            "replicaSchedulingType": "Divided",
            "replicaDivisionPreference": "Aggregated",
        }


@pytest.mark.parametrize("algorithm", ["xgboost", "pytorch", "horovod-mpi", "container"])
def test_the_validator_reports_unknown_fields_and_bad_types(algorithm: str) -> None:
    """The matrix above would be worthless if the validator accepted anything."""
    manifests = manifests_for(parse_job_request(body(algorithm)))
    typo = {**manifests.workload, "spec": {**manifests.workload["spec"], "paralelism": 2}}
    assert manifest_errors(typo) == ["spec.paralelism: unknown field"]
    policy = manifests.policy
    bad = {
        **policy,
        "spec": {
            **policy["spec"],
            "placement": {"replicaScheduling": {"replicaSchedulingType": "Split"}},
        },
    }
    assert any("replicaSchedulingType" in e for e in manifest_errors(bad))
