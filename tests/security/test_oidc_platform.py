"""AUTH_MODE=oidc end to end: JWTs signed with the test's own key, a JWKS on loopback, and
identities forwarded by a trusted authenticating proxy (oauth2-proxy style headers)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.security.support import (
    JwksServer,
    SecurePlatform,
    SigningKey,
    bearer,
    claims,
    close_code_after_init,
    ensure_namespace,
    job_body,
)


@pytest.fixture(scope="module")
def key(oidc_platform: SecurePlatform, jwks: tuple[JwksServer, SigningKey]) -> SigningKey:
    ensure_namespace(oidc_platform.platform, "team-a")
    return jwks[1]


def get_jobs(p: SecurePlatform, headers: dict[str, str]) -> tuple[int, Any]:
    with p.platform.http() as client:
        answer = client.get("/api/v1/jobs", headers=headers)
    return answer.status_code, answer.json()


def test_a_valid_jwt_is_accepted_and_its_groups_scope_the_caller(
    oidc_platform: SecurePlatform, key: SigningKey
) -> None:
    token = key.sign(claims("carol", ["team-a-dev"]))
    with oidc_platform.platform.http() as client:
        created = client.post("/api/v1/jobs", json=job_body("oidc-job", "team-a"),
                              headers=bearer(token))
        elsewhere = client.post("/api/v1/jobs", json=job_body("oidc-job", "default"),
                                headers=bearer(token))
    assert created.status_code == 201, created.text
    assert elsewhere.status_code == 400 and "does not exist" in elsewhere.json()["details"]
    rows = oidc_platform.fetch("SELECT created_by FROM training_jobs WHERE id = $1",
                               created.json()["id"])
    assert rows == [{"created_by": "carol"}]


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param({"exp": int(time.time()) - 300}, id="expired"),
        pytest.param({"aud": "another-app"}, id="wrong-audience"),
        pytest.param({"iss": "https://other-issuer.test"}, id="wrong-issuer"),
    ],
)
def test_bad_claims_are_401(
    oidc_platform: SecurePlatform, key: SigningKey, bad: dict[str, Any]
) -> None:
    status, body = get_jobs(oidc_platform, bearer(key.sign(claims(**bad))))
    assert (status, body) == (401, {"error": "Unauthorized"})


def test_a_forged_jwt_is_401(oidc_platform: SecurePlatform, key: SigningKey) -> None:
    forged = SigningKey(key.kid).sign(claims(groups=["platform-admins"]))
    assert get_jobs(oidc_platform, bearer(forged))[0] == 401


def test_a_jwt_without_mapped_groups_sees_nothing(
    oidc_platform: SecurePlatform, key: SigningKey
) -> None:
    status, body = get_jobs(oidc_platform, bearer(key.sign(claims("nobody", ["unmapped"]))))
    assert (status, body) == (200, [])


def test_websocket_with_an_expired_jwt_closes_4403(
    oidc_platform: SecurePlatform, key: SigningKey
) -> None:
    url = oidc_platform.platform.ws_url
    expired = key.sign(claims(exp=int(time.time()) - 300))
    assert close_code_after_init(url, {"Authorization": f"Bearer {expired}"}) == 4403
    valid = key.sign(claims())
    assert close_code_after_init(url, {"Authorization": f"Bearer {valid}"}) is None


def test_identity_forwarded_by_the_trusted_proxy(oidc_platform: SecurePlatform) -> None:
    # The test client connects from 127.0.0.1, configured as the trusted proxy: this is what
    # the React frontend's requests look like behind oauth2-proxy (no Authorization header).
    forwarded = {"X-Forwarded-User": "frank", "X-Forwarded-Groups": "team-a-view"}
    status, _ = get_jobs(oidc_platform, forwarded)
    assert status == 200
    with oidc_platform.platform.http() as client:
        denied = client.post("/api/v1/jobs", json=job_body("via-proxy", "team-a"),
                             headers=forwarded)
    assert denied.status_code == 403


def test_proxy_forwarded_access_token_is_verified(
    oidc_platform: SecurePlatform, key: SigningKey
) -> None:
    good = {"X-Forwarded-Access-Token": key.sign(claims("gina", ["team-a-view"]))}
    bad = {"X-Forwarded-Access-Token": SigningKey(key.kid).sign(claims("gina"))}
    assert get_jobs(oidc_platform, good)[0] == 200
    assert get_jobs(oidc_platform, bad)[0] == 401


def test_graphql_sees_the_same_identity(oidc_platform: SecurePlatform, key: SigningKey) -> None:
    token = key.sign(claims("root", ["platform-admins"]))
    with oidc_platform.platform.http() as client:
        answer = client.post("/graphql", headers=bearer(token),
                             json={"query": "{ jobs { totalCount nodes { createdBy } } }"})
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    assert {"createdBy": "carol"} in answer.json()["data"]["jobs"]["nodes"]
