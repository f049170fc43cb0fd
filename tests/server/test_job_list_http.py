"""``GET /api/v1/jobs`` as the old UI polls it: ETag/304, gzip, a change in the next poll."""

from __future__ import annotations

import gzip
import json
from typing import Any

from tests.server.test_rest_contract import FRONTEND_BODY
from tests.support.eventually import wait_for
from tests.support.platform import Platform

IDENTITY = {"Accept-Encoding": "identity"}


def _create(platform: Platform, name: str) -> dict[str, Any]:
    with platform.http() as client:
        answer = client.post("/api/v1/jobs", json={**FRONTEND_BODY, "jobName": name})
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_unchanged_list_is_304_and_a_change_is_in_the_next_poll(fast_platform: Platform) -> None:
    job = _create(fast_platform, "etag-one")
    with fast_platform.http() as client:
        first = client.get("/api/v1/jobs", headers=IDENTITY)
        assert first.status_code == 200
        etag = first.headers["etag"]
        assert etag.startswith('W/"')
        assert first.headers["cache-control"] == "private, no-cache"
        assert [j["id"] for j in first.json()] == [job["id"]]

        # Polls while nothing changed: 304, no body, the same tag (if the poller has moved
        # the job meanwhile, a 200 with a new tag; then the next is 304 again).
        def revalidated() -> bool:
            nonlocal etag
            again = client.get("/api/v1/jobs", headers={"If-None-Match": etag, **IDENTITY})
            if again.status_code == 200:
                etag = again.headers["etag"]
                return False
            assert again.status_code == 304 and again.content == b""
            assert again.headers["etag"] == etag
            return True

        wait_for(revalidated, what="a 304 while nothing changes")
        listed_etag = etag

        # The writer's own replica: the very next poll after DELETE answers sees it.
        assert client.delete(f"/api/v1/jobs/{job['id']}").status_code == 200
        after = client.get("/api/v1/jobs", headers={"If-None-Match": listed_etag, **IDENTITY})
        assert after.status_code == 200
        assert after.headers["etag"] != listed_etag
        assert [j["status"] for j in after.json() if j["id"] == job["id"]] in ([], ["Deleting"])


def test_a_poller_transition_reaches_the_list(fast_platform: Platform) -> None:
    job = _create(fast_platform, "etag-poller")
    with fast_platform.http() as client:
        pending = client.get("/api/v1/jobs", headers=IDENTITY)
        assert pending.json()[0]["status"] == "Pending"

        def moved() -> Any:
            answer = client.get(
                "/api/v1/jobs", headers={"If-None-Match": pending.headers["etag"], **IDENTITY}
            )
            return answer if answer.status_code == 200 else None

        changed = wait_for(moved, what="a new list once the poller moved the job")
        assert changed.json()[0]["id"] == job["id"]
        assert changed.json()[0]["status"] != "Pending" or (
            changed.json()[0]["updatedAt"] != pending.json()[0]["updatedAt"]
        )


def test_gzip_when_accepted_same_json(fast_platform: Platform) -> None:
    for i in range(3):  # big enough to compress
        _create(fast_platform, f"gzip-{i}")
    with fast_platform.http() as client:
        plain = client.get("/api/v1/jobs", headers=IDENTITY)
        assert "content-encoding" not in plain.headers
        assert "Accept-Encoding" in plain.headers["vary"]
        with client.stream(
            "GET", "/api/v1/jobs", headers={"Accept-Encoding": "gzip, deflate, br"}
        ) as zipped:
            assert zipped.headers["content-encoding"] == "gzip"
            raw = b"".join(zipped.iter_raw())
    body = gzip.decompress(raw)
    assert json.loads(body) == plain.json()
    # The same bytes unless the poller moved a job in between.
    assert body == plain.content or zipped.headers["etag"] != plain.headers["etag"]


def test_pagination_and_filters_are_honoured(fast_platform: Platform) -> None:
    ids = [_create(fast_platform, f"page-{i}")["id"] for i in range(4)]
    with fast_platform.http() as client:
        whole = client.get("/api/v1/jobs").json()
        assert [j["id"] for j in whole] == list(reversed(ids))
        page = client.get("/api/v1/jobs", params={"limit": 2, "offset": 1}).json()
        assert [j["id"] for j in page] == [j["id"] for j in whole[1:3]]
        assert client.get("/api/v1/jobs", params={"limit": 0}).json() == []
        assert client.get("/api/v1/jobs", params={"offset": 10}).json() == []
        assert client.get("/api/v1/jobs", params={"namespace": "nowhere"}).json() == []
        assert client.get("/api/v1/jobs", params={"status": "Stopped"}).json() == []
        bad = client.get("/api/v1/jobs", params={"status": "Sleeping"})
        assert bad.status_code == 400
        # Each query is its own answer: tags differ where bodies do.
        tags = {
            client.get("/api/v1/jobs", params=p).headers["etag"]
            for p in ({}, {"limit": 2}, {"limit": 2, "offset": 1})
        }
        assert len(tags) == 3
