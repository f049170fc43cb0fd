"""What one job may carry (app/jobspec): hyperparameter count and size, numeric magnitude,
image references, and the manifest-size bound (400 naming the field)."""

from __future__ import annotations

from typing import Any

import pytest

from app.jobspec import RequestInvalid, RequestLimits, parse_job_request
from app.jobspec.manifest_size import check_manifest_size
from app.workloads import JobIdentity, WorkloadSettings, build_manifests


def body(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "jobName": "job-1",
        "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
        "resources": {"instanceResources": {"cpuCores": 2, "memoryGiB": 4}},
    }
    payload.update(overrides)
    return payload


def rejection(payload: dict[str, Any], limits: RequestLimits | None = None) -> tuple[str, str]:
    with pytest.raises(RequestInvalid) as caught:
        parse_job_request(payload, limits)
    return caught.value.field, caught.value.reason


def test_fifty_thousand_custom_hyperparameters_are_refused() -> None:
    custom = {f"P{i}": "x" * 10 for i in range(50_000)}
    assert rejection(body(customHyperparameters=custom)) == (
        "customHyperparameters", "must have at most 500 entries"
    )


def test_count_includes_the_algorithm_section() -> None:
    limits = RequestLimits(max_hyperparameters=3)
    payload = body(hyperparameters={"xgboost": {"eta": 0.1, "max_depth": 3}},
                   customHyperparameters={"A": 1, "B": 2})
    field, reason = rejection(payload, limits)
    assert field == "customHyperparameters" and "at most 3 entries together" in reason


def test_hyperparameter_values_are_bounded_in_bytes() -> None:
    assert rejection(body(customHyperparameters={"A": "é" * 2049})) == (
        "customHyperparameters.A", "must be at most 4096 bytes"
    )
    assert rejection(body(hyperparameters={"xgboost": {"objective": "x" * 4097}})) == (
        "hyperparameters.xgboost.objective", "must be at most 4096 bytes"
    )
    parse_job_request(body(customHyperparameters={"A": "x" * 4096}))


@pytest.mark.parametrize("value", [10**40, -(10**40), 2**53 + 1, 1e300])
def test_numeric_hyperparameters_are_bounded(value: float) -> None:
    field, reason = rejection(body(hyperparameters={"xgboost": {"base_score": value}}))
    assert field == "hyperparameters.xgboost.base_score"
    assert reason == f"must be between -{2**53} and {2**53}"
    field, reason = rejection(body(customHyperparameters={"N": value}))
    assert (field, reason) == ("customHyperparameters.N", f"must be between -{2**53} and {2**53}")


def test_num_round_ten_to_the_forty_is_refused() -> None:
    assert rejection(body(hyperparameters={"xgboost": {"num_round": 10**40}}))[0] == (
        "hyperparameters.xgboost.num_round"
    )
    parse_job_request(body(hyperparameters={"xgboost": {"num_round": 2**53}}))


@pytest.mark.parametrize("key", ["headImage", "workerImage"])
@pytest.mark.parametrize("image", ["a b", "", "x\ty", "img\n"])
def test_head_and_worker_images_are_validated_like_image_uri(key: str, image: str) -> None:
    field, reason = rejection(body(**{key: image}))
    assert field == key
    assert reason in ("must be an image reference without spaces", "must not be empty")


def test_storage_secret_and_pvc_names_are_strict_subdomains() -> None:
    assert rejection(body(storageSecretName="a..b"))[0] == "storageSecretName"
    assert rejection(body(pvcName="a.-b"))[0] == "pvcName"
    parse_job_request(body(storageSecretName="ml.storage-1"))


def test_manifest_size_bound_names_the_largest_field() -> None:
    request = parse_job_request(body(customHyperparameters={f"P{i}": "x" * 4000
                                                            for i in range(100)}))
    manifests = build_manifests(
        request, JobIdentity("job-1-0a1b2c3d", "job-1-0a1b2c3d", "default", "default"),
        WorkloadSettings(), [],
    )
    with pytest.raises(RequestInvalid) as caught:
        check_manifest_size(manifests.workload, request.normalized(), 262_144)
    assert caught.value.field == "customHyperparameters"
    assert "at most 262144" in caught.value.reason
    check_manifest_size(manifests.workload, request.normalized(), 4 * 1024 * 1024)
