"""Karmada errors at job creation, decided by status (resolvers/jobs.py ``_lookup``), with the
simulator's fault injection: 401/403 -> 503 with a reason, 404 on a prerequisite -> 400,
409 retried. Nothing is written when the answer is not 201."""

from __future__ import annotations

import uuid

import pytest

from tests.support.platform import Platform


def create(
    platform: Platform, fault: dict[str, object] | None
) -> tuple[int, dict[str, object]]:
    rule = platform.sim_request("POST", "/_sim/faults", json=fault).json() if fault else None
    try:
        with platform.http() as client:
            answer = client.post("/api/v1/jobs", json={
                "jobName": f"kerr-{uuid.uuid4().hex[:6]}",
                "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
                "resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 1}}})
        return answer.status_code, answer.json()
    finally:
        if rule is not None:
            platform.sim_request("DELETE", f"/_sim/faults/{rule['id']}")


@pytest.mark.parametrize("status", [401, 403, 422])
def test_configuration_errors_are_503_with_a_reason(platform: Platform, status: int) -> None:
    code, body = create(platform, {"pathRegex": "^/apis/cluster.karmada.io/v1alpha1/clusters$",
                                   "methods": ["GET"], "status": status})
    assert code == 503, body
    assert body["error"] == "Karmada unavailable"
    assert f"HTTP {status}" in str(body["details"]) and "Cluster list" in str(body["details"])


def test_a_missing_namespace_is_400(platform: Platform) -> None:
    code, body = create(platform, {"pathRegex": "^/api/v1/namespaces/default$",
                                   "methods": ["GET"], "status": 404})
    assert code == 400, body
    assert str(body["details"]).startswith("namespace: ")


def test_a_conflict_is_retried(platform: Platform) -> None:
    code, body = create(platform, {"pathRegex": "^/api/v1/namespaces/default$",
                                   "methods": ["GET"], "status": 409, "count": 2})
    assert code == 201, body


def readiness(platform: Platform) -> dict[str, object]:
    with platform.http() as client:
        answer = client.get("/health/ready")
    assert answer.status_code == 200, answer.text
    body: dict[str, object] = answer.json()
    return body


def test_a_refused_secret_read_shows_in_readiness_until_it_succeeds(platform: Platform) -> None:
    assert readiness(platform)["status"] == "ready"
    code, body = create(platform, {"pathRegex": "^/api/v1/namespaces/default/secrets/",
                                   "methods": ["GET"], "status": 403})
    assert code == 503, body
    ready = readiness(platform)
    assert ready["status"] == "degraded", ready
    assert "Karmada refuses GET on secrets (HTTP 403)" in str(ready["reason"])
    assert "RBAC" in str(ready["reason"])
    # The operator fixes the role: the next create reads the Secret and readiness recovers.
    code, body = create(platform, None)
    assert code == 201, body
    assert readiness(platform)["status"] == "ready"
