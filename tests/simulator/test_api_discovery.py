"""Discovery, kubectl, Table output and authentication."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from kubernetes_asyncio import client

from app.simulator.config import SimulatorConfig
from app.simulator.runtime import EmbeddedSimulator
from tests.simulator.test_api_crud import GROUP, PLURAL, VERSION, rayjob

AUTH = {"Authorization": "Bearer sim-token"}
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"


async def test_discovery_through_kubernetes_asyncio(api_client: client.ApiClient) -> None:
    groups = await client.ApisApi(api_client).get_api_versions()
    names = {g.name for g in groups.groups}
    assert {
        "ray.io",
        "kubeflow.org",
        "policy.karmada.io",
        "work.karmada.io",
        "cluster.karmada.io",
        "batch",
        "trainer.kubeflow.org",
    } <= names
    work = next(g for g in groups.groups if g.name == "work.karmada.io")
    assert work.preferred_version.version == "v1alpha2"
    resources = await client.CustomObjectsApi(api_client).get_api_resources("ray.io", "v1")
    by_name = {r.name: r for r in resources.resources}
    assert by_name["rayjobs"].kind == "RayJob"
    assert by_name["rayjobs"].namespaced is True
    assert "rayjobs/status" in by_name
    core = await client.CoreV1Api(api_client).get_api_resources()
    namespaces = next(r for r in core.resources if r.name == "namespaces")
    assert namespaces.namespaced is False
    version = await client.VersionApi(api_client).get_code()
    assert version.major == "1"


async def test_kubectl_get_custom_resources(
    api_client: client.ApiClient, api_kubeconfig: Path, namespace: str
) -> None:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl must be installed (/usr/bin/kubectl)"
    api = client.CustomObjectsApi(api_client)
    await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, rayjob("kube-job"))
    proc = await asyncio.create_subprocess_exec(
        kubectl,
        "--kubeconfig",
        str(api_kubeconfig),
        "get",
        "rayjobs,pytorchjobs,propagationpolicies,resourcebindings,clusters",
        "-n",
        namespace,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    text = out.decode()
    assert "rayjob.ray.io/kube-job" in text
    # Printer columns from the CRD (JOB STATUS, DEPLOYMENT STATUS ...) and an age.
    header = text.splitlines()[0]
    assert "NAME" in header
    assert "DEPLOYMENT STATUS" in header
    assert "AGE" in header


async def test_table_output_uses_printer_columns(
    api_sim: EmbeddedSimulator, api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, rayjob("tbl"))
    async with httpx.AsyncClient(base_url=api_sim.url) as http:
        response = await http.get(
            f"/apis/ray.io/v1/namespaces/{namespace}/rayjobs",
            headers={**AUTH, "Accept": TABLE},
        )
    table = response.json()
    assert table["kind"] == "Table"
    assert table["apiVersion"] == "meta.k8s.io/v1"
    columns = [c["name"] for c in table["columnDefinitions"]]
    assert columns[0] == "Name"
    assert "job status" in columns
    assert "deployment status" in columns
    [row] = table["rows"]
    assert row["cells"][0] == "tbl"
    assert row["object"]["kind"] == "PartialObjectMetadata"
    assert row["object"]["metadata"]["name"] == "tbl"
    assert "spec" not in row["object"]


def test_json_path_subset() -> None:
    from app.simulator.table import json_path

    obj = {
        "status": {
            "conditions": [
                {"type": "Ready", "status": "True"},
                {"type": "Other", "status": "False"},
            ]
        },
        "spec": {"items": [{"n": 1}, {"n": 2}]},
    }
    assert json_path(obj, '.status.conditions[?(@.type=="Ready")].status') == ["True"]
    assert json_path(obj, ".spec.items[*].n") == [1, 2]
    assert json_path(obj, ".spec.items[1].n") == [2]
    assert json_path(obj, ".spec.missing") == []


async def test_token_required_for_writes_anonymous_reads_allowed(
    api_sim: EmbeddedSimulator, namespace: str
) -> None:
    body = {"metadata": {"name": "anon"}}
    async with httpx.AsyncClient(base_url=api_sim.url) as http:
        write = await http.post(f"/api/v1/namespaces/{namespace}/configmaps", json=body)
        assert write.status_code == 401
        assert write.json()["reason"] == "Unauthorized"
        wrong = await http.get(
            f"/api/v1/namespaces/{namespace}/configmaps",
            headers={"Authorization": "Bearer wrong"},
        )
        assert wrong.status_code == 401
        read = await http.get(f"/api/v1/namespaces/{namespace}/configmaps")
        assert read.status_code == 200
        ok = await http.post(f"/api/v1/namespaces/{namespace}/configmaps", json=body, headers=AUTH)
        assert ok.status_code == 201


@pytest.fixture(scope="module")
def strict_sim() -> Iterator[EmbeddedSimulator]:
    sim = EmbeddedSimulator(SimulatorConfig(allow_anonymous_reads=False), install=False)
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()


async def test_anonymous_reads_refused_unless_allowed(strict_sim: EmbeddedSimulator) -> None:
    async with httpx.AsyncClient(base_url=strict_sim.url) as http:
        assert (await http.get("/api/v1/namespaces")).status_code == 401
        assert (await http.get("/apis")).status_code == 401
        authed = await http.get("/api/v1/namespaces", headers=AUTH)
        assert authed.status_code == 200
        assert json.loads(authed.content)["kind"] == "NamespaceList"


async def test_cluster_proxy_without_handler_is_503_and_unknown_cluster_404(
    api_sim: EmbeddedSimulator, api_client: client.ApiClient
) -> None:
    api = client.CustomObjectsApi(api_client)
    await api.create_cluster_custom_object(
        "cluster.karmada.io",
        "v1alpha1",
        "clusters",
        {"metadata": {"name": "proxy-member"}, "spec": {"syncMode": "Push"}},
    )
    base = "/apis/cluster.karmada.io/v1alpha1/clusters"
    async with httpx.AsyncClient(base_url=api_sim.url, headers=AUTH) as http:
        missing = await http.get(f"{base}/nope/proxy/api/v1/namespaces/default/pods")
        assert missing.status_code == 404
        assert missing.json()["message"] == 'clusters.cluster.karmada.io "nope" not found'
        unavailable = await http.get(f"{base}/proxy-member/proxy/api/v1/namespaces/default/pods")
        assert unavailable.status_code == 503
