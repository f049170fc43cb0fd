"""REST compatibility (README, REST API): every route's status codes and keys, on PostgreSQL."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.support.eventually import wait_for
from tests.support.platform import Platform

JOB_KEYS = {
    "id",
    "jobName",
    "namespace",
    "algorithm",
    "priority",
    "request",
    "status",
    "message",
    "createdAt",
    "updatedAt",
}
STATUS_KEYS = {
    "phase",
    "attempt",  # issue 19: the current attempt
    "reason",
    "message",
    "active",
    "succeeded",
    "failed",
    "startTime",
    "completionTime",
    "clusterDistribution",
}

# Captured from the existing React frontend's create form (README, REST API), byte for byte.
FRONTEND_BODY: dict[str, Any] = json.loads("""
{"jobName":"fe-check-job-1","priority":500,"algorithm":{"source":"builtin","algorithmName":"xgboost"},
 "resources":{"instanceResources":{"cpuCores":4,"memoryGiB":16,"gpuCount":0},"instanceCount":1,"volumeSizeGB":50},
 "stoppingCondition":{"maxRuntimeSeconds":14400},
 "inputDataConfig":[{"id":"4305bdd0-97e1-4057-b2ac-1830b2d958a4","channelName":"train","sourceType":"upload",
   "storageProvider":"minio","endpoint":"http://minio:9000","bucket":"datasets","prefix":""}],
 "outputDataConfig":{"artifactUri":"storage://output/artifacts/"},
 "hyperparameters":{"xgboost":{"early_stopping_rounds":null,"csv_weights":0,"num_round":300,"booster":"gbtree",
   "verbosity":1,"nthread":"auto","eta":0.3,"gamma":0,"max_depth":6,"min_child_weight":1,"max_delta_step":0,
   "subsample":1,"sampling_method":"uniform","colsample_bytree":1,"colsample_bylevel":1,"colsample_bynode":1,
   "lambda":1,"alpha":0,"tree_method":"auto","sketch_eps":0.03,"scale_pos_weight":1,"updater":"auto","dsplit":"row",
   "refresh_leaf":1,"process_type":"default","grow_policy":"depthwise","max_leaves":0,"max_bin":256,
   "num_parallel_tree":1,"sample_type":"uniform","normalize_type":"tree","rate_drop":0,"one_drop":0,"skip_drop":0,
   "lambda_bias":0,"tweedie_variance_power":1.5,"objective":"reg:squarederror","base_score":0.5,"eval_metric":["rmse"]}},
 "customHyperparameters":{},"targetClusters":[],"namespace":"default"}
""")


def _create(platform: Platform, body: dict[str, Any] | None = None) -> dict[str, Any]:
    with platform.http() as client:
        answer = client.post("/api/v1/jobs", json=body or FRONTEND_BODY)
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_health_routes(platform: Platform) -> None:
    with platform.http() as client:
        for path in ("/health", "/api/v1/health"):
            answer = client.get(path)
            assert answer.status_code == 200
            assert answer.json() == {"status": "healthy"}


def test_cors_preflight_is_204_with_headers(platform: Platform) -> None:
    with platform.http() as client:
        answer = client.options(
            "/api/v1/jobs",
            headers={
                "Origin": "http://localhost:3000",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] in ("*", "http://localhost:3000")
    assert "POST" in answer.headers["access-control-allow-methods"]


def test_frontend_body_is_accepted_as_pending(platform: Platform) -> None:
    job = _create(platform)
    assert set(job) == JOB_KEYS
    assert job["status"] == "Pending"
    assert job["priority"] == 500
    assert job["id"].startswith("fe-check-job-1-") and len(job["id"]) == len("fe-check-job-1-") + 8
    assert job["createdAt"].endswith("Z") and job["updatedAt"].endswith("Z")
    assert job["request"]["hyperparameters"]["xgboost"]["num_round"] == 300
    assert job["request"]["inputDataConfig"][0]["prefix"] == ""


def test_get_list_status_logs_and_delete(platform: Platform) -> None:
    first = _create(platform)
    second = _create(platform, {**FRONTEND_BODY, "jobName": "second-job"})
    with platform.http() as client:
        listed = client.get("/api/v1/jobs").json()
        assert [j["id"] for j in listed] == [second["id"], first["id"]]  # newest first
        assert all(set(j) == JOB_KEYS for j in listed)
        assert client.get("/api/v1/jobs", params={"namespace": "other"}).json() == []

        got = client.get(f"/api/v1/jobs/{first['id']}")
        assert got.status_code == 200 and set(got.json()) == JOB_KEYS

        status = client.get(f"/api/v1/jobs/{first['id']}/status")
        assert status.status_code == 200 and set(status.json()) == STATUS_KEYS

        logs = client.get(f"/api/v1/jobs/{first['id']}/logs")
        assert logs.status_code == 200
        assert {"message", "source", "pods", "truncated"} <= set(logs.json())

        deleted = client.delete(f"/api/v1/jobs/{first['id']}")
        assert deleted.status_code == 200
        assert deleted.json() == {"message": "Training job deleted successfully"}

        def gone() -> bool:
            return client.get(f"/api/v1/jobs/{first['id']}").status_code == 404

        wait_for(gone, what="the deleted job's row to go")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/jobs/nope-12345678",
        "/api/v1/jobs/nope-12345678/status",
        "/api/v1/jobs/nope-12345678/logs",
    ],
)
def test_unknown_job_is_404(platform: Platform, path: str) -> None:
    with platform.http() as client:
        answer = client.get(path)
        assert answer.status_code == 404
        assert answer.json() == {"error": "Training job not found"}
        assert client.delete("/api/v1/jobs/nope-12345678").status_code == 404


def _mutated(path: str, value: Any) -> dict[str, Any]:
    body = copy.deepcopy(FRONTEND_BODY)
    *parents, leaf = path.split(".")
    target = body
    for key in parents:
        target = target[key]
    if value is _DELETE:
        del target[leaf]
    else:
        target[leaf] = value
    return body


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("jobName", _DELETE, "jobName"),
        ("jobName", "Bad_Name", "jobName"),
        ("jobName", "-leading-dash", "jobName"),
        ("algorithm.algorithmName", "sklearn-magic", "algorithm"),
        ("resources.instanceResources.cpuCores", 0, "cpuCores"),
        ("resources.instanceResources.memoryGiB", -1, "memoryGiB"),
        ("resources.instanceCount", 0, "instanceCount"),
        ("targetClusters", ["no-such-cluster"], "targetClusters"),
    ],
)
def test_bad_input_is_400_with_field_and_writes_nothing(
    platform: Platform, path: str, value: Any, field: str
) -> None:
    with platform.http() as client:
        answer = client.post("/api/v1/jobs", json=_mutated(path, value))
        assert answer.status_code == 400, answer.text
        body = answer.json()
        assert set(body) == {"error", "details"}
        assert body["error"] == "Invalid request payload"
        assert field in body["details"].split(":")[0]
        assert client.get("/api/v1/jobs").json() == []
    rayjobs = platform.sim_request(
        "GET",
        "/apis/ray.io/v1/rayjobs",
        params={"labelSelector": f"ml-platform.io/instance={platform.instance_id}"},
    )
    assert rayjobs.json()["items"] == []


def test_malformed_json_is_400(platform: Platform) -> None:
    with platform.http() as client:
        answer = client.post(
            "/api/v1/jobs", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 400
        assert answer.json() == {
            "error": "Invalid request payload",
            "details": "body: malformed JSON",
        }
        assert client.get("/api/v1/jobs").json() == []


def test_a_long_valid_job_name_is_never_rejected(platform: Platform) -> None:
    name = "a" * 63
    job = _create(platform, {**FRONTEND_BODY, "jobName": name})
    assert job["jobName"] == name


def test_clusters_route(platform: Platform) -> None:
    with platform.http() as client:
        answer = client.get("/api/v1/proxy/clusters")
    assert answer.status_code == 200
    clusters = answer.json()["clusters"]
    assert [c["name"] for c in clusters] == ["member1", "member2"]
    assert clusters[0] == {
        "name": "member1",
        "ready": True,
        "region": "us-east-1",
        "zone": "us-east-1a",
    }


def test_cluster_resources_route(platform: Platform) -> None:
    with platform.http() as client:
        ok = client.get(
            "/api/v1/proxy/clusters/member1/resources",
            params={"namespace": "default", "type": "pods"},
        )
        assert ok.status_code == 200, ok.text
        assert set(ok.json()) == {"cluster", "namespace", "type", "count", "resources"}
        assert ok.json()["count"] == len(ok.json()["resources"])
        secrets = client.get("/api/v1/proxy/clusters/member1/resources", params={"type": "secrets"})
        assert secrets.status_code == 400
        assert set(secrets.json()) == {"error", "details"}
        missing = client.get("/api/v1/proxy/clusters/nowhere/resources")
        assert missing.status_code == 404
        assert missing.json() == {"error": "Cluster not found"}
