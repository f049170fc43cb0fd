"""The console (web/) in real Chromium against the real server, PostgreSQL and the simulator.

Each test drives one scenario of web/e2e/console.mjs and checks its report; screenshots of
every page land in build/console-screenshots/ ($CONSOLE_SCREENSHOTS_DIR); docs/console/ is
refreshed from them only with UPDATE_SCREENSHOTS=1. No fixed sleeps: the driver waits for
conditions, the test for the server's state (tests.support.eventually-style polling through
the API).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.settings import AuthSettings, OperationsSettings
from karmada_sim.runtime import EmbeddedSimulator
from tests.console.support import WebsocketCutter, console_platform, drive
from tests.security.support import (
    AUDIENCE,
    ISSUER,
    JwksServer,
    SigningKey,
    claims,
    ensure_namespace,
)
from tests.support.eventually import wait_for
from tests.support.platform import FAST_LOOPS, Platform, platform_settings

pytestmark = [pytest.mark.e2e]

CREATE = """
mutation($input: CreateJobInput!) {
  createJob(input: $input) { __typename ... on CreateJobSuccess { job { id } }
                             ... on InvalidInputError { field message } }
}"""
EVENTS = "query($id: ID!) { jobEvents(id: $id) { sequence toPhase reason actor } }"
JOB = "query($id: ID!) { job(id: $id) { id phase } }"


@pytest.fixture
def console(
    pg_url: str, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> Iterator[tuple[Platform, WebsocketCutter]]:
    settings = platform_settings(pg_url, sim_kubeconfig, **FAST_LOOPS)
    # The log archive and retention act within the test.
    settings.operations = OperationsSettings(
        operations_interval_seconds=0.3, workload_retention_seconds=0
    )
    with console_platform(settings, platform_sim) as running:
        yield running


def scenario_rule(platform: Platform, name_part: str, **scenario: Any) -> None:
    """The simulator runs jobs whose name contains `name_part` as `scenario` says."""
    answer = platform.sim_request(
        "POST", "/_sim/scenarios", json={"match": {"nameContains": name_part}, "scenario": scenario}
    )
    assert answer.status_code == 201, answer.text


def create_job(platform: Platform, name: str, namespace: str = "default", **extra: Any) -> str:
    request = {
        "jobName": name,
        "namespace": namespace,
        "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
        "resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 2}},
        **extra,
    }
    data = platform.graphql(CREATE, {"input": request})
    result = data["createJob"]
    assert result["__typename"] == "CreateJobSuccess", result
    return str(result["job"]["id"])


def wait_for_phase(platform: Platform, job_id: str, phase: str, timeout: float = 60) -> None:
    def reached() -> bool:
        job = platform.graphql(JOB, {"id": job_id})["job"]
        return bool(job and job["phase"] == phase)

    wait_for(reached, timeout=timeout, what=f"job {job_id} to be {phase}")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def in_order(seen: list[str], expected: list[str]) -> bool:
    """`expected` appear in `seen` in this order (others may be between)."""
    it = iter(seen)
    return all(any(s == e for s in it) for e in expected)


# One builtin algorithm per workload kind the simulator runs.
KINDS = {
    "RAY_JOB": "xgboost",
    "PYTORCH_JOB": "pytorch",
    "TF_JOB": "tensorflow",
    "MPI_JOB": "horovod-mpi",
    "JAX_JOB": "jax-pjit",
    "BATCH_JOB": "container",  # a custom image, run as a batch/v1 Job
}
#: What the form needs besides the algorithm (the container's image).
EXTRA = {"container": {"imageUri": "registry.example/team/train:1.0"}}


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_job_created_in_the_form_goes_live_to_succeeded(
    console: tuple[Platform, WebsocketCutter], kind: str
) -> None:
    platform, _ = console
    algorithm = KINDS[kind]
    kinds = {
        a["name"]: a["workloadKind"]
        for a in platform.graphql("{ algorithms { name workloadKind } }")["algorithms"]
    }
    assert kinds[algorithm] == kind
    name = unique(f"clife-{algorithm}")
    # Long enough a run to see log lines arrive while it runs (no timing is asserted).
    scenario_rule(platform, name, runSeconds=4)

    def archived(_: str) -> None:
        job_id = platform.graphql(
            "query($n: String) { jobs(filter: {nameContains: $n}) { nodes { id } } }", {"n": name}
        )["jobs"]["nodes"][0]["id"]
        wait_for(
            lambda: platform.graphql(
                "query($id: ID!) { job(id: $id) { logsArchivedAt workloadDeletedAt } }",
                {"id": job_id},
            )["job"]["workloadDeletedAt"],
            timeout=60,
        )

    report = drive(
        "lifecycle", platform.base_url, on_ready=archived, jobName=name, algorithm=algorithm,
        **EXTRA.get(algorithm, {}),
    )

    assert in_order(report["table"]["phases"], ["PENDING", "RUNNING", "SUCCEEDED"]), report["table"]
    assert report["table"]["noReload"] and report["page"]["noReload"]
    # The table never re-read the page: every change came from jobUpdates.
    assert "ConsoleJobs" not in report["tableOperations"], report["tableOperations"]
    assert in_order(report["page"]["phases"], ["RUNNING", "SUCCEEDED"]), report["page"]
    events = platform.graphql(EVENTS, {"id": report["jobId"]})["jobEvents"]
    assert [e["sequence"] for e in report["timeline"]] == [e["sequence"] for e in events]
    assert [e["phase"] for e in report["timeline"]] == [e["toPhase"] for e in events]
    assert report["liveLogs"].strip()
    assert report["finishedLogs"].strip()
    assert report["logSource"] == "archived"
    assert report["pods"], report
    assert report["onePod"]["text"].strip()
    # Counted live: the one job of this database, moved from PENDING to SUCCEEDED.
    assert report["counts"]["SUCCEEDED"] == 1, report["counts"]
    assert report["counts"]["PENDING"] == 0 and report["counts"]["RUNNING"] == 0


def test_stop_retry_and_delete_from_the_job_page(console: tuple[Platform, WebsocketCutter]) -> None:
    platform, _ = console
    name = unique("cact")
    scenario_rule(platform, name, runSeconds=600)
    job_id = create_job(platform, name)
    report = drive("actions", platform.base_url, jobId=job_id, overrides={"priority": 7})

    phases = [e["phase"] for e in report["stoppedTimeline"]]
    assert in_order(phases, ["PENDING", "RUNNING", "STOPPING", "STOPPED"]), phases
    events = platform.graphql(EVENTS, {"id": job_id})["jobEvents"]
    assert any(e["toPhase"] == "STOPPING" and e["actor"] for e in events), events
    assert report["retryPriority"] == "7"
    retry = platform.graphql(JOB, {"id": report["retryId"]})
    assert retry["job"] is None  # deleted
    assert platform.graphql(JOB, {"id": job_id})["job"]["phase"] == "STOPPED"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"priority": 5000}, "priority"),
        ({"cpuCores": "two"}, "resources.instanceResources.cpuCores"),
        ({"jobName": "Not A Valid Name!"}, "jobName"),
        ({"params": {"eta": 5}}, "hyperparameters.xgboost.eta"),
    ],
)
def test_a_validation_error_shows_at_its_field(
    console: tuple[Platform, WebsocketCutter], values: dict[str, Any], field: str
) -> None:
    platform, _ = console
    config = {"jobName": unique("cval"), "algorithm": "xgboost", **values}
    report = drive("validation", platform.base_url, expectField=field, **config)
    assert report["fieldErrors"] == [field], report
    assert report["fieldError"].strip()
    assert report["url"].endswith("/jobs/new")  # nothing was created
    names = platform.graphql("{ jobs(first: 100) { nodes { jobName } } }")["jobs"]["nodes"]
    assert all(n["jobName"] != config["jobName"] for n in names)


def test_a_submit_retried_after_a_lost_answer_creates_one_job(
    console: tuple[Platform, WebsocketCutter],
) -> None:
    platform, _ = console
    name = unique("cidem")
    report = drive("idempotent", platform.base_url, jobName=name, algorithm="xgboost")
    first, second = report["requestIds"]
    assert first and first == second  # the same key for the same request
    assert "submit again" in report["firstError"]
    found = platform.graphql(
        "query($n: String) { jobs(filter: {nameContains: $n}) { nodes { id } } }", {"n": name}
    )["jobs"]["nodes"]
    assert [j["id"] for j in found] == [report["jobId"]]


def token_cli(pg_url: str, *args: str) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": pg_url}
    done = subprocess.run(
        [sys.executable, "-m", "app.server.cli", "token", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    if "--json" not in args:
        return {}
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_a_team_a_viewer_sees_team_a_only_and_no_write_buttons_then_is_signed_out(
    pg_url: str, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> None:
    settings = platform_settings(pg_url, sim_kubeconfig, **FAST_LOOPS)
    settings.auth = AuthSettings(auth_mode="token")
    with console_platform(settings, platform_sim) as (platform, _):
        admin = token_cli(pg_url, "create", "--user", "root", "--role", "admin", "--json")["token"]
        viewer_args = ("--user", "vera", "--role", "viewer", "--namespaces", "team-a", "--json")
        viewer = token_cli(pg_url, "create", *viewer_args)
        auth = {"Authorization": f"Bearer {admin}"}
        with httpx.Client(base_url=platform.base_url, headers=auth, timeout=30) as client:
            for ns in ("team-a", "team-b"):
                ensure_namespace(platform, ns)
                request = {
                    "jobName": unique(f"cview-{ns}"),
                    "namespace": ns,
                    "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
                    "resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 2}},
                }
                answer = client.post(
                    "/graphql", json={"query": CREATE, "variables": {"input": request}}
                )
                assert answer.json()["data"]["createJob"]["__typename"] == "CreateJobSuccess"

        def revoke(_: str) -> None:
            token_cli(pg_url, "revoke", viewer["id"])

        report = drive("viewer", platform.base_url, on_ready=revoke, viewerToken=viewer["token"])
    assert report["namespaces"] and set(report["namespaces"]) == {"team-a"}, report
    assert report["newJobLinks"] == 0
    assert report["writeButtons"] == 0
    assert report["user"] == "vera"
    assert "Signed out" in report["signedOut"]


def test_oidc_sign_in_with_a_jwt_shows_its_namespaces_only(
    pg_url: str, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> None:
    """AUTH_MODE=oidc: a JWT the test issues (its own key, a JWKS on loopback), pasted in the
    sign-in form; no trusted proxy, so only the token the console sends identifies it."""
    with JwksServer() as jwks:
        key = SigningKey("console-key")
        jwks.keys.append(key)
        settings = platform_settings(pg_url, sim_kubeconfig, **FAST_LOOPS)
        settings.auth = AuthSettings(
            auth_mode="oidc",
            oidc_issuer=ISSUER,
            oidc_audience=AUDIENCE,
            oidc_jwks_url=jwks.url,
            oidc_group_roles={
                "team-a-dev": {"role": "editor", "namespaces": ["team-a"]},
                "platform-admins": {"role": "admin"},
            },
        )
        with console_platform(settings, platform_sim) as (platform, _):
            admin = key.sign(claims("root", ["platform-admins"]))
            auth = {"Authorization": f"Bearer {admin}"}
            with httpx.Client(base_url=platform.base_url, headers=auth, timeout=30) as client:
                for ns in ("team-a", "team-b"):
                    ensure_namespace(platform, ns)
                    request = {
                        "jobName": unique(f"coidc-{ns}"),
                        "namespace": ns,
                        "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
                        "resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 2}},
                    }
                    answer = client.post(
                        "/graphql", json={"query": CREATE, "variables": {"input": request}}
                    )
                    created = answer.json()["data"]["createJob"]
                    assert created["__typename"] == "CreateJobSuccess", answer.text
            carol = key.sign(claims("carol", ["team-a-dev"]))
            report = drive("oidcSignIn", platform.base_url, jwt=carol)
    assert report["namespaces"] and set(report["namespaces"]) == {"team-a"}, report
    assert report["user"] == "carol"
    assert report["newJobLinks"] >= 1  # an editor in team-a may create jobs


def test_the_console_resumes_after_the_server_cuts_its_websocket(
    console: tuple[Platform, WebsocketCutter],
) -> None:
    platform, cutter = console
    name = unique("ccut")
    # Runs until the test has cut the connection; it then finishes while the console is away.
    scenario_rule(platform, name, runSeconds=6)
    # Another row of the table: stopped while the console is away.
    other_name = unique("ccutother")
    scenario_rule(platform, other_name, runSeconds=600)
    other_id = create_job(platform, other_name)
    job_id = create_job(platform, name)

    def on_ready(what: str) -> None:
        if what == "cut":
            cutter.hold = True
            assert cutter.cut() >= 2  # the table's and the job page's connections
        elif what == "release":
            stopped = platform.graphql(
                "mutation($id: ID!) { stopJob(id: $id) { __typename } }", {"id": other_id}
            )
            assert stopped["stopJob"]["__typename"] == "StopJobSuccess", stopped
            wait_for_phase(platform, other_id, "STOPPED")
            wait_for_phase(platform, job_id, "SUCCEEDED")
            cutter.hold = False

    report = drive(
        "reconnect",
        platform.base_url,
        on_ready=on_ready,
        jobId=job_id,
        otherJobId=other_id,
        otherPhase="STOPPED",
    )
    events = platform.graphql(EVENTS, {"id": job_id})["jobEvents"]
    assert [e["sequence"] for e in report["timeline"]] == [e["sequence"] for e in events]
    assert [e["phase"] for e in report["timeline"]] == [e["toPhase"] for e in events]
    assert "reconnecting" in report["connection"]["phases"], report["connection"]
    assert cutter.refused >= 1  # the console tried while held off, and then came back
    # The other row changed while no update could arrive: the table read its page and the
    # counts again, once, on reconnection.
    assert report["otherBefore"] in ("PENDING", "RUNNING"), report
    assert report["otherAfter"] == "STOPPED"
    assert report["otherCount"] == 1
    ops = report["tableOperations"]
    assert ops.count("ConsoleJobs") == 1 and ops.count("ConsolePhaseCounts") == 1, ops


LOGS = """
query($id: ID!, $pod: String) {
  jobLogs(id: $id, pod: $pod, tailLines: 5000) { ... on JobLogs { pods { pod text } } }
}"""


def test_a_followed_log_loses_no_line_across_a_cut_websocket(
    console: tuple[Platform, WebsocketCutter],
) -> None:
    platform, cutter = console
    name = unique("clogcut")
    scenario_rule(platform, name, runSeconds=600)
    job_id = create_job(platform, name)
    cut_pod = ""
    held_last = ""

    def server_lines(pod: str) -> list[str]:
        found = platform.graphql(LOGS, {"id": job_id, "pod": pod})["jobLogs"]["pods"]
        return [line for p in found if p["pod"] == pod for line in p["text"].splitlines()]

    def on_ready(what: str) -> str | None:
        nonlocal cut_pod, held_last
        if what.startswith("cut "):
            shown_last = json.loads(what.removeprefix("cut "))
            cut_pod, held_last = shown_last.split(" ", 1)
            cut_pod = cut_pod.strip("[]")
            cutter.hold = True
            assert cutter.cut() >= 1
            return None
        assert what == "release"

        # Lines written while the console is away: a few after the last one it showed.
        def written_meanwhile() -> bool:
            lines = server_lines(cut_pod)
            return held_last in lines and len(lines) - lines.index(held_last) > 4

        wait_for(written_meanwhile, timeout=60)
        want = f"[{cut_pod}] {server_lines(cut_pod)[-1]}"
        cutter.hold = False
        return json.dumps(want)

    report = drive("logsReconnect", platform.base_url, on_ready=on_ready, jobId=job_id)
    # Kept, not emptied, while away (lines may have come between the report and the cut).
    assert report["shownWhileAway"].startswith(report["shownAtCut"].rstrip()), report
    shown: dict[str, list[str]] = {}
    for line in report["afterResume"].splitlines():
        if line.strip():
            pod, text = line.split(" ", 1)
            shown.setdefault(pod.strip("[]"), []).append(text)
    assert "may be missing" not in report["afterResume"]
    for pod, lines in shown.items():
        assert len(lines) == len(set(lines)), f"{pod}: a line shown twice: {lines}"
    # The followed pod's lines are one unbroken stretch of its log: none lost, none twice.
    mine = shown[cut_pod]
    assert held_last in mine and mine.index(held_last) < len(mine) - 4, mine
    log = server_lines(cut_pod)
    start = log.index(mine[0])
    assert log[start : start + len(mine)] == mine


def test_the_table_pages_sorts_and_filters(console: tuple[Platform, WebsocketCutter]) -> None:
    platform, _ = console
    prefix = unique("ctab")
    # Stuck pending: they stay put while the table is read.
    scenario_rule(platform, prefix, stuckPending=True)
    names = [f"{prefix}-{i:02d}" for i in range(30)]
    for name in names:
        create_job(platform, name)
    report = drive(
        "table",
        platform.base_url,
        total=30,
        firstByName=names[0],
        nameFilter=f"{prefix}-1",
        nameFilterCount=10,
    )
    assert report["first"] == names[::-1][:25]  # newest first
    assert report["second"] == names[::-1][25:]
    assert "30 jobs" in report["total"]
    assert report["byNameAsc"] == names[:25]
    assert report["filtered"] == names[10:20]  # the name filter keeps the sort (name, ascending)
    assert "name=" in report["filteredUrl"]


def test_clusters_page_shows_each_member(console: tuple[Platform, WebsocketCutter]) -> None:
    platform, _ = console
    report = drive("pages", platform.base_url)
    names = {c["name"] for c in report["clusters"]}
    assert {"member1", "member2"} <= names
    member2 = next(c for c in report["clusters"] if c["name"] == "member2")
    assert member2["ready"] == "Ready"
    assert "eu-west-1" in member2["text"]
    assert len(member2["bars"]) == 3
