"""/metrics: exact path, Prometheus text, and every metric family moving when it should."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport
from prometheus_client.parser import text_string_to_metric_families

from app.karmada import KarmadaClient
from app.karmada.resources import ApiResource
from app.observability import metrics
from tests.observability.metrics_text import sample, sum_samples
from tests.server.test_rest_contract import FRONTEND_BODY
from tests.support.eventually import wait_for
from tests.support.platform import Platform


def _scrape(platform: Platform) -> str:
    with platform.http() as client:
        answer = client.get("/metrics")
    assert answer.status_code == 200
    return answer.text


def test_metrics_is_served_at_the_exact_path_without_redirect(platform: Platform) -> None:
    with httpx.Client(base_url=platform.base_url, follow_redirects=False) as client:
        answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    for family in (
        "mlplatform_jobs",
        "mlplatform_poll_tick_duration_seconds",
        "mlplatform_websocket_connections",
        "mlplatform_active_subscriptions",
    ):
        assert f"# TYPE {family} " in answer.text


def test_job_lifecycle_moves_jobs_transitions_poll_and_http_metrics(platform: Platform) -> None:
    before = _scrape(platform)
    with platform.http() as client:
        created = client.post("/api/v1/jobs", json=FRONTEND_BODY)
        assert created.status_code == 201
        job_id = created.json()["id"]
        wait_for(
            lambda: client.get(f"/api/v1/jobs/{job_id}").json()["status"] == "Succeeded",
            what="job to succeed",
        )
    after = _scrape(platform)
    # Own database: exactly this one job, now SUCCEEDED.
    assert sample(after, "mlplatform_jobs", phase="SUCCEEDED") == 1
    assert sample(after, "mlplatform_jobs", phase="RUNNING") == 0
    assert sample(after, "mlplatform_leader") == 1
    assert sample(after, "mlplatform_poll_last_success_timestamp_seconds") > sample(
        before, "mlplatform_poll_last_success_timestamp_seconds"
    )
    for name, labels in (
        ("mlplatform_job_transitions_total", {"phase": "SUCCEEDED", "reason": "Completed"}),
        ("mlplatform_job_transitions_total", {"phase": "RUNNING", "reason": "Running"}),
        ("mlplatform_poll_ticks_total", {"outcome": "ok"}),
        ("mlplatform_poll_tick_duration_seconds_count", {}),
        ("mlplatform_poll_karmada_requests_total", {}),
        ("mlplatform_karmada_requests_total", {"method": "POST"}),
    ):
        assert sample(after, name, **labels) > sample(before, name, **labels), (name, labels)
    # Durations are labelled by route template, never by the raw path (the job id).
    job_routes = {
        s.labels["route"]
        for family in text_string_to_metric_families(after)
        for s in family.samples
        if s.name == "mlplatform_http_request_duration_seconds_count"
        and s.labels["route"].startswith("/api/v1/jobs/{")
    }
    assert job_routes, "no templated job route label"
    assert job_id not in after
    posts = {"route": "/api/v1/jobs", "method": "POST", "status": "201"}
    name = "mlplatform_http_request_duration_seconds_count"
    assert sample(after, name, **posts) == sample(before, name, **posts) + 1


def test_unmatched_paths_share_one_route_label(platform: Platform) -> None:
    with platform.http() as client:
        assert client.get("/no/such/path-1234").status_code == 404
    text = _scrape(platform)
    assert "path-1234" not in text
    assert (
        sample(
            text, "mlplatform_http_request_duration_seconds_count", route="unmatched", status="404"
        )
        >= 1
    )


def test_graphql_operations_counted_by_name_and_outcome(platform: Platform) -> None:
    family = "mlplatform_graphql_operations_total"
    before = _scrape(platform)
    platform.graphql("query OpsListJobs { jobs { totalCount } }")
    with platform.http() as client:
        client.post("/graphql", json={"query": "query OpsBroken { noSuchField }"})
    after = _scrape(platform)
    ok = {"type": "query", "name": "OpsListJobs", "outcome": "ok"}
    invalid = {"name": "OpsBroken", "outcome": "invalid"}
    assert sample(after, family, **ok) == sample(before, family, **ok) + 1
    assert sum_samples(after, family, **invalid) == sum_samples(before, family, **invalid) + 1


async def test_websocket_and_subscription_gauges_follow_a_live_subscriber(
    platform: Platform,
) -> None:
    job_id = await asyncio.to_thread(
        lambda: platform.http().post("/api/v1/jobs", json=FRONTEND_BODY).json()["id"]
    )
    idle = await asyncio.to_thread(_scrape, platform)
    transport = WebsocketsTransport(url=platform.ws_url, subprotocols=["graphql-transport-ws"])
    subscription = gql("subscription ($id: ID!) { jobStatus(id: $id) { phase } }")
    async with Client(transport=transport) as session:
        stream = session.subscribe(subscription, variable_values={"id": job_id})
        await stream.__anext__()  # the current state: the subscription is registered
        busy = await asyncio.to_thread(_scrape, platform)
        await stream.aclose()
    assert sample(busy, "mlplatform_websocket_connections") == (
        sample(idle, "mlplatform_websocket_connections") + 1
    )
    assert sample(busy, "mlplatform_active_subscriptions") == (
        sample(idle, "mlplatform_active_subscriptions") + 1
    )

    def gauges_back() -> bool:
        text = _scrape(platform)
        return sample(text, "mlplatform_websocket_connections") == sample(
            idle, "mlplatform_websocket_connections"
        ) and sample(text, "mlplatform_active_subscriptions") == sample(
            idle, "mlplatform_active_subscriptions"
        )

    await asyncio.to_thread(wait_for, gauges_back, timeout=10, what="gauges to drop back")
    ops = "mlplatform_graphql_operations_total"
    after = await asyncio.to_thread(_scrape, platform)
    assert sum_samples(after, ops, type="subscription") > sum_samples(
        idle, ops, type="subscription"
    )


async def test_karmada_errors_are_counted_by_kind(sim_kubeconfig: Path) -> None:
    client = await KarmadaClient.from_kubeconfig(sim_kubeconfig)
    missing = ApiResource("ray.io", "v1", "rayjobs")
    before = metrics.KARMADA_ERRORS.labels(kind="NotFound")._value.get()
    try:
        assert await client.get_or_none(missing, "default", "no-such-rayjob") is None
    finally:
        await client.close()
    assert metrics.KARMADA_ERRORS.labels(kind="NotFound")._value.get() == before + 1
