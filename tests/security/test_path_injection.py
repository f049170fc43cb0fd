"""Path injection into Karmada URLs, driven through the real REST routes against the simulator.

For every value the server puts into a Karmada URL (namespace, cluster, pod, type, job
object names, label selectors) a hostile value is a 400 naming the field, and the simulator's
raw request log (``/_sim/requests/recent``: paths as escaped on the wire) shows that no
request reached anything but what the route is allowed to read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote

import httpx
import pytest

from tests.security.support import SecurePlatform, bearer, ensure_namespace, job_body
from tests.support.eventually import wait_for

PROXY = "/apis/cluster.karmada.io/v1alpha1/clusters"


@pytest.fixture(scope="module")
def viewer(token_platform: SecurePlatform) -> dict[str, Any]:
    p = token_platform
    ensure_namespace(p.platform, "team-a")
    return {
        "viewer": p.token("vera", "viewer", ["team-a"]),
        "editor": p.token("ed", "editor", ["team-a"]),
    }


def recent(p: SecurePlatform) -> list[dict[str, str]]:
    answer = p.platform.sim_request("GET", "/_sim/requests/recent")
    assert answer.status_code == 200, answer.text
    return list(answer.json()["requests"])


def reset(p: SecurePlatform) -> None:
    assert p.platform.sim_request("POST", "/_sim/requests/reset").status_code == 200


def secret_reads(p: SecurePlatform) -> list[dict[str, str]]:
    """Requests whose decoded path or query touches Secrets (never by these routes)."""
    return [r for r in recent(p)
            if "secret" in unquote(unquote(r["path"] + "?" + r["query"])).lower()]


def proxy_requests(p: SecurePlatform) -> list[str]:
    return [r["path"] for r in recent(p) if "/proxy" in r["path"]]


@pytest.mark.parametrize(
    "namespace",
    ["team-a%2Fsecrets%23", "team-a%2Fsecrets%3F", "team-a/secrets", "..", "%2E%2E",
     "team-a%2F..%2F..%2Fsecrets", "x" * 64, "Team-A", "team-a%23"],
)
def test_namespace_cannot_rewrite_the_proxy_path(
    token_platform: SecurePlatform, viewer: dict[str, Any], namespace: str
) -> None:
    reset(token_platform)
    with token_platform.platform.http() as client:
        answer = client.get(
            f"/api/v1/proxy/clusters/member1/resources?type=pods&namespace={namespace}",
            headers=bearer(viewer["viewer"]),
        )
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["error"] == "Invalid request payload"
    assert body["details"].startswith("namespace: ")
    assert "data" not in answer.text
    assert secret_reads(token_platform) == []
    assert proxy_requests(token_platform) == []


@pytest.mark.parametrize(
    "resource_type", ["secrets", "pods%2F..%2F..%2Fsecrets", "pods%23", "pods%3Fx%3D1", "Pods"]
)
def test_type_outside_the_allowlist(
    token_platform: SecurePlatform, viewer: dict[str, Any], resource_type: str
) -> None:
    reset(token_platform)
    with token_platform.platform.http() as client:
        answer = client.get(
            f"/api/v1/proxy/clusters/member1/resources?type={resource_type}&namespace=team-a",
            headers=bearer(viewer["viewer"]),
        )
    assert answer.status_code == 400, answer.text
    assert answer.json()["details"].startswith("type: must be one of")
    assert proxy_requests(token_platform) == []


@pytest.mark.parametrize("cluster", ["member1%23", "member1%3F", "..", "member1..x", "x" * 254,
                                     "MEMBER1"])
def test_cluster_name_cannot_rewrite_the_path(
    token_platform: SecurePlatform, viewer: dict[str, Any], cluster: str
) -> None:
    reset(token_platform)
    with token_platform.platform.http() as client:
        answer = client.get(
            f"/api/v1/proxy/clusters/{cluster}/resources?type=pods&namespace=team-a",
            headers=bearer(viewer["viewer"]),
        )
    # ".." is resolved by the HTTP client itself (no such route): 404, never a Karmada read.
    assert answer.status_code in (400, 404), answer.text
    if answer.status_code == 400:
        assert answer.json()["details"].startswith("cluster: ")
    assert proxy_requests(token_platform) == []
    assert [r for r in recent(token_platform) if "/clusters/" in r["path"]] == []


def test_allowed_read_sends_exactly_the_allowed_path(
    token_platform: SecurePlatform, viewer: dict[str, Any]
) -> None:
    reset(token_platform)
    with token_platform.platform.http() as client:
        answer = client.get(
            "/api/v1/proxy/clusters/member1/resources?type=pods&namespace=team-a",
            headers=bearer(viewer["viewer"]),
        )
    assert answer.status_code == 200, answer.text
    assert proxy_requests(token_platform) == [
        f"{PROXY}/member1/proxy/api/v1/namespaces/team-a/pods"
    ]


def test_job_names_labels_and_pods_in_karmada_urls(
    token_platform: SecurePlatform, viewer: dict[str, Any]
) -> None:
    """Job names are validated at create; the object name, the label selector and the pod
    names the server sends for a real job are exactly the escaped, expected ones."""
    p = token_platform
    headers = bearer(viewer["editor"])
    with p.platform.http() as client:
        for name in ("x/../secrets", "a#b", "a?b", "..", "A"):
            before = len([r for r in recent(p) if r["method"] == "POST"])
            refused = client.post("/api/v1/jobs", json=job_body(name, "team-a"), headers=headers)
            assert refused.status_code == 400, refused.text
            assert refused.json()["details"].startswith("jobName: ")
            assert len([r for r in recent(p) if r["method"] == "POST"]) == before
        created = client.post("/api/v1/jobs", json=job_body("inject-probe", "team-a"),
                              headers=headers)
        assert created.status_code == 201, created.text
        job_id = created.json()["id"]
        reset(p)

        def live_logs() -> httpx.Response | None:
            got = client.get(f"/api/v1/jobs/{job_id}/logs", headers=headers)
            return got if got.status_code == 200 and got.json()["pods"] else None

        logs = wait_for(live_logs, timeout=60, what="the job's pods")
        pods = {entry["pod"] for entry in logs.json()["pods"]}
        requests = recent(p)
        instance = p.platform.instance_id
        job_pods = f"ml-platform.io/job-id={job_id},ml-platform.io/instance={instance}"
        # The attempt's own pods; while it has none, also the job's (pods made before the
        # attempt label existed count as attempt 1's: app.operations.logs).
        attempt_pods = [f"{job_pods},ml-platform.io/attempt=1"]
        lists = [r for r in requests if r["path"].endswith("/proxy/api/v1/namespaces/team-a/pods")]
        selectors = [parse_qs(r["query"]) for r in lists]
        assert {"labelSelector": attempt_pods} in selectors, lists
        assert all(
            s in ({"labelSelector": attempt_pods}, {"labelSelector": [job_pods]}) for s in selectors
        ), lists
        log_paths = {r["path"] for r in requests if r["path"].endswith("/log")}
        assert log_paths and all(
            path.rsplit("/", 2)[-2] in pods and path.startswith(f"{PROXY}/member")
            and "/proxy/api/v1/namespaces/team-a/pods/" in path
            for path in log_paths
        ), log_paths
        assert [r for r in requests if "/proxy" in r["path"]
                and not r["path"].startswith(f"{PROXY}/member")] == []

        # A hostile pod is refused before any request; a long one too.
        reset(p)
        for pod in ("..%2F..%2Fsecrets%2Fml-platform-storage", "a%23", "p" * 256):
            refused = client.get(f"/api/v1/jobs/{job_id}/logs?pod={pod}", headers=headers)
            assert refused.status_code == 400, refused.text
            assert refused.json()["details"].startswith("pod: ")
        assert proxy_requests(p) == []
        assert secret_reads(p) == []

        # Deleting sends the object's own name, escaped, to its own resource.
        reset(p)
        assert client.delete(f"/api/v1/jobs/{job_id}", headers=bearer(p.token(
            "root", "admin", ["*"]))).status_code == 200
        deletes = [r["path"] for r in recent(p) if r["method"] == "DELETE"]
        assert deletes and all("/namespaces/team-a/" in path for path in deletes), deletes
        assert all(unquote(path) == path for path in deletes), deletes
