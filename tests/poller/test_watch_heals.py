"""The watch cache heals (app/poller/watchcache.py): a stream the simulator corrupts or closes, or
an object too large for aiohttp's readline, is logged, counted and followed by a re-LIST,
and ``mlplatform_watch_state`` / ``mlplatform_watch_restarts_total`` say so. Jobs created
afterwards still get their status (never FAILED/WorkloadLost because a kind went unwatched).
"""

from __future__ import annotations

import copy
import re
import uuid
from typing import Any

from tests.poller.test_watch_poller import assert_complete_history, create_jobs, statuses
from tests.support.eventually import wait_for
from tests.support.platform import Platform
from tests.support.simulator import sim_control


def metric(platform: Platform, name: str, **labels: str) -> float:
    with platform.http() as client:
        text = client.get("/metrics").text
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def watching(platform: Platform, kind: str) -> bool:
    state = "mlplatform_watch_state"
    return metric(platform, state, kind=kind, mlplatform_watch_state="watching") == 1.0


def finish(platform: Platform, ids: list[str]) -> None:
    wait_for(lambda: set(statuses(platform, ids).values()) == {"Succeeded"}, timeout=60,
             what="jobs Succeeded")
    for job_id in ids:
        assert_complete_history(platform, job_id)


def scenario(platform: Platform, prefix: str) -> None:
    sim_control(platform.sim, "POST", "/_sim/scenarios",
                json={"match": {"nameContains": prefix}, "scenario": {"runSeconds": 1}})


def test_a_corrupt_watch_stream_heals_and_the_metric_says_so(platform: Platform) -> None:
    prefix = f"cor{uuid.uuid4().hex[:6]}"
    scenario(platform, prefix)
    first = create_jobs(platform, f"{prefix}-a", 1)
    wait_for(lambda: watching(platform, "rayjobs"), what="rayjobs watched")
    before = metric(platform, "mlplatform_watch_restarts_total", kind="rayjobs",
                    reason="undecodable")
    # "watching" is set as the request goes out: retry until the simulator holds the stream.
    wait_for(
        lambda: sim_control(
            platform.sim, "POST", "/_sim/watches/close", json={"mode": "corrupt"}
        )["watches"] >= 1,
        what="a watch stream to corrupt",
    )
    wait_for(lambda: metric(platform, "mlplatform_watch_restarts_total", kind="rayjobs",
                            reason="undecodable") > before, what="the restart counted")
    wait_for(lambda: watching(platform, "rayjobs"), what="rayjobs watched again")
    finish(platform, first + create_jobs(platform, f"{prefix}-b", 2))


def test_an_object_over_the_readline_bound_does_not_stop_the_watch(platform: Platform) -> None:
    """A guard: watch lines are read up to MAX_STREAM_LINE_BYTES (app/karmada/client.py) and
    a LineTooLong (no ClientError) would be healed, not kill the watch task. This 300 KB
    object passed before the fix as well (kubernetes-asyncio's read_bufsize is 2 MiB)."""
    prefix = f"big{uuid.uuid4().hex[:6]}"
    scenario(platform, prefix)
    first = create_jobs(platform, f"{prefix}-a", 1)
    # Its status came through the watch: the rayjobs stream is open.
    wait_for(lambda: set(statuses(platform, first).values()) - {"Pending"}, what="job seen")
    rows = platform.sim_request(
        "GET", "/apis/ray.io/v1/namespaces/default/rayjobs",
        params={"labelSelector": f"ml-platform.io/instance={platform.instance_id}"},
    ).json()["items"]
    assert rows
    big: dict[str, Any] = copy.deepcopy(rows[0])
    meta = big["metadata"]
    big["metadata"] = {
        "name": f"{prefix}-oversized",
        "namespace": "default",
        "labels": meta["labels"],
        "annotations": {"test/padding": "x" * 300_000},
    }
    big.pop("status", None)
    created = platform.sim_request("POST", "/apis/ray.io/v1/namespaces/default/rayjobs",
                                   json=big)
    assert created.status_code == 201, created.text[:300]
    try:
        later = create_jobs(platform, f"{prefix}-b", 2)
        finish(platform, first + later)
        assert watching(platform, "rayjobs")
    finally:
        platform.sim_request(
            "DELETE", f"/apis/ray.io/v1/namespaces/default/rayjobs/{prefix}-oversized"
        )
