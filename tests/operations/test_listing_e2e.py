"""jobs(filter, orderBy, first, after) and REST list parameters over 1,000 jobs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.operations.seed import EPOCH, SeedRow, make_rows, seed_jobs
from tests.support.platform import Platform

PAGE = 97
QUERY = """
query($filter: JobFilterInput, $first: Int!, $after: String, $order: JobOrderInput) {
  jobs(filter: $filter, first: $first, after: $after, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id } }
  }
}
"""
SORT_KEYS: dict[str, Callable[[SeedRow], Any]] = {
    "CREATED_AT": lambda r: r.created_at,
    "UPDATED_AT": lambda r: r.updated_at,
    "NAME": lambda r: r.job_name,
    "PRIORITY": lambda r: r.priority,
    "PHASE": lambda r: r.status,
}


@pytest.fixture
def seeded(platform: Platform) -> tuple[Platform, list[SeedRow]]:
    rows = make_rows(1000)
    asyncio.run(seed_jobs(platform.settings.db.database_url, rows))
    return platform, rows


def expected(rows: list[SeedRow], keep: Callable[[SeedRow], bool], field: str,
             direction: str) -> list[str]:
    key = SORT_KEYS[field]
    chosen = sorted((r for r in rows if keep(r)), key=lambda r: (key(r), r.id),
                    reverse=direction == "DESC")
    return [r.id for r in chosen]


def page_through(platform: Platform, gql_filter: dict[str, Any] | None,
                 order: dict[str, str] | None) -> tuple[list[str], int, list[int]]:
    ids: list[str] = []
    sizes: list[int] = []
    after = None
    total = -1
    while True:
        data = platform.graphql(QUERY, {"filter": gql_filter, "first": PAGE, "after": after,
                                        "order": order})["jobs"]
        total = data["totalCount"]
        ids.extend(e["node"]["id"] for e in data["edges"])
        sizes.append(len(data["edges"]))
        if not data["pageInfo"]["hasNextPage"]:
            return ids, total, sizes
        after = data["pageInfo"]["endCursor"]
        assert after == data["edges"][-1]["cursor"]


CASES: list[tuple[str, dict[str, Any] | None, Callable[[SeedRow], bool]]] = [
    ("everything", None, lambda r: True),
    ("failed in team-a", {"namespace": "team-a", "phases": ["FAILED"]},
     lambda r: r.namespace == "team-a" and r.status == "FAILED"),
    ("algorithms + priority", {"algorithms": ["pytorch", "jax-pjit"], "minPriority": 500},
     lambda r: r.algorithm in ("pytorch", "jax-pjit") and r.priority >= 500),
    ("on member2", {"clusters": ["member2"]}, lambda r: "member2" in r.placement),
    ("name contains", {"nameContains": "DELTA00"}, lambda r: "delta00" in r.job_name),
    ("created window",
     {"createdAfter": (EPOCH + timedelta(minutes=100)).isoformat(),
      "createdBefore": (EPOCH + timedelta(minutes=300)).isoformat()},
     lambda r: EPOCH + timedelta(minutes=100) <= r.created_at
     < EPOCH + timedelta(minutes=300)),
]


def test_filters_apply_before_paging_in_every_order(
    seeded: tuple[Platform, list[SeedRow]],
) -> None:
    platform, rows = seeded
    for field, direction in [(f, d) for f in sorted(SORT_KEYS) for d in ("ASC", "DESC")]:
        for label, gql_filter, keep in CASES:
            want = expected(rows, keep, field, direction)
            got, total, sizes = page_through(platform, gql_filter,
                                             {"field": field, "direction": direction})
            assert total == len(want), label
            assert got == want, (label, field, direction)
            # No page is short because of the filter: only the last may be partial.
            assert all(size == PAGE for size in sizes[:-1]), (label, sizes)


def test_default_order_is_newest_first_and_cursors_belong_to_their_order(
    seeded: tuple[Platform, list[SeedRow]],
) -> None:
    platform, rows = seeded
    got, _, _ = page_through(platform, {"phases": ["STOPPED"]}, None)
    assert got == expected(rows, lambda r: r.status == "STOPPED", "CREATED_AT", "DESC")
    nodes = platform.graphql(
        "{ jobs(first: 3, filter: {clusters: [\"member2\"]}) "
        "{ nodes { id clusters request createdAt phase targetClusters } } }"
    )["jobs"]["nodes"]
    by_id = {r.id: r for r in rows}
    for node in nodes:  # page rows are read as plain values: every type comes back right
        seed = by_id[node["id"]]
        assert node["clusters"] == ["member2"] and node["targetClusters"] == []
        assert node["request"] == {} and node["phase"] == seed.status
        assert node["createdAt"].startswith(seed.created_at.strftime("%Y-%m-%dT%H:%M:%S"))
    first = platform.graphql(QUERY, {"filter": None, "first": 5, "after": None,
                                     "order": None})["jobs"]
    cursor = first["pageInfo"]["endCursor"]
    with platform.http() as client:
        answer = client.post("/graphql", json={"query": QUERY, "variables": {
            "filter": None, "first": 5, "after": cursor,
            "order": {"field": "NAME", "direction": "ASC"}}})
    body = answer.json()
    assert body.get("data") is None or body["data"].get("jobs") is None
    assert body["errors"], body


def test_rest_list_keeps_the_whole_array_and_accepts_status_limit_offset(
    seeded: tuple[Platform, list[SeedRow]],
) -> None:
    platform, rows = seeded
    newest = expected(rows, lambda r: True, "CREATED_AT", "DESC")
    failed = expected(rows, lambda r: r.status == "FAILED", "CREATED_AT", "DESC")
    with platform.http() as client:
        everything = client.get("/api/v1/jobs").json()
        assert [j["id"] for j in everything] == newest
        page = client.get("/api/v1/jobs", params={"status": "Failed", "limit": 10,
                                                   "offset": 5}).json()
        assert [j["id"] for j in page] == failed[5:15]
        assert {j["status"] for j in page} == {"Failed"}
        assert client.get("/api/v1/jobs", params={"limit": "-1"}).status_code == 400
        assert client.get("/api/v1/jobs", params={"status": "Bogus"}).status_code == 400
