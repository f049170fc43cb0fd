"""The shared REST list answer is per visible-namespace set: team-a's cached list is never
served to team-b (nor its ETag usable to learn anything), and no caller gets one before
authenticating."""

from __future__ import annotations

from tests.security.support import SecurePlatform, bearer, ensure_namespace, job_body


def test_a_cached_list_is_never_served_across_teams(token_platform: SecurePlatform) -> None:
    p = token_platform
    for namespace in ("iso-a", "iso-b"):
        ensure_namespace(p.platform, namespace)
    a_editor = p.token("ann", "editor", ["iso-a"])
    a_viewer = p.token("avi", "viewer", ["iso-a"])
    b_viewer = p.token("bea", "viewer", ["iso-b"])
    b_editor = p.token("ben", "editor", ["iso-b"])
    with p.platform.http() as client:
        a_job = client.post("/api/v1/jobs", json=job_body("iso-a-job", "iso-a"),
                            headers=bearer(a_editor))
        b_job = client.post("/api/v1/jobs", json=job_body("iso-b-job", "iso-b"),
                            headers=bearer(b_editor))
        assert a_job.status_code == 201 and b_job.status_code == 201

        # team-a's answer is rendered and cached first...
        a_list = client.get("/api/v1/jobs", headers=bearer(a_viewer))
        assert {j["namespace"] for j in a_list.json()} == {"iso-a"}
        # ...team-b polling right after gets its own, never team-a's.
        b_list = client.get("/api/v1/jobs", headers=bearer(b_viewer))
        assert {j["namespace"] for j in b_list.json()} == {"iso-b"}
        assert a_list.headers["etag"] != b_list.headers["etag"]
        # team-a's tag means nothing to team-b's view: a full answer, never a 304.
        probe = client.get("/api/v1/jobs", headers={
            **bearer(b_viewer), "If-None-Match": a_list.headers["etag"]})
        assert probe.status_code == 200
        assert {j["namespace"] for j in probe.json()} == {"iso-b"}
        # Asking for the other team's namespace by filter shows nothing of it.
        other = client.get("/api/v1/jobs", params={"namespace": "iso-a"},
                           headers=bearer(b_viewer))
        assert other.json() == []
        # Without credentials: 401, no cached body.
        anonymous = client.get("/api/v1/jobs", headers={"If-None-Match": a_list.headers["etag"]})
        assert anonymous.status_code == 401
        assert "etag" not in anonymous.headers
