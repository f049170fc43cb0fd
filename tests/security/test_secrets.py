"""Secrets never come back: API tokens stay out of logs and replies, credential-looking
hyperparameters are redacted in the stored request, the Karmada credentials never leak."""

from __future__ import annotations

import json
import logging

import pytest

from tests.security.support import SecurePlatform, bearer, job_body


def test_tokens_and_credentials_stay_out_of_logs_replies_and_storage(
    token_platform: SecurePlatform, caplog: pytest.LogCaptureFixture
) -> None:
    token = token_platform.token("sam", "editor", ["default"])
    wrong = token[:-4] + "AAAA"
    body = job_body("with-secrets")
    body["customHyperparameters"] = {"db_password": "AKIA-SUPER-SECRET",
                                     "api_token": "tok-123456", "epochs": 3}
    with caplog.at_level(logging.DEBUG), token_platform.platform.http() as client:
        created = client.post("/api/v1/jobs", json=body, headers=bearer(token))
        client.get("/api/v1/jobs", headers=bearer(wrong))
        client.post("/graphql", json={"query": "{ jobs { totalCount } }"}, headers=bearer(wrong))
        listed = client.get("/api/v1/jobs", headers=bearer(token))
        clusters = client.get("/api/v1/proxy/clusters", headers=bearer(token))
        graphql = client.post("/graphql", headers=bearer(token), json={
            "query": "{ jobs { nodes { request } } clusters { labels } }"})
    assert created.status_code == 201, created.text
    replies = created.text + listed.text + clusters.text + graphql.text
    logs = caplog.text
    for secret in (token, wrong, "AKIA-SUPER-SECRET", "tok-123456"):
        assert secret not in replies, secret
        assert secret not in logs, secret
    stored = token_platform.fetch("SELECT request_payload FROM training_jobs WHERE id = $1",
                                  created.json()["id"])
    payload = json.loads(stored[0]["request_payload"])
    assert payload["customHyperparameters"]["epochs"] == 3
    assert "AKIA-SUPER-SECRET" not in json.dumps(payload)
    # The Karmada bearer token (in the kubeconfig) never reaches a reply.
    sim_token = token_platform.platform.sim.simulator.config.token
    assert sim_token and sim_token not in replies
