"""CRUD semantics of the simulated API server, through kubernetes-asyncio over a socket."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
import yaml
from kubernetes_asyncio import client
from kubernetes_asyncio.client.exceptions import ApiException

from karmada_sim.reference import reference_dir

GROUP, VERSION, PLURAL = "ray.io", "v1", "rayjobs"
# kubernetes-asyncio sends dict bodies to the custom-object patch methods as JSON *patch*
# unless told otherwise; the real server rejects that (400), and so does the simulator.
MERGE = {"_content_type": "application/merge-patch+json"}
RFC3339_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _sample() -> dict[str, Any]:
    with (reference_dir() / "kuberay/samples/ray-job.sample.yaml").open() as fh:
        return next(d for d in yaml.safe_load_all(fh) if d and d["kind"] == "RayJob")


SAMPLE = _sample()


def rayjob(name: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    obj = copy.deepcopy(SAMPLE)
    obj["metadata"] = {"name": name, "labels": labels or {}}
    return obj


def status_of(exc: ApiException) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(exc.body)
    return body


async def test_create_sets_server_fields_and_duplicate_is_already_exists(
    api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    created = await api.create_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, rayjob("job-a")
    )
    meta = created["metadata"]
    assert meta["namespace"] == namespace
    assert re.fullmatch(r"[0-9a-f-]{36}", meta["uid"])
    assert int(meta["resourceVersion"]) > 0
    assert meta["generation"] == 1
    assert RFC3339_Z.match(meta["creationTimestamp"])
    assert created["spec"]["submissionMode"] == "K8sJobMode"  # CRD default applied
    with pytest.raises(ApiException) as info:
        await api.create_namespaced_custom_object(
            GROUP, VERSION, namespace, PLURAL, rayjob("job-a")
        )
    assert info.value.status == 409
    status = status_of(info.value)
    assert status["kind"] == "Status"
    assert status["reason"] == "AlreadyExists"
    assert status["message"] == 'rayjobs.ray.io "job-a" already exists'


async def test_get_missing_is_not_found_status(
    api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    with pytest.raises(ApiException) as info:
        await api.get_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "nope")
    assert info.value.status == 404
    status = status_of(info.value)
    assert (status["reason"], status["code"]) == ("NotFound", 404)
    assert status["message"] == 'rayjobs.ray.io "nope" not found'


async def test_create_in_missing_namespace_is_not_found(api_client: client.ApiClient) -> None:
    api = client.CustomObjectsApi(api_client)
    with pytest.raises(ApiException) as info:
        await api.create_namespaced_custom_object(GROUP, VERSION, "no-such-ns", PLURAL, rayjob("x"))
    assert info.value.status == 404
    assert status_of(info.value)["message"] == 'namespaces "no-such-ns" not found'


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("tier=gpu", {"a", "b"}),
        ("tier==gpu", {"a", "b"}),
        ("tier!=gpu", {"c", "d"}),  # also objects without the key
        ("tier in (gpu,cpu)", {"a", "b", "c"}),
        ("tier notin (gpu)", {"c", "d"}),
        ("tier", {"a", "b", "c"}),
        ("!tier", {"d"}),
        ("tier=gpu,team=x", {"a"}),
        ("tier=gpu,!team", {"b"}),
    ],
)
async def test_list_label_selectors(
    api_client: client.ApiClient, namespace: str, selector: str, expected: set[str]
) -> None:
    api = client.CustomObjectsApi(api_client)
    labels = {
        "a": {"tier": "gpu", "team": "x"},
        "b": {"tier": "gpu"},
        "c": {"tier": "cpu", "team": "y"},
        "d": {},
    }
    for name, lab in labels.items():
        await api.create_namespaced_custom_object(
            GROUP, VERSION, namespace, PLURAL, rayjob(name, lab)
        )
    listed = await api.list_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, label_selector=selector
    )
    assert {o["metadata"]["name"] for o in listed["items"]} == expected
    assert listed["kind"] == "RayJobList"


async def test_field_selector_and_all_namespaces(
    api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    for name in ("one", "two"):
        await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, rayjob(name))
    by_name = await api.list_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, field_selector="metadata.name=two"
    )
    assert [o["metadata"]["name"] for o in by_name["items"]] == ["two"]
    not_name = await api.list_cluster_custom_object(
        GROUP, VERSION, PLURAL, field_selector=f"metadata.namespace={namespace},metadata.name!=two"
    )
    assert [o["metadata"]["name"] for o in not_name["items"]] == ["one"]
    with pytest.raises(ApiException) as info:
        await api.list_namespaced_custom_object(
            GROUP, VERSION, namespace, PLURAL, field_selector="spec.entrypoint=x"
        )
    assert info.value.status == 400


async def test_limit_and_continue_return_every_object_once(
    api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    names = {f"job-{i:02d}" for i in range(23)}
    for name in names:
        await api.create_namespaced_custom_object(
            GROUP, VERSION, namespace, PLURAL, rayjob(name, {"page": "yes"})
        )
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        kwargs: dict[str, Any] = {"limit": 5, "label_selector": "page=yes"}
        if token:
            kwargs["_continue"] = token
        page = await api.list_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, **kwargs)
        pages += 1
        assert len(page["items"]) <= 5
        seen.extend(o["metadata"]["name"] for o in page["items"])
        token = page["metadata"].get("continue")
        if not token:
            break
    assert pages == 5
    assert sorted(seen) == sorted(names)
    assert len(seen) == len(set(seen))


async def test_replace_with_stale_resource_version_is_conflict(
    api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    first = await api.create_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, rayjob("r")
    )
    fresh = copy.deepcopy(first)
    fresh["spec"]["entrypoint"] = "python changed.py"
    replaced = await api.replace_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, "r", fresh
    )
    assert replaced["metadata"]["generation"] == 2
    assert int(replaced["metadata"]["resourceVersion"]) > int(first["metadata"]["resourceVersion"])
    stale = copy.deepcopy(first)
    stale["spec"]["entrypoint"] = "python lost-update.py"
    with pytest.raises(ApiException) as info:
        await api.replace_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "r", stale)
    assert info.value.status == 409
    assert status_of(info.value)["reason"] == "Conflict"
    current = await api.get_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "r")
    assert current["spec"]["entrypoint"] == "python changed.py"


async def test_merge_and_json_patch_and_generation_only_on_spec(
    api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, rayjob("p"))
    labelled = await api.patch_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, "p", {"metadata": {"labels": {"x": "1"}}}, **MERGE
    )
    assert labelled["metadata"]["labels"] == {"x": "1"}
    assert labelled["metadata"]["generation"] == 1  # metadata-only change
    suspended = await api.patch_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, "p", {"spec": {"suspend": True}}, **MERGE
    )
    assert suspended["spec"]["suspend"] is True
    assert suspended["metadata"]["generation"] == 2
    # A list body makes kubernetes-asyncio send application/json-patch+json.
    patched = await api.patch_namespaced_custom_object(
        GROUP,
        VERSION,
        namespace,
        PLURAL,
        "p",
        [
            {"op": "replace", "path": "/spec/suspend", "value": False},
            {"op": "remove", "path": "/metadata/labels/x"},
        ],
    )
    assert patched["spec"]["suspend"] is False
    assert "x" not in (patched["metadata"].get("labels") or {})
    assert patched["metadata"]["generation"] == 3
    # A no-op patch keeps the resourceVersion.
    same = await api.patch_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, "p", {"spec": {"suspend": False}}, **MERGE
    )
    assert same["metadata"]["resourceVersion"] == patched["metadata"]["resourceVersion"]


async def test_dict_body_sent_as_json_patch_is_rejected_like_the_real_server(
    api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, rayjob("jp"))
    with pytest.raises(ApiException) as info:
        await api.patch_namespaced_custom_object(
            GROUP, VERSION, namespace, PLURAL, "jp", {"spec": {"suspend": True}}
        )
    assert info.value.status == 400
    assert "jsonpatch.Patch" in status_of(info.value)["message"]


async def test_status_subresource_separates_spec_and_status(
    api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    body = rayjob("s")
    body["status"] = {"jobStatus": "SUCCEEDED"}
    created = await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, body)
    assert "status" not in created  # status is dropped on create
    main = await api.patch_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, "s", {"status": {"jobStatus": "FAILED"}}, **MERGE
    )
    assert "status" not in main  # ignored on the main resource
    status = await api.patch_namespaced_custom_object_status(
        GROUP,
        VERSION,
        namespace,
        PLURAL,
        "s",
        {"status": {"jobStatus": "RUNNING"}, "spec": {"suspend": True}},
        **MERGE,
    )
    assert status["status"]["jobStatus"] == "RUNNING"
    assert status["spec"].get("suspend") is not True  # spec ignored on /status
    assert status["metadata"]["generation"] == 1
    got = await api.get_namespaced_custom_object_status(GROUP, VERSION, namespace, PLURAL, "s")
    assert got["status"]["jobStatus"] == "RUNNING"
    replaced = copy.deepcopy(got)
    replaced["status"]["jobStatus"] = "SUCCEEDED"
    result = await api.replace_namespaced_custom_object_status(
        GROUP, VERSION, namespace, PLURAL, "s", replaced
    )
    assert result["status"]["jobStatus"] == "SUCCEEDED"


async def test_validation_is_422_invalid_with_causes(
    api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    body = rayjob("bad")
    body["spec"]["shutdownAfterJobFinishes"] = "yes"
    del body["spec"]["rayClusterSpec"]["headGroupSpec"]["template"]["spec"]["containers"][0]["name"]
    with pytest.raises(ApiException) as info:
        await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, body)
    assert info.value.status == 422
    status = status_of(info.value)
    assert status["reason"] == "Invalid"
    causes = {c["field"]: c for c in status["details"]["causes"]}
    assert set(causes) == {
        "spec.shutdownAfterJobFinishes",
        "spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].name",
    }
    name_cause = causes["spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].name"]
    assert name_cause["reason"] == "FieldValueRequired"
    assert status["message"].startswith('RayJob.ray.io "bad" is invalid: [')


async def test_unknown_fields_are_pruned(api_client: client.ApiClient, namespace: str) -> None:
    api = client.CustomObjectsApi(api_client)
    body = rayjob("pruned")
    body["spec"]["entrypont"] = "typo"
    created = await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, body)
    assert "entrypont" not in created["spec"]
    assert created["spec"]["entrypoint"] == SAMPLE["spec"]["entrypoint"]


async def test_rayjob_name_longer_than_47_is_rejected(
    api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    with pytest.raises(ApiException) as info:
        await api.create_namespaced_custom_object(
            GROUP, VERSION, namespace, PLURAL, rayjob("r" * 48)
        )
    assert info.value.status == 422
    assert [c["field"] for c in status_of(info.value)["details"]["causes"]] == ["metadata.name"]
    ok = await api.create_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, rayjob("r" * 47)
    )
    assert ok["metadata"]["name"] == "r" * 47


async def test_delete_with_finalizer_marks_then_removes(
    api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    body = rayjob("fin")
    body["metadata"]["finalizers"] = ["example.com/keep"]
    await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, body)
    marked = await api.delete_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "fin")
    assert RFC3339_Z.match(marked["metadata"]["deletionTimestamp"])
    still = await api.get_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "fin")
    assert still["metadata"]["finalizers"] == ["example.com/keep"]
    await api.patch_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, "fin", {"metadata": {"finalizers": None}}, **MERGE
    )
    with pytest.raises(ApiException) as info:
        await api.get_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "fin")
    assert info.value.status == 404


async def _owner_and_dependent(
    api_client: client.ApiClient, namespace: str, name: str, dependent_finalizer: bool = False
) -> dict[str, Any]:
    api = client.CustomObjectsApi(api_client)
    core = client.CoreV1Api(api_client)
    owner = await api.create_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, rayjob(name)
    )
    meta: dict[str, Any] = {
        "name": f"{name}-dep",
        "ownerReferences": [
            {
                "apiVersion": "ray.io/v1",
                "kind": "RayJob",
                "name": name,
                "uid": owner["metadata"]["uid"],
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ],
    }
    if dependent_finalizer:
        meta["finalizers"] = ["example.com/hold"]
    await core.create_namespaced_config_map(namespace, {"metadata": meta, "data": {"k": "v"}})
    return owner


async def test_background_delete_collects_dependents(
    api_client: client.ApiClient, namespace: str
) -> None:
    core = client.CoreV1Api(api_client)
    api = client.CustomObjectsApi(api_client)
    await _owner_and_dependent(api_client, namespace, "gc-bg")
    await api.delete_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, "gc-bg", propagation_policy="Background"
    )
    maps = await core.list_namespaced_config_map(namespace)
    assert [m.metadata.name for m in maps.items] == []


async def test_orphan_delete_keeps_dependents_without_owner_reference(
    api_client: client.ApiClient, namespace: str
) -> None:
    core = client.CoreV1Api(api_client)
    api = client.CustomObjectsApi(api_client)
    await _owner_and_dependent(api_client, namespace, "gc-orphan")
    await api.delete_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, "gc-orphan", propagation_policy="Orphan"
    )
    dep = await core.read_namespaced_config_map("gc-orphan-dep", namespace)
    assert not dep.metadata.owner_references


async def test_foreground_delete_waits_for_blocking_dependents(
    api_client: client.ApiClient, namespace: str
) -> None:
    core = client.CoreV1Api(api_client)
    api = client.CustomObjectsApi(api_client)
    await _owner_and_dependent(api_client, namespace, "gc-fg", dependent_finalizer=True)
    marked = await api.delete_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, "gc-fg", propagation_policy="Foreground"
    )
    assert "foregroundDeletion" in marked["metadata"]["finalizers"]
    dep = await core.read_namespaced_config_map("gc-fg-dep", namespace)
    assert dep.metadata.deletion_timestamp is not None
    # The owner stays while its dependent is being deleted ...
    owner = await api.get_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "gc-fg")
    assert owner["metadata"]["deletionTimestamp"]
    # ... and goes once the dependent's finalizer is removed.
    await core.patch_namespaced_config_map(
        "gc-fg-dep", namespace, {"metadata": {"finalizers": None}}
    )
    for name, read in (
        ("gc-fg-dep", core.read_namespaced_config_map("gc-fg-dep", namespace)),
        ("gc-fg", api.get_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "gc-fg")),
    ):
        with pytest.raises(ApiException) as info:
            await read
        assert info.value.status == 404, name


async def test_builtin_kinds_validate_and_secret_string_data(
    api_client: client.ApiClient, namespace: str
) -> None:
    core = client.CoreV1Api(api_client)
    batch = client.BatchV1Api(api_client)
    secret = await core.create_namespaced_secret(
        namespace, {"metadata": {"name": "creds"}, "stringData": {"accessKey": "abc"}}
    )
    assert secret.data == {"accessKey": "YWJj"}
    assert secret.type == "Opaque"
    job = {
        "metadata": {"name": "train"},
        "spec": {
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [{"name": "main", "image": "busybox"}],
                }
            }
        },
    }
    created = await batch.create_namespaced_job(namespace, job)
    assert created.metadata.generation == 1
    broken = copy.deepcopy(job)
    broken["metadata"]["name"] = "train2"
    del broken["spec"]["template"]["spec"]["containers"][0]["name"]
    with pytest.raises(ApiException) as info:
        await batch.create_namespaced_job(namespace, broken)
    assert info.value.status == 422
    causes = status_of(info.value)["details"]["causes"]
    assert [c["field"] for c in causes] == ["spec.template.spec.containers[0].name"]
    with pytest.raises(ApiException) as svc_info:
        await core.create_namespaced_service(namespace, {"metadata": {"name": "1svc"}, "spec": {}})
    assert svc_info.value.status == 422


async def test_cluster_scoped_resources(api_client: client.ApiClient) -> None:
    sched = client.SchedulingV1Api(api_client)
    created = await sched.create_priority_class({"metadata": {"name": "high-sim"}, "value": 1000})
    assert created.metadata.namespace is None
    listed = await sched.list_priority_class()
    assert "high-sim" in [p.metadata.name for p in listed.items]
    api = client.CustomObjectsApi(api_client)
    cluster = {
        "apiVersion": "cluster.karmada.io/v1alpha1",
        "kind": "Cluster",
        "metadata": {"name": "crud-member"},
        "spec": {"syncMode": "Push", "region": "r1"},
    }
    got = await api.create_cluster_custom_object(
        "cluster.karmada.io", "v1alpha1", "clusters", cluster
    )
    assert got["spec"]["region"] == "r1"
    await api.delete_cluster_custom_object(
        "cluster.karmada.io", "v1alpha1", "clusters", "crud-member"
    )


async def test_fresh_simulator_has_namespaces_and_storage_secret(
    api_client: client.ApiClient,
) -> None:
    core = client.CoreV1Api(api_client)
    names = {n.metadata.name for n in (await core.list_namespace()).items}
    assert {"default", "kube-system", "karmada-system"} <= names
    secret = await core.read_namespaced_secret("ml-platform-storage", "default")
    assert secret.type == "Opaque"
    assert set(secret.data) == {"accessKey", "secretKey"}


async def test_deleting_namespace_deletes_its_contents(
    api_client: client.ApiClient, namespace: str
) -> None:
    core = client.CoreV1Api(api_client)
    await core.create_namespaced_config_map(namespace, {"metadata": {"name": "c"}})
    await core.delete_namespace(namespace)
    with pytest.raises(ApiException) as info:
        await core.read_namespace(namespace)
    assert info.value.status == 404
    with pytest.raises(ApiException) as missing:
        await core.create_namespaced_config_map(namespace, {"metadata": {"name": "d"}})
    assert missing.value.status == 404


async def test_delete_answers_object_for_crds_and_status_for_builtins(
    api_client: client.ApiClient, namespace: str
) -> None:
    api = client.CustomObjectsApi(api_client)
    core = client.CoreV1Api(api_client)
    await api.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, rayjob("del"))
    deleted = await api.delete_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "del")
    assert deleted["kind"] == "RayJob"
    await core.create_namespaced_config_map(namespace, {"metadata": {"name": "del"}})
    status = await core.delete_namespaced_config_map("del", namespace)
    assert status.status == "Success"
    assert status.details.name == "del"
