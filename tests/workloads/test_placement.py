"""Candidate clusters for a job (Karmada's APIEnablement rule) and priority bands."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from app.jobspec import RequestInvalid
from app.workloads import (
    ALL_KINDS,
    JAXJOB,
    PYTORCHJOB,
    RAYJOB,
    ClusterCapabilities,
    WorkloadSettings,
    check_target_clusters,
    priority_class_for,
    required_api,
    secret_name_for,
)
from tests.support.crd import reference_path
from tests.workloads.helpers import request_of

RAY = [{"groupVersion": "ray.io/v1", "resources": [{"name": "rayjobs", "kind": "RayJob"}]}]
KUBEFLOW = [
    {
        "groupVersion": "kubeflow.org/v1",
        "resources": [
            {"name": "pytorchjobs", "kind": "PyTorchJob"},
            {"name": "tfjobs", "kind": "TFJob"},
        ],
    }
]
CLUSTERS = [
    ClusterCapabilities("member1", True, RAY),
    ClusterCapabilities("member2", True, RAY + KUBEFLOW),
    ClusterCapabilities("member3", False, RAY),
]


def invalid(*args: Any) -> str:
    with pytest.raises(RequestInvalid) as caught:
        check_target_clusters(*args)
    assert caught.value.field == "targetClusters"
    return caught.value.reason


def test_required_api_per_kind() -> None:
    assert required_api(RAYJOB) == ("ray.io/v1", "RayJob")
    assert {required_api(k) for k in ALL_KINDS} >= {
        ("batch/v1", "Job"),
        ("kubeflow.org/v2beta1", "MPIJob"),
    }


def test_no_targets_means_every_ready_cluster_with_the_api() -> None:
    assert check_target_clusters(request_of("xgboost"), RAYJOB, CLUSTERS) == ["member1", "member2"]
    assert check_target_clusters(request_of("pytorch"), PYTORCHJOB, CLUSTERS) == ["member2"]


def test_no_capable_cluster_is_a_clear_error() -> None:
    assert invalid(request_of("jax-pjit"), JAXJOB, CLUSTERS) == (
        "no ready cluster can run JAXJob (kubeflow.org/v1)"
    )


def test_named_targets_must_exist_and_have_the_api() -> None:
    assert invalid(request_of("xgboost", targetClusters=["nope"]), RAYJOB, CLUSTERS) == (
        "unknown cluster 'nope'"
    )
    assert invalid(request_of("pytorch", targetClusters=["member1"]), PYTORCHJOB, CLUSTERS) == (
        "cluster 'member1' cannot run PyTorchJob (kubeflow.org/v1 not installed)"
    )


def test_named_targets_are_kept_even_when_not_ready() -> None:
    request = request_of("xgboost", targetClusters=["member3", "member1"])
    assert check_target_clusters(request, RAYJOB, CLUSTERS) == ["member3", "member1"]


def test_reference_cluster_example_api_enablements() -> None:
    with reference_path("examples/karmada-cluster-with-status.yaml").open() as handle:
        clusters = [c for c in yaml.safe_load_all(handle) if c]
    capabilities = [
        ClusterCapabilities(c["metadata"]["name"], True, c["status"].get("apiEnablements", []))
        for c in clusters
    ]
    assert any(c.can_run(next(k for k in ALL_KINDS if k.kind == "Job")) for c in capabilities)


@pytest.mark.parametrize(
    ("priority", "expected"),
    [
        (0, "ml-platform-low"),
        (399, "ml-platform-low"),
        (400, "ml-platform-medium"),
        (799, "ml-platform-medium"),
        (800, "ml-platform-high"),
        (1000, "ml-platform-high"),
    ],
)
def test_priority_bands(priority: int, expected: str) -> None:
    assert priority_class_for(priority, WorkloadSettings.defaults()) == expected


def test_priority_bands_are_configurable_and_can_be_off() -> None:
    settings = WorkloadSettings(priority_classes=((500, "urgent"),))
    assert priority_class_for(600, settings) == "urgent"
    assert priority_class_for(100, settings) is None
    assert priority_class_for(1000, WorkloadSettings(priority_classes=())) is None


def test_secret_name_per_request_or_default() -> None:
    settings = WorkloadSettings(storage_secret_name="shared")
    assert secret_name_for(request_of("xgboost"), settings) == "shared"
    assert secret_name_for(request_of("xgboost", storageSecretName="mine"), settings) == "mine"
