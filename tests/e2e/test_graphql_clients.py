"""The API as GraphQL client libraries use it (issue 18), against the real server, PostgreSQL
and the simulator: Apollo Client's normalised cache, the graphql-http audit, media types."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.jobspec.hyperparameters import SCHEMAS
from app.settings import GraphQLSettings
from app.workloads.kinds import ALGORITHM_KINDS
from tests.e2e.test_job_lifecycle import XGBOOST_INPUT, create_job
from tests.operations.jobs import set_scenario
from tests.support.node_client import run_node_script
from tests.support.platform import Platform, platform_settings, run_platform

pytestmark = pytest.mark.e2e

RFC3339_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


@pytest.mark.parametrize("shared", [True, False], ids=["shared-fanout", "per-subscriber"])
async def test_a_job_status_update_reaches_apollos_cached_job(
    pg_url: str, platform_sim: Any, sim_kubeconfig: Path, shared: bool
) -> None:
    # Both deliveries: the shared fan-out renders `job` once for every subscriber of the
    # document; without it each subscriber's stream renders its own.
    settings = platform_settings(pg_url, sim_kubeconfig)
    settings = dataclasses.replace(
        settings, graphql=GraphQLSettings(graphql_shared_fanout=shared)
    )
    with run_platform(settings, platform_sim) as platform:
        # Long enough in RUNNING that the query below sees the job before it finishes.
        set_scenario(platform, "apollo-cache", runSeconds=2, outcome="Succeeded")
        job = create_job(platform, {**XGBOOST_INPUT, "jobName": "apollo-cache"})
        lines = await run_node_script(
            "apollo_cache.mjs", f"{platform.base_url}/graphql", platform.ws_url, job["id"]
        )
    queried = lines[0]["queried"]
    updates = [line["update"] for line in lines if "update" in line]
    cached = lines[-1]["cached"]
    assert queried["phase"] in ("PENDING", "RUNNING"), lines
    assert updates[-1]["phase"] == "SUCCEEDED", lines
    # The subscription's Job, merged by Apollo's cache with no code of the client's.
    assert cached == updates[-1]["job"], lines
    assert (cached["phase"], cached["reason"]) == ("SUCCEEDED", "COMPLETED")
    assert cached["updatedAt"] > queried["updatedAt"]
    assert RFC3339_Z.match(cached["updatedAt"]), cached


async def test_the_graphql_over_http_audit_passes_without_warnings(platform: Platform) -> None:
    [summary] = await run_node_script("audit.mjs", f"{platform.base_url}/graphql")
    assert summary["error"] == [] and summary["warn"] == [], summary
    assert summary["ok"] > 50, summary  # the audit ran its full list


def _post(platform: Platform, accept: str | None, query: str, **variables: Any) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    with platform.http() as client:
        return client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )


APOLLO_ACCEPT = "application/graphql-response+json,application/json;q=0.9"


def test_request_errors_are_400_without_data_in_graphql_response_json(
    platform: Platform,
) -> None:
    answer = _post(platform, APOLLO_ACCEPT, "{ nosuchfield }")
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("application/graphql-response+json")
    body = answer.json()
    assert "data" not in body and body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    coerced = _post(platform, APOLLO_ACCEPT, "query($n: Int!) { jobs(first: $n) { totalCount } }",
                    n="two")
    assert coerced.status_code == 400 and "data" not in coerced.json()


def test_field_errors_keep_200_and_data(platform: Platform) -> None:
    # NOT_FOUND is a field error: the operation ran, so `data` is there (null) with 200.
    query = 'mutation { deleteJob(id: "missing-00000000") { __typename } }'
    answer = _post(platform, APOLLO_ACCEPT, query)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/graphql-response+json")
    body = answer.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("accept", [None, "application/json", "*/*"])
def test_plain_json_clients_keep_200_and_application_json(
    platform: Platform, accept: str | None
) -> None:
    answer = _post(platform, accept, "{ nosuchfield }")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["data"] is None


def test_times_are_rfc3339_with_z(platform: Platform) -> None:
    job = create_job(platform, {**XGBOOST_INPUT, "jobName": "times-z"})
    data = platform.graphql(
        "query($id: ID!) { job(id: $id) { createdAt updatedAt events { at } } }",
        {"id": job["id"]},
    )["job"]
    times = [data["createdAt"], data["updatedAt"], *(e["at"] for e in data["events"])]
    assert times and all(RFC3339_Z.match(t) for t in times), times
    # An offset in a filter is understood, and a Z time read back compares as a time.
    after = platform.graphql(
        "query($t: DateTime!) { jobs(filter: {createdAfter: $t}) { totalCount } }",
        {"t": data["createdAt"].replace("Z", "+00:00")},
    )
    assert after["jobs"]["totalCount"] == 1


def test_algorithms_describe_what_the_validation_accepts(platform: Platform) -> None:
    algorithms = platform.graphql(
        "{ algorithms { name source workloadKind parameters { name type minimum maximum "
        "choices allowsAuto env required } } }"
    )["algorithms"]
    by_name = {a["name"]: a for a in algorithms}
    assert set(by_name) == {*SCHEMAS, "container"}
    kinds = {"RayJob": "RAY_JOB", "PyTorchJob": "PYTORCH_JOB", "TFJob": "TF_JOB",
             "MPIJob": "MPI_JOB", "JAXJob": "JAX_JOB"}
    for name, schema in SCHEMAS.items():
        entry = by_name[name]
        assert entry["workloadKind"] == kinds[ALGORITHM_KINDS[name].kind]
        assert [p["name"] for p in entry["parameters"]] == list(schema)
    assert by_name["container"] == {
        "name": "container", "source": "container", "workloadKind": "BATCH_JOB", "parameters": []
    }
    eta = next(p for p in by_name["xgboost"]["parameters"] if p["name"] == "eta")
    assert (eta["type"], eta["minimum"], eta["maximum"]) == ("FLOAT", 0, 1)
    booster = next(p for p in by_name["xgboost"]["parameters"] if p["name"] == "booster")
    assert (booster["type"], booster["choices"]) == ("STRING", ["gbtree", "gblinear", "dart"])
    rounds = next(p for p in by_name["xgboost"]["parameters"] if p["name"] == "num_round")
    assert (rounds["env"], rounds["minimum"], rounds["required"]) == ("NUM_BOOST_ROUND", 1, False)


def test_a_form_built_from_algorithms_is_accepted(platform: Platform) -> None:
    # Every parameter at its minimum (or first choice): what a generated form may send.
    algorithms = platform.graphql(
        "{ algorithms { name source parameters { name type minimum choices } } }"
    )["algorithms"]
    sample = {"INT": lambda p: int(p["minimum"]), "FLOAT": lambda p: p["minimum"],
              "BOOLEAN": lambda p: True, "STRING_LIST": lambda p: ["a"]}
    for algorithm in algorithms:
        if algorithm["source"] != "builtin":
            continue
        values = {
            p["name"]: (p["choices"][0] if p["choices"] else "x") if p["type"] == "STRING"
            else sample[p["type"]](p)
            for p in algorithm["parameters"]
        }
        name = algorithm["name"]
        result = platform.graphql(
            """mutation($input: CreateJobInput!) { createJob(input: $input) {
                 __typename ... on InvalidInputError { field message } } }""",
            {"input": {
                "jobName": f"form-{name}"[:40], "algorithm": {"algorithmName": name},
                "resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 1}},
                "hyperparameters": {name: values},
            }},
        )["createJob"]
        assert result["__typename"] == "CreateJobSuccess", (name, result)
