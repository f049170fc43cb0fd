"""PostgreSQL restarts mid-run (a private throwaway cluster, never the shared :5432): requests
fail fast with 503 / a coded GraphQL error during the outage, and the pool, the NOTIFY listener
and leadership recover without restarting the server."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

from karmada_sim.runtime import EmbeddedSimulator
from tests.reliability.helpers import JOB_BODY
from tests.support.eventually import wait_for
from tests.support.platform import FAST_LOOPS, Platform, platform_settings, run_platform
from tests.support.postgres import ThrowawayPostgres

SUBSCRIBE = "subscription($id: ID!) { jobStatus(id: $id) { phase reason sequence } }"
JOBS_QUERY = "{ jobs(first: 5) { totalCount } }"
# Failing fast: an outage answer must come well before a client's usual timeout.
FAST_ANSWER_SECONDS = 10.0


def _status(platform: Platform, job_id: str) -> tuple[str, str] | None:
    with platform.http() as client:
        answer = client.get(f"/api/v1/jobs/{job_id}/status")
    return (answer.json()["phase"], answer.json()["reason"]) if answer.status_code == 200 else None


def _create(platform: Platform, name: str) -> str:
    with platform.http() as client:
        answer = client.post("/api/v1/jobs", json={**JOB_BODY, "jobName": name})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def _watch_until_succeeded(platform: Platform, job_id: str) -> list[dict[str, Any]]:
    transport = WebsocketsTransport(url=platform.ws_url, subprotocols=["graphql-transport-ws"])
    updates: list[dict[str, Any]] = []
    async with Client(transport=transport, fetch_schema_from_transport=False) as session:
        request = gql(SUBSCRIBE)
        request.variable_values = {"id": job_id}
        async with asyncio.timeout(60):
            async for result in session.subscribe(request):
                updates.append(result["jobStatus"])
                if result["jobStatus"]["phase"] == "SUCCEEDED":
                    break
    return updates


def test_outage_answers_503_then_everything_recovers(
    throwaway_postgres: ThrowawayPostgres, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> None:
    settings = platform_settings(throwaway_postgres.dsn(), sim_kubeconfig, **FAST_LOOPS)
    with run_platform(settings, platform_sim) as platform:
        before = _create(platform, "rel-pg-before")
        wait_for(lambda: _status(platform, before) == ("Succeeded", "Completed"), timeout=60,
                 what="a job to finish before the outage")

        throwaway_postgres.stop("immediate")  # as a crash: no goodbye to the clients
        with httpx.Client(base_url=platform.base_url, timeout=FAST_ANSWER_SECONDS) as client:
            listed = client.get("/api/v1/jobs")
            assert listed.status_code == 503, listed.text
            assert listed.json() == {"error": "Database unavailable; retry shortly"}
            assert listed.headers["retry-after"] == "2"
            created = client.post("/api/v1/jobs", json={**JOB_BODY, "jobName": "rel-pg-down"})
            assert created.status_code == 503, created.text
            answer = client.post("/graphql", json={"query": JOBS_QUERY}).json()
            assert answer["errors"][0]["message"] == "Database unavailable; retry shortly"
            assert answer["errors"][0]["extensions"]["code"] == "DATABASE_UNAVAILABLE"

        throwaway_postgres.start()

        def answers() -> bool:
            with platform.http() as client:
                return client.get("/api/v1/jobs").status_code == 200

        wait_for(answers, timeout=30, what="requests to succeed again (pool recovered)")
        after = _create(platform, "rel-pg-after")
        # The poller (leadership regained) and the NOTIFY listener carry the new job's
        # transitions to a subscriber.
        updates = asyncio.run(_watch_until_succeeded(platform, after))
        assert updates[-1]["phase"] == "SUCCEEDED"
        sequences = [u["sequence"] for u in updates]
        assert sequences == list(range(sequences[0], sequences[0] + len(sequences)))
        with platform.http() as client:
            ids = {j["id"] for j in client.get("/api/v1/jobs").json()}
        assert ids == {before, after}  # nothing lost, nothing created during the outage
