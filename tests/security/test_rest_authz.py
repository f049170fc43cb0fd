"""REST under AUTH_MODE=token: 401 without credentials, other teams' jobs look missing,
viewers cannot change anything, revoked tokens stop working, the actor is recorded."""

from __future__ import annotations

from typing import Any

import pytest

from app.auth.middleware import is_public
from app.server import rest
from tests.security.conftest import FRONTEND_ORIGIN
from tests.security.support import SecurePlatform, bearer, ensure_namespace, job_body
from tests.support.eventually import wait_for
from tests.support.platform import Platform

MISSING = {"error": "Training job not found"}


@pytest.fixture(scope="module")
def teams(token_platform: SecurePlatform) -> dict[str, Any]:
    """Namespaces team-a and default; tokens; one job in each namespace."""
    p = token_platform
    ensure_namespace(p.platform, "team-a")
    tokens = {
        "admin": p.token("root", "admin", ["*"]),
        "a_editor": p.token("alice", "editor", ["team-a"]),
        "a_viewer": p.token("victor", "viewer", ["team-a"]),
        "default_editor": p.token("bob", "editor", ["default"]),
    }
    with p.platform.http() as client:
        a_job = client.post("/api/v1/jobs", json=job_body("team-a-job", "team-a"),
                            headers=bearer(tokens["a_editor"]))
        d_job = client.post("/api/v1/jobs", json=job_body("default-job"),
                            headers=bearer(tokens["default_editor"]))
    assert a_job.status_code == 201, a_job.text
    assert d_job.status_code == 201, d_job.text
    return {"tokens": tokens, "a_job": a_job.json()["id"], "d_job": d_job.json()["id"]}


def concrete(path: str) -> str:
    return path.replace("{job_id}", "some-job-1234abcd").replace("{cluster}", "member1")


PROTECTED = sorted(
    (method, route.path)
    for route in rest.routes
    for method in (route.methods or ())  # type: ignore[attr-defined]
    if method != "HEAD" and not is_public(method, route.path)  # type: ignore[attr-defined]
)


def test_protected_route_list_is_not_empty() -> None:
    assert len(PROTECTED) >= 8


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_every_route_needs_credentials(
    token_platform: SecurePlatform, method: str, path: str
) -> None:
    with token_platform.platform.http() as client:
        unknown = bearer("mlp_0123456789abcdef_" + "x" * 43)
        for headers in ({}, unknown, {"Authorization": "Basic x"}):
            answer = client.request(method, concrete(path), headers=headers, json={})
            assert answer.status_code == 401, (headers, answer.text)
            assert answer.json() == {"error": "Unauthorized"}
            assert answer.headers["www-authenticate"] == "Bearer"


def test_public_routes_need_no_credentials(token_platform: SecurePlatform) -> None:
    with token_platform.platform.http() as client:
        assert client.get("/api/v1/health").status_code == 200
        assert client.get("/health").status_code == 200
        assert client.get("/api/v1/openapi.json").json()["openapi"].startswith("3.")


def test_preflight_is_answered_before_authentication(token_platform: SecurePlatform) -> None:
    with token_platform.platform.http() as client:
        ok = client.options("/api/v1/jobs", headers={
            "Origin": FRONTEND_ORIGIN, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type"})
        evil = client.options("/api/v1/jobs", headers={
            "Origin": "https://evil.test", "Access-Control-Request-Method": "POST"})
        unauthorized = client.get("/api/v1/jobs", headers={"Origin": FRONTEND_ORIGIN})
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == FRONTEND_ORIGIN
    assert "access-control-allow-origin" not in evil.headers
    # A browser must be able to read the 401 to send the user to log in.
    assert unauthorized.status_code == 401
    assert unauthorized.headers["access-control-allow-origin"] == FRONTEND_ORIGIN


def test_other_teams_job_looks_exactly_like_a_missing_one(
    token_platform: SecurePlatform, teams: dict[str, Any]
) -> None:
    alice = bearer(teams["tokens"]["a_editor"])
    other = teams["d_job"]
    with token_platform.platform.http() as client:
        for suffix in ("", "/status", "/logs"):
            hidden = client.get(f"/api/v1/jobs/{other}{suffix}", headers=alice)
            missing = client.get(f"/api/v1/jobs/no-such-job-00000000{suffix}", headers=alice)
            assert (hidden.status_code, hidden.json()) == (404, MISSING)
            assert (missing.status_code, missing.json()) == (404, MISSING)
        deleted = client.delete(f"/api/v1/jobs/{other}", headers=alice)
        assert (deleted.status_code, deleted.json()) == (404, MISSING)
        listed = {j["id"] for j in client.get("/api/v1/jobs", headers=alice).json()}
        assert listed == {teams["a_job"]}
        filtered = client.get("/api/v1/jobs", params={"namespace": "default"}, headers=alice)
        assert filtered.json() == []
        admin_view = client.get("/api/v1/jobs", headers=bearer(teams["tokens"]["admin"])).json()
        # The job survived the forbidden delete.
        assert {teams["a_job"], other} <= {j["id"] for j in admin_view}


def test_creating_in_another_teams_namespace_reads_as_a_missing_namespace(
    token_platform: SecurePlatform, teams: dict[str, Any]
) -> None:
    with token_platform.platform.http() as client:
        forbidden = client.post("/api/v1/jobs", json=job_body("sneaky", "default"),
                                headers=bearer(teams["tokens"]["a_editor"]))
        missing = client.post("/api/v1/jobs", json=job_body("sneaky", "no-such-ns"),
                              headers=bearer(teams["tokens"]["admin"]))
    assert forbidden.status_code == missing.status_code == 400
    assert forbidden.json()["details"] == "namespace: namespace 'default' does not exist"
    assert missing.json()["details"] == "namespace: namespace 'no-such-ns' does not exist"


def count_jobs(p: SecurePlatform) -> int:
    return int(p.fetch("SELECT count(*) AS n FROM training_jobs")[0]["n"])


def test_viewer_cannot_mutate(token_platform: SecurePlatform, teams: dict[str, Any]) -> None:
    viewer = bearer(teams["tokens"]["a_viewer"])
    before = count_jobs(token_platform)
    with token_platform.platform.http() as client:
        assert client.get(f"/api/v1/jobs/{teams['a_job']}", headers=viewer).status_code == 200
        created = client.post("/api/v1/jobs", json=job_body("viewer-job", "team-a"), headers=viewer)
        deleted = client.delete(f"/api/v1/jobs/{teams['a_job']}", headers=viewer)
        still = client.get(f"/api/v1/jobs/{teams['a_job']}", headers=viewer)
    assert (created.status_code, created.json()) == (403, {"error": "Forbidden"})
    assert (deleted.status_code, deleted.json()) == (403, {"error": "Forbidden"})
    assert still.json()["status"] != "Deleting"
    assert count_jobs(token_platform) == before


def test_revoked_token_stops_working(token_platform: SecurePlatform) -> None:
    token = token_platform.token("temp", "viewer", ["team-a"])
    with token_platform.platform.http() as client:
        assert client.get("/api/v1/jobs", headers=bearer(token)).status_code == 200
        token_platform.revoke(token)
        assert client.get("/api/v1/jobs", headers=bearer(token)).status_code == 401


def test_actor_is_recorded_on_create_and_delete(
    token_platform: SecurePlatform, teams: dict[str, Any]
) -> None:
    alice = bearer(teams["tokens"]["a_editor"])
    with token_platform.platform.http() as client:
        job = client.post("/api/v1/jobs", json=job_body("audited", "team-a"), headers=alice).json()
        # Delete once it finished, so no poller transition races the deletion's event.
        wait_for(lambda: client.get(f"/api/v1/jobs/{job['id']}", headers=alice).json()["status"]
                 in ("Succeeded", "Failed"), what="the job to finish")
        assert client.delete(f"/api/v1/jobs/{job['id']}", headers=alice).status_code == 200
    rows = token_platform.fetch("SELECT created_by, deleted_by FROM training_jobs WHERE id = $1",
                                job["id"])
    events = token_platform.fetch(
        "SELECT to_status, actor FROM job_events WHERE job_id = $1 ORDER BY sequence", job["id"])
    if rows:  # the row may already be gone once Karmada confirmed the deletion
        assert rows[0] == {"created_by": "alice", "deleted_by": "alice"}
    assert events == [] or events[0]["actor"] == "alice"
    assert not rows or any(e == {"to_status": "DELETING", "actor": "alice"} for e in events)


def test_clusters_are_visible_but_other_namespaces_contents_are_not(
    token_platform: SecurePlatform, teams: dict[str, Any]
) -> None:
    alice = bearer(teams["tokens"]["a_editor"])
    with token_platform.platform.http() as client:
        clusters = client.get("/api/v1/proxy/clusters", headers=alice)
        hidden = client.get("/api/v1/proxy/clusters/member1/resources",
                            params={"namespace": "kube-system", "type": "pods"}, headers=alice)
    assert clusters.status_code == 200 and clusters.json()["clusters"]
    assert hidden.status_code == 200 and hidden.json()["count"] == 0


def _platform(p: SecurePlatform) -> Platform:
    return p.platform
