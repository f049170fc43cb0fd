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

from karmada_sim.config import SimulatorConfig
from karmada_sim.runtime import EmbeddedSimulator, Simulator
from tests.karmada_sim.test_api_crud import GROUP, PLURAL, VERSION, rayjob

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
    from karmada_sim.table import json_path

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


async def _kubectl(kubeconfig: Path, *args: str) -> tuple[int, str, str]:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl must be installed (/usr/bin/kubectl)"
    proc = await asyncio.create_subprocess_exec(
        kubectl,
        "--kubeconfig",
        str(kubeconfig),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode(), err.decode()


@pytest.fixture(scope="module")
def open_sim() -> Iterator[EmbeddedSimulator]:
    """No token at all: kubectl never sends one over plain http, so it can only write here."""
    sim = EmbeddedSimulator(SimulatorConfig(token=None), install=False)
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()


async def test_kubectl_apply_uses_openapi_v3_and_strict_field_validation(
    open_sim: EmbeddedSimulator, tmp_path: Path
) -> None:
    kubeconfig = open_sim.write_kubeconfig(tmp_path / "config")
    job = rayjob("applied")
    job["metadata"]["namespace"] = "default"
    manifest = tmp_path / "rayjob.json"
    manifest.write_text(json.dumps(job))
    code, out, err = await _kubectl(kubeconfig, "apply", "-f", str(manifest))
    assert code == 0, err
    assert "rayjob.ray.io/applied created" in out
    job["spec"]["entrypoint"] = "python other.py"
    manifest.write_text(json.dumps(job))
    code, out, err = await _kubectl(kubeconfig, "apply", "-f", str(manifest))
    assert (code, out.strip()) == (0, "rayjob.ray.io/applied configured"), err
    job["spec"]["entrypont"] = "typo"
    manifest.write_text(json.dumps(job))
    code, out, err = await _kubectl(kubeconfig, "apply", "-f", str(manifest))
    assert code == 1
    assert 'strict decoding error: unknown field "spec.entrypont"' in err


async def test_kubectl_apply_builtin_uses_strategic_merge(
    open_sim: EmbeddedSimulator, tmp_path: Path
) -> None:
    kubeconfig = open_sim.write_kubeconfig(tmp_path / "config")
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "smp", "namespace": "default"},
        "spec": {
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [{"name": "c", "image": "busybox:1", "args": ["a"]}],
                }
            }
        },
    }
    manifest = tmp_path / "job.json"
    manifest.write_text(json.dumps(job))
    assert (await _kubectl(kubeconfig, "apply", "-f", str(manifest)))[0] == 0
    job["spec"]["template"]["spec"]["containers"][0]["image"] = "busybox:2"
    manifest.write_text(json.dumps(job))
    code, _, err = await _kubectl(kubeconfig, "apply", "-f", str(manifest))
    assert code == 0, err

    def read(sim: Simulator) -> object:
        return sim.store.get(sim.store.resource("batch/v1", "Job"), "default", "smp")

    stored = open_sim.call(read)
    assert isinstance(stored, dict)
    assert stored["spec"]["template"]["spec"]["containers"] == [
        {"name": "c", "image": "busybox:2", "args": ["a"]}
    ]


async def test_field_validation_warn_header_and_strict_400(
    api_sim: EmbeddedSimulator, namespace: str
) -> None:
    body = {"metadata": {"name": "fv"}, "data": {"a": "b"}, "bogus": 1}
    url = f"/api/v1/namespaces/{namespace}/configmaps"
    async with httpx.AsyncClient(base_url=api_sim.url, headers=AUTH) as http:
        strict = await http.post(url, json=body, params={"fieldValidation": "Strict"})
        assert strict.status_code == 400
        assert 'unknown field "bogus"' in strict.json()["message"]
        warned = await http.post(url, json=body)
        assert warned.status_code == 201
        assert warned.headers["warning"] == '299 - "unknown field \\"bogus\\""'
        assert "bogus" not in warned.json()


async def test_delete_collection_with_selector(
    api_client: client.ApiClient, namespace: str
) -> None:
    core = client.CoreV1Api(api_client)
    for name, tier in (("x1", "a"), ("x2", "a"), ("x3", "b")):
        await core.create_namespaced_config_map(
            namespace, {"metadata": {"name": name, "labels": {"tier": tier}}}
        )
    await core.delete_collection_namespaced_config_map(namespace, label_selector="tier=a")
    left = await core.list_namespaced_config_map(namespace)
    assert [m.metadata.name for m in left.items] == ["x3"]
