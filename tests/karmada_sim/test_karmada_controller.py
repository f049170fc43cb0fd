"""Karmada behaviour of the simulator, through kubernetes-asyncio over the socket."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import yaml
from kubernetes_asyncio import client

from karmada_sim.karmada.controller import KarmadaController
from karmada_sim.karmada.interpreter import reference_dir
from karmada_sim.openapi_schema import ResourceSchema
from karmada_sim.runtime import EmbeddedSimulator, Simulator
from tests.support.eventually import eventually

T = TypeVar("T")
RB = ("work.karmada.io", "v1alpha2", "resourcebindings")
PP = ("policy.karmada.io", "v1alpha1", "propagationpolicies")
RAY = ("ray.io", "v1", "rayjobs")


Res = tuple[str, str, str]


async def create(api: client.CustomObjectsApi, res: Res, ns: str, body: Any) -> Any:
    return await api.create_namespaced_custom_object(res[0], res[1], ns, res[2], body)


async def get(api: client.CustomObjectsApi, res: Res, ns: str, name: str) -> Any:
    return await api.get_namespaced_custom_object(res[0], res[1], ns, res[2], name)


async def delete(api: client.CustomObjectsApi, res: Res, ns: str, name: str) -> Any:
    return await api.delete_namespaced_custom_object(res[0], res[1], ns, res[2], name)


def rayjob(name: str, namespace: str, **annotations: str) -> dict[str, Any]:
    doc = next(
        d
        for d in yaml.safe_load_all(
            (reference_dir() / "kuberay" / "samples" / "ray-job.sample.yaml").read_text()
        )
        if d and d["kind"] == "RayJob"
    )
    doc = copy.deepcopy(doc)
    doc["metadata"] = {
        "name": name,
        "namespace": namespace,
        "labels": {"app.kubernetes.io/managed-by": "ml-platform"},
    }
    if annotations:
        doc["metadata"]["annotations"] = dict(annotations)
    # the sample mounts a ConfigMap we do not create; drop it to keep the job self-contained
    head = doc["spec"]["rayClusterSpec"]["headGroupSpec"]["template"]["spec"]
    head.pop("volumes", None)
    for container in head["containers"]:
        container.pop("volumeMounts", None)
    return dict(doc)


def policy(
    name: str, namespace: str, kind: str, api_version: str, placement: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {
        "apiVersion": "policy.karmada.io/v1alpha1",
        "kind": "PropagationPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "resourceSelectors": [{"apiVersion": api_version, "kind": kind, "name": name}],
            "placement": placement,
            **extra,
        },
    }


ONE_OF = {
    "clusterAffinity": {"clusterNames": ["member1", "member2"]},
    "spreadConstraints": [{"spreadByField": "cluster", "minGroups": 1, "maxGroups": 1}],
    "replicaScheduling": {
        "replicaSchedulingType": "Divided",
        "replicaDivisionPreference": "Aggregated",
    },
}


async def get_or_none(coro: Awaitable[Any]) -> Any:
    try:
        return await coro
    except client.ApiException as exc:
        if exc.status == 404:
            return None
        raise


def members_holding(sim: EmbeddedSimulator, key: tuple[str, str, str, str]) -> list[str]:
    def look(s: Simulator) -> list[str]:
        return sorted(
            m.name
            for m in s.karmada.members.values()  # type: ignore[attr-defined]
            if key in m.objects
        )

    return sim.call(look)


def test_cluster_objects_validate_and_describe_members(karmada_sim: EmbeddedSimulator) -> None:
    schema = ResourceSchema.from_json_schema(
        reference_dir() / "karmada" / "openapi" / "cluster.karmada.io_v1alpha1_Cluster.schema.json"
    )
    clusters = karmada_sim.call(
        lambda s: s.store.list(s.store.resource("cluster.karmada.io/v1alpha1", "Cluster"))
    )
    assert [c["metadata"]["name"] for c in clusters] == ["member1", "member2", "member3"]
    for cluster in clusters:
        assert schema.validate(cluster) == [], cluster["metadata"]["name"]
        assert schema.unknown_fields(cluster) == []
        ready = next(c for c in cluster["status"]["conditions"] if c["type"] == "Ready")
        assert (ready["status"], ready["reason"]) == ("True", "ClusterReady")
    by_name = {c["metadata"]["name"]: c for c in clusters}
    gvks = {
        (e["groupVersion"], r["kind"])
        for e in by_name["member1"]["status"]["apiEnablements"]
        for r in e["resources"]
    }
    assert {
        ("ray.io/v1", "RayJob"),
        ("kubeflow.org/v1", "PyTorchJob"),
        ("kubeflow.org/v2beta1", "MPIJob"),
        ("batch/v1", "Job"),
    } <= gvks
    bare = {
        (e["groupVersion"], r["kind"])
        for e in by_name["member3"]["status"]["apiEnablements"]
        for r in e["resources"]
    }
    assert ("ray.io/v1", "RayJob") not in bare and ("batch/v1", "Job") in bare
    assert by_name["member2"]["status"]["resourceSummary"]["allocatable"]["nvidia.com/gpu"] == "32"
    assert by_name["member2"]["spec"]["region"] == "eu-west-1"
    assert by_name["member1"]["metadata"]["labels"] == {"tier": "cpu"}


async def test_rayjob_spread_to_one_cluster_binding_and_status(
    karmada_sim: EmbeddedSimulator, karmada_client: client.ApiClient, karmada_ns: str
) -> None:
    api = client.CustomObjectsApi(karmada_client)
    name = "rj-one"
    created = await create(api, RAY, karmada_ns, rayjob(name, karmada_ns))
    await api.create_namespaced_custom_object(
        PP[0],
        PP[1],
        karmada_ns,
        PP[2],
        policy(name, karmada_ns, "RayJob", "ray.io/v1", ONE_OF, propagateDeps=True),
    )

    async def scheduled() -> Any:
        rb = await get_or_none(get(api, RB, karmada_ns, f"{name}-rayjob"))
        return rb if rb and (rb.get("spec") or {}).get("clusters") else None

    rb = await scheduled_binding(scheduled)
    assert len(rb["spec"]["clusters"]) == 1
    labels = rb["metadata"]["labels"]
    assert set(labels) == {
        "propagationpolicy.karmada.io/permanent-id",
        "resourcebinding.karmada.io/permanent-id",
    }
    assert rb["metadata"]["ownerReferences"] == [
        {
            "apiVersion": "ray.io/v1",
            "kind": "RayJob",
            "name": name,
            "uid": created["metadata"]["uid"],
            "controller": True,
            "blockOwnerDeletion": True,
        }
    ]
    resource = rb["spec"]["resource"]
    assert set(resource) == {"apiVersion", "kind", "namespace", "name", "uid", "resourceVersion"}
    assert "replicas" not in rb["spec"]  # RayJob has no replica interpretation
    # the policy as Karmada's webhook leaves it (see the k8s-reference example)
    pp = await get(api, PP, karmada_ns, name)
    assert pp["metadata"]["labels"]["propagationpolicy.karmada.io/permanent-id"] == labels[
        "propagationpolicy.karmada.io/permanent-id"]
    assert pp["metadata"]["finalizers"] == ["karmada.io/propagation-policy-controller"]
    assert pp["spec"]["resourceSelectors"][0]["namespace"] == karmada_ns

    async def complete() -> Any:
        obj = await get(api, RAY, karmada_ns, name)
        status = obj.get("status") or {}
        return obj if status.get("jobDeploymentStatus") == "Complete" else None

    done = await eventually(complete)
    assert done["status"]["jobStatus"] == "SUCCEEDED"
    meta = done["metadata"]
    assert (
        meta["labels"]["propagationpolicy.karmada.io/permanent-id"]
        == labels["propagationpolicy.karmada.io/permanent-id"]
    )
    assert meta["annotations"]["propagationpolicy.karmada.io/name"] == name
    rb = await get(api, RB, karmada_ns, f"{name}-rayjob")
    conditions = {c["type"]: c for c in rb["status"]["conditions"]}
    assert (conditions["Scheduled"]["reason"], conditions["FullyApplied"]["reason"]) == (
        "Success",
        "FullyAppliedSuccess",
    )
    [item] = rb["status"]["aggregatedStatus"]
    assert (item["applied"], item["health"]) == (True, "Healthy")
    assert item["status"]["jobDeploymentStatus"] == "Complete"


async def scheduled_binding(check: Callable[[], Awaitable[Any]]) -> Any:
    return await eventually(check)


async def test_bare_divided_rayjob_is_copied_whole_to_every_cluster_negative_case(
    karmada_sim: EmbeddedSimulator, karmada_client: client.ApiClient, karmada_ns: str
) -> None:
    # Karmada cannot split a RayJob (no replica interpretation): a bare Divided policy sends a
    # full copy to every candidate — the job runs twice. member3 lacks the CRD: not a candidate.
    api = client.CustomObjectsApi(karmada_client)
    name = "rj-twice"
    placement = {
        "clusterAffinity": {"clusterNames": ["member1", "member2", "member3"]},
        "replicaScheduling": {
            "replicaSchedulingType": "Divided",
            "replicaDivisionPreference": "Weighted",
        },
    }
    await create(api, RAY, karmada_ns, rayjob(name, karmada_ns))
    await api.create_namespaced_custom_object(
        PP[0], PP[1], karmada_ns, PP[2], policy(name, karmada_ns, "RayJob", "ray.io/v1", placement)
    )

    async def clusters() -> Any:
        rb = await get_or_none(get(api, RB, karmada_ns, f"{name}-rayjob"))
        return (rb or {}).get("spec", {}).get("clusters")

    # whole copies (no "replicas"), in the scheduler's order (emptiest cluster first)
    assert sorted(await eventually(clusters), key=lambda c: c["name"]) == [
        {"name": "member1"}, {"name": "member2"}]
    key = ("ray.io/v1", "RayJob", karmada_ns, name)
    assert members_holding(karmada_sim, key) == ["member1", "member2"]


async def test_policy_created_before_template_binds_too(
    karmada_client: client.ApiClient, karmada_ns: str
) -> None:
    api = client.CustomObjectsApi(karmada_client)
    name = "rj-policy-first"
    await api.create_namespaced_custom_object(
        PP[0], PP[1], karmada_ns, PP[2], policy(name, karmada_ns, "RayJob", "ray.io/v1", ONE_OF)
    )
    await create(api, RAY, karmada_ns, rayjob(name, karmada_ns))

    async def bound() -> Any:
        rb = await get_or_none(get(api, RB, karmada_ns, f"{name}-rayjob"))
        return (rb or {}).get("spec", {}).get("clusters")

    assert len(await eventually(bound)) == 1


async def test_label_selector_policy_and_no_cluster_fit_without_crd(
    karmada_client: client.ApiClient, karmada_ns: str
) -> None:
    api = client.CustomObjectsApi(karmada_client)
    name = "rj-nofit"
    pp = policy(
        name, karmada_ns, "RayJob", "ray.io/v1", {"clusterAffinity": {"clusterNames": ["member3"]}}
    )
    pp["spec"]["resourceSelectors"] = [
        {
            "apiVersion": "ray.io/v1",
            "kind": "RayJob",
            "labelSelector": {"matchLabels": {"pick": "me"}},
        }
    ]
    await create(api, PP, karmada_ns, pp)
    job = rayjob(name, karmada_ns)
    job["metadata"]["labels"]["pick"] = "me"
    await create(api, RAY, karmada_ns, job)

    async def unschedulable() -> Any:
        rb = await get_or_none(get(api, RB, karmada_ns, f"{name}-rayjob"))
        conditions = ((rb or {}).get("status") or {}).get("conditions") or []
        return next((c for c in conditions if c["type"] == "Scheduled"), None)

    condition = await eventually(unschedulable)
    assert (condition["status"], condition["reason"]) == ("False", "NoClusterFit")
    assert condition["message"] == (
        "0/3 clusters are available: 1 cluster(s) did not have the API resource, "
        "2 cluster(s) did not match the placement cluster affinity constraint."
    )


async def test_deleting_template_removes_binding_and_member_copies(
    karmada_sim: EmbeddedSimulator, karmada_client: client.ApiClient, karmada_ns: str
) -> None:
    api = client.CustomObjectsApi(karmada_client)
    name = "rj-delete"
    await create(api, RAY, karmada_ns, rayjob(name, karmada_ns))
    await api.create_namespaced_custom_object(
        PP[0], PP[1], karmada_ns, PP[2], policy(name, karmada_ns, "RayJob", "ray.io/v1", ONE_OF)
    )
    key = ("ray.io/v1", "RayJob", karmada_ns, name)

    async def on_member() -> Any:
        return members_holding(karmada_sim, key)

    await eventually(on_member)
    await delete(api, RAY, karmada_ns, name)

    async def gone() -> bool:
        rb = await get_or_none(get(api, RB, karmada_ns, f"{name}-rayjob"))
        return rb is None and not members_holding(karmada_sim, key)

    assert await eventually(gone)


async def test_deleting_only_the_policy_leaves_binding_and_copies(
    karmada_sim: EmbeddedSimulator, karmada_client: client.ApiClient, karmada_ns: str
) -> None:
    api = client.CustomObjectsApi(karmada_client)
    name = "rj-keep"
    await create(api, RAY, karmada_ns, rayjob(name, karmada_ns))
    await api.create_namespaced_custom_object(
        PP[0], PP[1], karmada_ns, PP[2], policy(name, karmada_ns, "RayJob", "ray.io/v1", ONE_OF)
    )
    key = ("ray.io/v1", "RayJob", karmada_ns, name)

    async def on_member() -> Any:
        return members_holding(karmada_sim, key)

    holders = await eventually(on_member)
    await delete(api, PP, karmada_ns, name)

    async def policy_gone() -> bool:
        return await get_or_none(get(api, PP, karmada_ns, name)) is None

    assert await eventually(policy_gone)
    rb = await get(api, RB, karmada_ns, f"{name}-rayjob")
    assert rb["spec"]["clusters"]
    assert members_holding(karmada_sim, key) == holders


def job(
    name: str, namespace: str, scenario: dict[str, Any] | None = None, gpus: int = 0
) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": "main",
        "image": "busybox",
        "resources": {"requests": {"cpu": "500m"}},
    }
    if gpus:
        container["resources"] = {"limits": {"nvidia.com/gpu": str(gpus)}}
    meta: dict[str, Any] = {"name": name, "namespace": namespace}
    if scenario is not None:
        meta["annotations"] = {"simulator.ml-platform.io/scenario": json.dumps(scenario)}
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta,
        "spec": {
            "backoffLimit": 0,
            "template": {"spec": {"restartPolicy": "Never", "containers": [container]}},
        },
    }


async def test_batch_job_success_aggregates_complete_on_the_template(
    karmada_client: client.ApiClient, karmada_ns: str
) -> None:
    batch = client.BatchV1Api(karmada_client)
    api = client.CustomObjectsApi(karmada_client)
    name = "job-ok"
    await batch.create_namespaced_job(karmada_ns, job(name, karmada_ns))
    await api.create_namespaced_custom_object(
        PP[0], PP[1], karmada_ns, PP[2], policy(name, karmada_ns, "Job", "batch/v1", ONE_OF)
    )

    async def complete() -> Any:
        obj = await batch.read_namespaced_job_status(name, karmada_ns)
        conditions = {c.type: c for c in ((obj.status and obj.status.conditions) or [])}
        return obj if "Complete" in conditions else None

    done = await eventually(complete)
    types = [c.type for c in done.status.conditions]
    assert types == ["Complete", "SuccessCriteriaMet"]
    assert done.status.succeeded == 1
    rb = await get(api, RB, karmada_ns, f"{name}-job")
    assert rb["spec"]["replicas"] == 1  # native replica interpretation
    assert rb["spec"]["replicaRequirements"]["resourceRequest"] == {"cpu": "500m"}


async def test_failed_batch_job_never_reaches_failed_on_template_karmada_7844(
    karmada_sim: EmbeddedSimulator, karmada_client: client.ApiClient, karmada_ns: str
) -> None:
    # The native aggregate appends Failed=True but drops the member's FailureTarget; the
    # Karmada apiserver (K8s >= 1.31) refuses that status, so the template stays non-terminal
    # while the binding's aggregatedStatus shows the member's Failed condition.
    batch = client.BatchV1Api(karmada_client)
    api = client.CustomObjectsApi(karmada_client)
    name = "job-fails"
    await batch.create_namespaced_job(
        karmada_ns, job(name, karmada_ns, {"outcome": "Failed", "runSeconds": 0.2})
    )
    await api.create_namespaced_custom_object(
        PP[0], PP[1], karmada_ns, PP[2], policy(name, karmada_ns, "Job", "batch/v1", ONE_OF)
    )

    async def member_failed() -> Any:
        rb = await get_or_none(get(api, RB, karmada_ns, f"{name}-job"))
        for item in ((rb or {}).get("status") or {}).get("aggregatedStatus") or []:
            if any(
                c["type"] == "Failed" for c in (item.get("status") or {}).get("conditions") or []
            ):
                return item
        return None

    item = await eventually(member_failed)
    assert [c["type"] for c in item["status"]["conditions"]] == ["FailureTarget", "Failed"]

    def refusals(sim: Simulator) -> int:
        (controller,) = [c for c in sim.controllers if isinstance(c, KarmadaController)]
        return controller.refused_status_updates[(karmada_ns, name)]

    async def refused() -> bool:
        return await asyncio.to_thread(karmada_sim.call, refusals) >= 1

    # The aggregation with Failed was attempted and refused: the template stays non-failed.
    await eventually(refused)
    template = await batch.read_namespaced_job_status(name, karmada_ns)
    assert not any(
        c.type == "Failed" for c in (template.status and template.status.conditions) or []
    )


async def test_scenarios_control_api_makes_matching_jobs_fail(
    karmada_sim: EmbeddedSimulator, karmada_client: client.ApiClient, karmada_ns: str
) -> None:
    api = client.CustomObjectsApi(karmada_client)
    async with httpx.AsyncClient(base_url=karmada_sim.url) as http:
        created = await http.post(
            "/_sim/scenarios",
            json={
                "match": {"nameContains": "doomed"},
                "scenario": {
                    "outcome": "Failed",
                    "runSeconds": 0.2,
                    "failureMessage": "CUDA out of memory",
                },
            },
        )
        assert created.status_code == 201
        listed = (await http.get("/_sim/scenarios")).json()["scenarios"]
        assert {
            "match": {"nameContains": "doomed"},
            "scenario": {
                "outcome": "Failed",
                "runSeconds": 0.2,
                "failureMessage": "CUDA out of memory",
            },
        } in listed
        bad = await http.post("/_sim/scenarios", json={"scenario": {}})
        assert bad.status_code == 400
        try:
            name = "rj-doomed"
            await create(api, RAY, karmada_ns, rayjob(name, karmada_ns))
            await api.create_namespaced_custom_object(
                PP[0],
                PP[1],
                karmada_ns,
                PP[2],
                policy(name, karmada_ns, "RayJob", "ray.io/v1", ONE_OF),
            )

            async def failed() -> Any:
                obj = await get(api, RAY, karmada_ns, name)
                status = obj.get("status") or {}
                return status if status.get("jobDeploymentStatus") == "Failed" else None

            status = await eventually(failed)
            assert (status["jobStatus"], status["reason"], status["message"]) == (
                "FAILED",
                "AppFailed",
                "CUDA out of memory",
            )
        finally:
            assert (await http.delete("/_sim/scenarios")).json() == {"scenarios": []}


async def test_propagate_deps_copies_referenced_secret(
    karmada_sim: EmbeddedSimulator, karmada_client: client.ApiClient, karmada_ns: str
) -> None:
    core = client.CoreV1Api(karmada_client)
    api = client.CustomObjectsApi(karmada_client)
    await core.create_namespaced_secret(
        karmada_ns,
        {"metadata": {"name": "storage"}, "type": "Opaque", "data": {"accessKey": "eA=="}},
    )
    name = "rj-deps"
    obj = rayjob(name, karmada_ns)
    head = obj["spec"]["rayClusterSpec"]["headGroupSpec"]["template"]["spec"]["containers"][0]
    head["env"] = [
        {
            "name": "ACCESS_KEY",
            "valueFrom": {"secretKeyRef": {"name": "storage", "key": "accessKey"}},
        }
    ]
    await create(api, RAY, karmada_ns, obj)
    await api.create_namespaced_custom_object(
        PP[0],
        PP[1],
        karmada_ns,
        PP[2],
        policy(name, karmada_ns, "RayJob", "ray.io/v1", ONE_OF, propagateDeps=True),
    )
    job_key = ("ray.io/v1", "RayJob", karmada_ns, name)

    async def placed() -> Any:
        return members_holding(karmada_sim, job_key)

    holders = await eventually(placed)
    assert members_holding(karmada_sim, ("v1", "Secret", karmada_ns, "storage")) == holders


MPIJOB_DEPS_RIC = {
    "apiVersion": "config.karmada.io/v1alpha1",
    "kind": "ResourceInterpreterCustomization",
    "metadata": {"name": "sim-test-mpijob-deps"},
    "spec": {
        "target": {"apiVersion": "kubeflow.org/v2beta1", "kind": "MPIJob"},
        "customizations": {
            "dependencyInterpretation": {
                "luaScript": """
local kube = require("kube")
function GetDependencies(desiredObj)
  local refs = {}
  for _, spec in pairs(desiredObj.spec.mpiReplicaSpecs) do
    for _, dep in ipairs(kube.getPodDependencies(spec.template, desiredObj.metadata.namespace)) do
      table.insert(refs, dep)
    end
  end
  return refs
end
"""
            }
        },
    },
}


def mpijob(name: str, namespace: str) -> dict[str, Any]:
    doc = yaml.safe_load(
        (reference_dir() / "kubeflow-mpi-operator" / "examples" / "pi.yaml").read_text()
    )
    doc["metadata"] = {"name": name, "namespace": namespace}
    for spec in doc["spec"]["mpiReplicaSpecs"].values():
        for container in spec["template"]["spec"]["containers"]:
            container["env"] = [
                {"name": "K", "valueFrom": {"secretKeyRef": {"name": "mpi-secret", "key": "k"}}}
            ]
    return dict(doc)


async def test_user_interpreter_customization_is_honoured_only_when_present(
    karmada_sim: EmbeddedSimulator, karmada_client: client.ApiClient, karmada_ns: str
) -> None:
    core = client.CoreV1Api(karmada_client)
    api = client.CustomObjectsApi(karmada_client)
    await core.create_namespaced_secret(
        karmada_ns, {"metadata": {"name": "mpi-secret"}, "data": {"k": "eA=="}}
    )
    mpi = ("kubeflow.org", "v2beta1", "mpijobs")
    secret_key = ("v1", "Secret", karmada_ns, "mpi-secret")

    async def run(name: str) -> list[str]:
        await create(api, mpi, karmada_ns, mpijob(name, karmada_ns))
        await api.create_namespaced_custom_object(
            PP[0],
            PP[1],
            karmada_ns,
            PP[2],
            policy(
                name,
                karmada_ns,
                "MPIJob",
                "kubeflow.org/v2beta1",
                {"clusterAffinity": {"clusterNames": ["member1"]}},
                propagateDeps=True,
            ),
        )

        async def placed() -> Any:
            return members_holding(
                karmada_sim, ("kubeflow.org/v2beta1", "MPIJob", karmada_ns, name)
            )

        return list(await eventually(placed))

    # No built-in dependency rule for MPIJob v2beta1: the Secret stays behind.
    await run("mpi-without-ric")
    assert members_holding(karmada_sim, secret_key) == []
    await api.create_cluster_custom_object(
        "config.karmada.io", "v1alpha1", "resourceinterpretercustomizations", MPIJOB_DEPS_RIC
    )
    try:
        await run("mpi-with-ric")
        assert members_holding(karmada_sim, secret_key) == ["member1"]
    finally:
        await api.delete_cluster_custom_object(
            "config.karmada.io",
            "v1alpha1",
            "resourceinterpretercustomizations",
            "sim-test-mpijob-deps",
        )


async def _cluster_ready(api: client.CustomObjectsApi, name: str) -> dict[str, Any]:
    cluster = await api.get_cluster_custom_object(
        "cluster.karmada.io", "v1alpha1", "clusters", name
    )
    return dict(next(c for c in cluster["status"]["conditions"] if c["type"] == "Ready"))


async def test_not_ready_cluster_is_avoided_and_reported(
    karmada_sim: EmbeddedSimulator, karmada_client: client.ApiClient, karmada_ns: str
) -> None:
    api = client.CustomObjectsApi(karmada_client)
    async with httpx.AsyncClient(base_url=karmada_sim.url) as http:
        assert (await http.post("/_sim/clusters/member1", json={"ready": False})).status_code == 200
        try:

            async def not_ready() -> Any:
                ready = await _cluster_ready(api, "member1")
                return ready if ready["status"] == "False" else None

            ready = await eventually(not_ready)
            assert ready["reason"] == "ClusterNotReady"
            name = "rj-avoid"
            await create(api, RAY, karmada_ns, rayjob(name, karmada_ns))
            await api.create_namespaced_custom_object(
                PP[0],
                PP[1],
                karmada_ns,
                PP[2],
                policy(name, karmada_ns, "RayJob", "ray.io/v1", ONE_OF),
            )

            async def bound() -> Any:
                rb = await get_or_none(get(api, RB, karmada_ns, f"{name}-rayjob"))
                return (rb or {}).get("spec", {}).get("clusters")

            assert await eventually(bound) == [{"name": "member2"}]
        finally:
            await http.post("/_sim/clusters/member1", json={"ready": True})

        async def ready_again() -> Any:
            ready = await _cluster_ready(api, "member1")
            return ready if ready["status"] == "True" else None

        await eventually(ready_again)


async def test_unreachable_member_goes_not_ready_after_grace_and_proxy_503(
    karmada_sim: EmbeddedSimulator, karmada_client: client.ApiClient
) -> None:
    api = client.CustomObjectsApi(karmada_client)
    headers = {"Authorization": "Bearer sim-token"}
    async with httpx.AsyncClient(base_url=karmada_sim.url, headers=headers) as http:
        await http.post("/_sim/clusters/member3", json={"reachable": False})
        try:
            proxied = await http.get(
                "/apis/cluster.karmada.io/v1alpha1/clusters/member3/proxy/"
                "api/v1/namespaces/default/pods"
            )
            assert proxied.status_code == 503
            assert proxied.json()["kind"] == "Status"

            async def unreachable() -> Any:
                ready = await _cluster_ready(api, "member3")
                return ready if ready["reason"] == "ClusterNotReachable" else None

            ready = await eventually(unreachable)
            assert (ready["status"], ready["message"]) == ("False", "cluster is not reachable")
        finally:
            await http.post("/_sim/clusters/member3", json={"reachable": True})
        ok = await http.get(
            "/apis/cluster.karmada.io/v1alpha1/clusters/member3/proxy/"
            "api/v1/namespaces/default/pods"
        )
        assert ok.status_code == 200


async def test_gpu_allocation_shows_in_resource_summary(
    karmada_sim: EmbeddedSimulator, karmada_client: client.ApiClient, karmada_ns: str
) -> None:
    batch = client.BatchV1Api(karmada_client)
    api = client.CustomObjectsApi(karmada_client)
    name = "job-gpu"
    await batch.create_namespaced_job(karmada_ns, job(name, karmada_ns, {"runSeconds": 30}, gpus=2))
    await create(
        api,
        PP,
        karmada_ns,
        policy(
            name, karmada_ns, "Job", "batch/v1", {"clusterAffinity": {"clusterNames": ["member2"]}}
        ),
    )

    async def allocated() -> Any:
        cluster = await api.get_cluster_custom_object(
            "cluster.karmada.io", "v1alpha1", "clusters", "member2"
        )
        summary = cluster["status"]["resourceSummary"]
        return summary if summary["allocated"].get("nvidia.com/gpu") not in (None, "0") else None

    summary = await eventually(allocated)
    assert int(summary["allocated"]["nvidia.com/gpu"]) >= 2
    await batch.delete_namespaced_job(name, karmada_ns)


async def test_suspend_flows_to_the_member_and_back_into_the_template(
    karmada_sim: EmbeddedSimulator, karmada_client: client.ApiClient, karmada_ns: str
) -> None:
    api = client.CustomObjectsApi(karmada_client)
    name = "rj-suspend"
    await create(
        api,
        RAY,
        karmada_ns,
        rayjob(
            name,
            karmada_ns,
            **{"simulator.ml-platform.io/scenario": json.dumps({"runSeconds": 30})},
        ),
    )
    await create(api, PP, karmada_ns, policy(name, karmada_ns, "RayJob", "ray.io/v1", ONE_OF))

    async def deployment(state: str) -> Any:
        obj = await get(api, RAY, karmada_ns, name)
        return obj if (obj.get("status") or {}).get("jobDeploymentStatus") == state else None

    await eventually(lambda: deployment("Running"))
    await api.patch_namespaced_custom_object(
        RAY[0],
        RAY[1],
        karmada_ns,
        RAY[2],
        name,
        {"spec": {"suspend": True}},
        _content_type="application/merge-patch+json",
    )
    suspended = await eventually(lambda: deployment("Suspended"))
    assert "rayClusterName" not in suspended["status"]
    key = ("ray.io/v1", "RayJob", karmada_ns, name)

    def pods(s: Simulator) -> int:
        return sum(
            1
            for m in s.karmada.members.values()  # type: ignore[attr-defined]
            for (ns, _), owner in m.pod_owner.items()
            if owner == key
        )

    assert karmada_sim.call(pods) == 0
    await api.patch_namespaced_custom_object(
        RAY[0],
        RAY[1],
        karmada_ns,
        RAY[2],
        name,
        {"spec": {"suspend": False}},
        _content_type="application/merge-patch+json",
    )
    await eventually(lambda: deployment("Running"))


async def test_pytorchjob_status_aggregated_by_the_lua_customization(
    karmada_client: client.ApiClient, karmada_ns: str
) -> None:
    api = client.CustomObjectsApi(karmada_client)
    pytorch = ("kubeflow.org", "v1", "pytorchjobs")
    doc = yaml.safe_load(
        (
            reference_dir() / "kubeflow-training-operator-v1" / "examples" / "pytorch_simple.yaml"
        ).read_text()
    )
    name = "pt-simple"
    doc["metadata"] = {"name": name, "namespace": karmada_ns}
    await create(api, pytorch, karmada_ns, doc)
    await create(
        api, PP, karmada_ns, policy(name, karmada_ns, "PyTorchJob", "kubeflow.org/v1", ONE_OF)
    )

    async def succeeded() -> Any:
        obj = await get(api, pytorch, karmada_ns, name)
        conditions = (obj.get("status") or {}).get("conditions") or []
        return (
            obj
            if any(c["type"] == "Succeeded" and c["status"] == "True" for c in conditions)
            else None
        )

    done = await eventually(succeeded)
    status = done["status"]
    assert status["replicaStatuses"]["Master"]["succeeded"] == 1
    assert status["completionTime"]
    rb = await get(api, RB, karmada_ns, f"{name}-pytorchjob")
    [item] = rb["status"]["aggregatedStatus"]
    assert item["health"] == "Healthy"


async def test_cluster_propagation_policy_claims_namespaced_template(
    karmada_client: client.ApiClient, karmada_ns: str
) -> None:
    api = client.CustomObjectsApi(karmada_client)
    batch = client.BatchV1Api(karmada_client)
    name = "job-cpp"
    cpp = {
        "apiVersion": "policy.karmada.io/v1alpha1",
        "kind": "ClusterPropagationPolicy",
        "metadata": {"name": f"{karmada_ns}-cpp"},
        "spec": {
            "resourceSelectors": [{"apiVersion": "batch/v1", "kind": "Job",
                                   "namespace": karmada_ns, "name": name}],
            "placement": {"clusterAffinities": [
                {"affinityName": "gpu", "labelSelector": {"matchLabels": {"tier": "none"}}},
                {"affinityName": "any", "clusterNames": ["member3"]}]},
        },
    }
    await api.create_cluster_custom_object("policy.karmada.io", "v1alpha1",
                                           "clusterpropagationpolicies", cpp)
    try:
        await batch.create_namespaced_job(karmada_ns, job(name, karmada_ns))

        async def bound() -> Any:
            rb = await get_or_none(get(api, RB, karmada_ns, f"{name}-job"))
            return rb if (rb or {}).get("spec", {}).get("clusters") else None

        rb = await eventually(bound)
        assert rb["spec"]["clusters"] == [{"name": "member3", "replicas": 1}]
        assert rb["status"]["schedulerObservingAffinityName"] == "any"
        assert set(rb["metadata"]["labels"]) == {
            "clusterpropagationpolicy.karmada.io/permanent-id",
            "resourcebinding.karmada.io/permanent-id"}
        template = await batch.read_namespaced_job(name, karmada_ns)
        assert template.metadata.annotations["clusterpropagationpolicy.karmada.io/name"] == (
            cpp["metadata"]["name"])
    finally:
        await api.delete_cluster_custom_object("policy.karmada.io", "v1alpha1",
                                               "clusterpropagationpolicies",
                                               cpp["metadata"]["name"])


async def test_no_status_flows_from_an_unreachable_member(
    karmada_sim: EmbeddedSimulator, karmada_client: client.ApiClient, karmada_ns: str
) -> None:
    api = client.CustomObjectsApi(karmada_client)
    name = "rj-silent"
    await create(api, RAY, karmada_ns,
                 rayjob(name, karmada_ns, **{"simulator.ml-platform.io/scenario":
                                             json.dumps({"runSeconds": 0.8})}))
    await create(api, PP, karmada_ns, policy(name, karmada_ns, "RayJob", "ray.io/v1",
                                             {"clusterAffinity": {"clusterNames": ["member2"]}}))

    async def member_state() -> Any:
        rb = await get_or_none(get(api, RB, karmada_ns, f"{name}-rayjob"))
        items = ((rb or {}).get("status") or {}).get("aggregatedStatus") or []
        return items[0]["status"].get("jobDeploymentStatus") if items and items[0].get(
            "status") else None

    async def running() -> Any:
        return await member_state() == "Running"

    await eventually(running)
    async with httpx.AsyncClient(base_url=karmada_sim.url) as http:
        await http.post("/_sim/clusters/member2", json={"reachable": False})
        try:
            def member_phase(sim: Simulator) -> str | None:
                (controller,) = [c for c in sim.controllers if isinstance(c, KarmadaController)]
                key = ("ray.io/v1", "RayJob", karmada_ns, name)
                workload = controller.members["member2"].workloads.get(key)
                return None if workload is None else str(workload.run.phase)

            async def finished_on_member() -> bool:
                return await asyncio.to_thread(karmada_sim.call, member_phase) == "Succeeded"

            await eventually(finished_on_member)  # the job finishes on the member meanwhile
            assert await member_state() == "Running"
            template = await get(api, RAY, karmada_ns, name)
            assert template["status"]["jobDeploymentStatus"] == "Running"
        finally:
            await http.post("/_sim/clusters/member2", json={"reachable": True})

    async def complete() -> Any:
        return await member_state() == "Complete"

    await eventually(complete)
