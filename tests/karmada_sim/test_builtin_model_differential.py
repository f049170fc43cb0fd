"""The built-in model (karmada_sim/builtin) gives the same answers as the upstream data.

Same objects into both sides, same verdicts out:

* served kinds: every ResourceType field (names, scope, columns, versions, subresources);
* admission, for every kind the product creates, over the manifest matrix of
  tests/workloads/test_manifest_matrix.py, the same manifests with the pod and policy fields
  kubectl users add, and hypothesis mutations of them (wrong types, removed fields, bad enum
  values, unknown fields, nulls): the same validation errors, the same stored object (CRD
  defaults applied, unknown fields pruned) and the same list of pruned fields;
* admission of the other kinds over sample objects (upstream examples, what the simulator
  writes);
* interpretation, for every interpreted kind: Karmada's own testdata, the matrix workloads
  (dependencies, components, replicas) and hypothesis statuses from 0-4 member clusters
  (AggregateStatus of the whole object, InterpretHealth and InterpretStatus of each member).

Run: .venv/bin/pytest -q tests/karmada_sim/test_builtin_model_differential.py (-s prints how many
cases each area compared). Needs the reference data: under CI its absence fails the tests.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.karmada_sim.builtin_differential import (
    REFERENCE,
    STATS,
    assert_same_admission,
    assert_same_interpretation,
    builtin_types,
    disagreement,
    require_reference,
    upstream_types,
)

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module", autouse=True)
def _reference_and_summary() -> Iterator[None]:
    require_reference()
    yield
    total = sum(STATS.values())
    # Only agreeing cases are counted (an assertion fails before its count).
    print(f"\nbuilt-in model differential: {total} cases agreed")
    for area, count in sorted(STATS.items()):
        print(f"  {area}: {count}")


# ---- the manifests the product builds ------------------------------------------------------------


@functools.cache
def matrix() -> list[tuple[str, dict[str, Any]]]:
    """(variant/kind, manifest) for every manifest of every matrix variant."""
    from tests.workloads.helpers import manifests_for
    from tests.workloads.test_manifest_matrix import VARIANTS, _job_id, _request

    out: list[tuple[str, dict[str, Any]]] = []
    for name, data in VARIANTS:
        for manifest in manifests_for(_request(data), job_id=_job_id(name)).all():
            out.append((f"{name}/{manifest['kind']}", manifest))
    return out


def _pod_templates(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        spec = node.get("spec")
        if isinstance(spec, dict) and isinstance(spec.get("containers"), list):
            yield node
        for value in node.values():
            yield from _pod_templates(value)
    elif isinstance(node, list):
        for value in node:
            yield from _pod_templates(value)


def with_kubectl_fields(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest with the pod and policy fields users commonly add by hand."""
    obj = copy.deepcopy(manifest)
    for template in _pod_templates(obj):
        spec = template["spec"]
        spec.update(
            nodeSelector={"node.kubernetes.io/instance-type": "m5.large"},
            tolerations=[{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"},
                         {"key": "spot", "operator": "Equal", "value": "true",
                          "effect": "NoExecute", "tolerationSeconds": 30}],
            serviceAccountName="trainer",
            imagePullSecrets=[{"name": "registry-cred"}, {}],
            terminationGracePeriodSeconds=30,
            schedulerName="default-scheduler",
            initContainers=[{"name": "fetch", "image": "busybox:1.36",
                             "command": ["sh", "-c", "true"]}],
        )  # fmt: skip
        spec.setdefault("volumes", []).extend([
            {"name": "cache", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}},
            {"name": "cfg", "configMap": {"name": "train-config", "defaultMode": 420,
                                          "items": [{"key": "a", "path": "a.yaml"}]}},
            {"name": "cfg-unnamed", "configMap": {}},
            {"name": "creds", "secret": {"secretName": "creds", "optional": True}},
        ])  # fmt: skip
        template.setdefault("metadata", {}).setdefault("annotations", {})["a/b"] = "c"
        for container in spec["containers"]:
            container.update(imagePullPolicy="IfNotPresent", workingDir="/work")
            container.setdefault("env", []).extend([
                {"name": "FROM_CM", "valueFrom": {"configMapKeyRef": {"name": "cm", "key": "k"}}},
                {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                {"name": "NO_NAME_REF", "valueFrom": {"secretKeyRef": {"key": "k"}}},
            ])  # fmt: skip
            container["envFrom"] = [{"configMapRef": {"name": "env-cm"}},
                                    {"secretRef": {"name": "env-secret"}, "prefix": "S_"}]
            container["ports"] = [*container.get("ports", []), {"containerPort": 9000}]
            container.setdefault("volumeMounts", []).append(
                {"name": "cache", "mountPath": "/cache", "readOnly": True})
    if obj["kind"] == "PropagationPolicy":
        placement = obj["spec"]["placement"]
        placement["clusterAffinity"]["labelSelector"] = {
            "matchLabels": {"tier": "gpu"},
            "matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}
        placement["clusterTolerations"] = [{"key": "x", "operator": "Exists"}]
    if obj["kind"] == "PersistentVolumeClaim":
        obj["spec"]["storageClassName"] = "standard"
        obj["spec"]["volumeMode"] = "Filesystem"
    return obj


def test_served_kinds_agree() -> None:
    upstream, model = upstream_types(), builtin_types()
    assert sorted(model) == sorted(upstream), disagreement(
        "*", "served group/version/resources", sorted(upstream), sorted(model))
    for key, up in upstream.items():
        mine = model[key]
        for field in dataclasses.fields(up):
            if field.name == "schema":
                continue
            a, b = getattr(up, field.name), getattr(mine, field.name)
            assert a == b, disagreement(up.kind, f"{'/'.join(key)} {field.name}", a, b)


MATRIX_IDS = [name for name, _ in matrix()] if REFERENCE is not None else ["no-reference"]
MATRIX = [m for _, m in matrix()] if REFERENCE is not None else [{}]


@pytest.mark.parametrize("manifest", MATRIX, ids=MATRIX_IDS)
def test_matrix_admission_agrees(manifest: dict[str, Any]) -> None:
    assert_same_admission(manifest, "matrix")
    assert_same_admission(with_kubectl_fields(manifest), "matrix+kubectl-fields")


# ---- hypothesis mutations of the manifests -------------------------------------------------------

_WRONG = [7, -1, 2.5, 0, "text", "", True, False, [], ["x"], [{"zz": 1}], {}, {"k": "v"}, None]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if prefix == () and key in ("apiVersion", "kind"):
                continue  # they choose the schema, not a field of it
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield (*prefix, i)
            yield from _paths(value, (*prefix, i))


def _parent(obj: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        obj = obj[part]
    return obj


@st.composite
def mutated_manifests(draw: st.DrawFn) -> dict[str, Any]:
    base = draw(st.sampled_from(MATRIX))
    obj = copy.deepcopy(draw(st.sampled_from([base, with_kubectl_fields(base)])))
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(obj))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, last = _parent(obj, path), path[-1]
        op = draw(st.sampled_from(["wrong-type", "remove", "bad-enum", "unknown", "null"]))
        if op == "wrong-type":
            parent[last] = copy.deepcopy(draw(st.sampled_from(_WRONG)))
        elif op == "remove":
            del parent[last]
        elif op == "bad-enum":
            parent[last] = draw(st.sampled_from(["NotAValue", "divided", "TCPX", "Always "]))
        elif op == "null":
            parent[last] = None
        else:
            target = parent[last]
            if isinstance(target, dict):
                target[draw(st.sampled_from(["zzUnknown", "Unknown-Field", "x"]))] = draw(
                    st.sampled_from([1, "v", {"a": 1}, [1]]))
            elif isinstance(target, list):
                target.append(copy.deepcopy(draw(st.sampled_from(_WRONG))))
            elif isinstance(parent, dict):
                parent[f"{last}Typo"] = target
    return obj


@SETTINGS
@given(mutated_manifests())
def test_mutated_manifest_admission_agrees(obj: dict[str, Any]) -> None:
    assert_same_admission(obj, "hypothesis-mutations")


# ---- the other kinds: sample objects -------------------------------------------------------------


def _samples() -> list[dict[str, Any]]:
    ref = require_reference()
    docs: list[dict[str, Any]] = []
    for pattern in ("examples/*.yaml", "kubeflow-trainer-v2/examples/*.yaml",
                    "kubeflow-training-operator-v1/examples/*.yaml",
                    "kubeflow-mpi-operator/examples/*.yaml", "kuberay/samples/*.yaml"):
        for path in sorted(ref.glob(pattern)):
            docs.extend(d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict))
    return docs


SAMPLE_KINDS_OTHER = [
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"},
     "status": {"phase": "Active"}},
    {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "d"},
     "type": "Opaque", "data": {"a": "YQ=="}, "stringData": {"b": "c"}},
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "d"},
     "data": {"k": "v"}, "immutable": True},
    {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa", "namespace": "d"},
     "imagePullSecrets": [{"name": "reg"}]},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc", "namespace": "d"},
     "spec": {"type": "ClusterIP", "selector": {"a": "b"},
              "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"},
                        {"port": 81, "targetPort": "web"}]}},
    {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e", "namespace": "d"},
     "involvedObject": {"kind": "Pod", "name": "p", "namespace": "d"}, "reason": "Started",
     "message": "m", "type": "Normal", "count": 1, "source": {"component": "kubelet"}},
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "d"},
     "spec": {"containers": [{"name": "c", "image": "i", "resources": {"limits": {"cpu": 1}}}],
              "restartPolicy": "Never"},
     "status": {"phase": "Running", "podIP": "10.0.0.1",
                "conditions": [{"type": "Ready", "status": "True"}],
                "containerStatuses": [{"name": "c", "ready": True, "restartCount": 0,
                                       "image": "i", "imageID": "sha"}]}},
    {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "hi"},
     "value": 1000, "globalDefault": False, "description": "d"},
    {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
     "metadata": {"name": "l", "namespace": "d"},
     "spec": {"holderIdentity": "me", "leaseDurationSeconds": 15}},
    {"apiVersion": "config.karmada.io/v1alpha1", "kind": "ResourceInterpreterCustomization",
     "metadata": {"name": "ric"},
     "spec": {"target": {"apiVersion": "kubeflow.org/v2beta1", "kind": "MPIJob"},
              "customizations": {"healthInterpretation": {
                  "luaScript": "function InterpretHealth(o) return true end"}}}},
    {"apiVersion": "policy.karmada.io/v1alpha1", "kind": "ClusterPropagationPolicy",
     "metadata": {"name": "cpp"},
     "spec": {"resourceSelectors": [{"apiVersion": "v1", "kind": "Namespace"}],
              "placement": {"clusterAffinity": {"clusterNames": ["member1"]}}}},
    {"apiVersion": "policy.karmada.io/v1alpha1", "kind": "OverridePolicy",
     "metadata": {"name": "op", "namespace": "d"},
     "spec": {"resourceSelectors": [{"apiVersion": "ray.io/v1", "kind": "RayJob"}],
              "overrideRules": [{"targetCluster": {"clusterNames": ["member1"]},
                                 "overriders": {"plaintext": [
                                     {"path": "/spec/suspend", "operator": "replace",
                                      "value": True}],
                                     "labelsOverrider": [{"operator": "add",
                                                          "value": {"a": "b"}}]}}]}},
    {"apiVersion": "policy.karmada.io/v1alpha1", "kind": "FederatedResourceQuota",
     "metadata": {"name": "q", "namespace": "d"},
     "spec": {"overall": {"cpu": "10", "memory": "20Gi"},
              "staticAssignments": [{"clusterName": "member1", "hard": {"cpu": 4}}]}},
    {"apiVersion": "work.karmada.io/v1alpha1", "kind": "Work",
     "metadata": {"name": "w", "namespace": "karmada-es-member1"},
     "spec": {"workload": {"manifests": [{"apiVersion": "v1", "kind": "ConfigMap",
                                          "metadata": {"name": "x", "extra": 1},
                                          "data": {"a": "b"}}]}}},
    {"apiVersion": "kubeflow.org/v1", "kind": "XGBoostJob",
     "metadata": {"name": "x", "namespace": "d"},
     "spec": {"xgbReplicaSpecs": {"Master": {"replicas": 1, "template": {"spec": {
         "containers": [{"name": "xgboost", "image": "i"}]}}}}}},
]  # fmt: skip


def _sample_ids(samples: list[dict[str, Any]]) -> list[str]:
    return [f"{s.get('kind')}/{(s.get('metadata') or {}).get('name')}/{i}"
            for i, s in enumerate(samples)]  # fmt: skip


@functools.cache
def all_samples() -> list[dict[str, Any]]:
    served = {(t.api_version, t.kind) for t in upstream_types().values() if t.preferred}
    found = [*_samples(), *SAMPLE_KINDS_OTHER]
    return [s for s in found if (s.get("apiVersion"), s.get("kind")) in served]


SAMPLES = all_samples() if REFERENCE is not None else [{}]


@pytest.mark.parametrize("sample", SAMPLES, ids=_sample_ids(SAMPLES))
def test_sample_object_admission_agrees(sample: dict[str, Any]) -> None:
    assert_same_admission(sample, "samples")


def test_samples_cover_every_served_kind() -> None:
    served = {(t.api_version, t.kind) for t in upstream_types().values() if t.preferred}
    product = {(m["apiVersion"], m["kind"]) for m in MATRIX}
    sampled = {(s["apiVersion"], s["kind"]) for s in SAMPLES}
    missing = served - product - sampled
    # RayCluster, ClusterResourceBinding, ClusterOverridePolicy and the Trainer runtimes are
    # compared through test_builtin_model_simulator.py or the interpreter tests instead.
    assert missing <= {
        ("ray.io/v1", "RayCluster"), ("work.karmada.io/v1alpha2", "ClusterResourceBinding"),
        ("policy.karmada.io/v1alpha1", "ClusterOverridePolicy"),
        ("trainer.kubeflow.org/v1alpha1", "ClusterTrainingRuntime"),
        ("trainer.kubeflow.org/v1alpha1", "TrainingRuntime"), ("v1", "Pod"),
        ("cluster.karmada.io/v1alpha1", "Cluster"),
    }, sorted(missing)  # fmt: skip


# ---- interpretation: Karmada's testdata ----------------------------------------------------------

INTERPRETED = {
    "RayJob": "ray.io/v1", "RayCluster": "ray.io/v1", "PyTorchJob": "kubeflow.org/v1",
    "TFJob": "kubeflow.org/v1", "MPIJob": "kubeflow.org/v2beta1", "JAXJob": "kubeflow.org/v1",
    "XGBoostJob": "kubeflow.org/v1", "Job": "batch/v1",
}  # fmt: skip
_OPERATIONS = ("AggregateStatus", "InterpretHealth", "InterpretStatus", "InterpretComponent",
               "InterpretDependency", "InterpretReplica", "ReviseReplica", "Retain")  # fmt: skip


@pytest.mark.parametrize("kind", sorted(INTERPRETED))
def test_the_same_operations_are_enabled(kind: str) -> None:
    for operation in _OPERATIONS:
        assert_same_interpretation("hook_enabled", kind, INTERPRETED[kind], kind, operation,
                                   area=f"hooks:{operation}")  # fmt: skip


def _testdata() -> list[Any]:
    ref = require_reference()
    cases = []
    for path in sorted((ref / "karmada-thirdparty").glob("*/*/*/testdata/*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            kind = path.parent.parent.name
            group = path.parent.parent.parent.parent.name
            if doc and kind in INTERPRETED and group != "batch.volcano.sh":  # not served
                cases.append(pytest.param(kind, doc, id=f"{kind}/{path.name}/{doc['name']}"))
    return cases


TESTDATA = _testdata() if REFERENCE is not None else [pytest.param("none", {}, id="no-reference")]
_CALLS = {
    "AggregateStatus": "aggregate_status", "InterpretHealth": "interpret_health",
    "InterpretStatus": "reflect_status", "InterpretComponent": "get_components",
    "InterpretDependency": "get_dependencies",
}  # fmt: skip


@pytest.mark.parametrize(("kind", "case"), TESTDATA)
def test_karmada_testdata_interpretation_agrees(kind: str, case: dict[str, Any]) -> None:
    subject = case.get("desiredObj") or case.get("observedObj")
    args: tuple[Any, ...] = (subject,)
    if case["operation"] == "AggregateStatus":
        args = (subject, case.get("statusItems"))
    assert_same_interpretation(_CALLS[case["operation"]], kind, *args, area="karmada-testdata")


# ---- interpretation: the product's workloads -----------------------------------------------------


def _workloads() -> list[dict[str, Any]]:
    """Every matrix workload (plain and with kubectl fields), plus a RayCluster of each RayJob."""
    out: list[dict[str, Any]] = []
    for manifest in MATRIX:
        if manifest.get("kind") not in INTERPRETED:
            continue
        for workload in (manifest, with_kubectl_fields(manifest)):
            out.append(workload)
            if workload["kind"] == "RayJob":
                out.append({"apiVersion": "ray.io/v1", "kind": "RayCluster",
                            "metadata": workload["metadata"],
                            "spec": workload["spec"]["rayClusterSpec"]})  # fmt: skip
    return out


WORKLOADS = _workloads() if REFERENCE is not None else [{"kind": "none"}]


@pytest.mark.parametrize("workload", WORKLOADS, ids=[
    f"{w.get('kind')}/{i}" for i, w in enumerate(WORKLOADS)])  # fmt: skip
def test_workload_interpretation_agrees(workload: dict[str, Any]) -> None:
    kind = workload["kind"]
    for operation in ("get_dependencies", "get_components", "get_replicas"):
        assert_same_interpretation(operation, kind, workload, area="matrix")
    assert_same_interpretation("revise_replica", kind, workload, 3, area="matrix")


# ---- interpretation: hypothesis statuses from member clusters ------------------------------------

_TIMES = ["2026-05-01T10:00:00Z", "2026-05-01T10:00:05Z", "2026-05-01T11:30:00Z",
          "2026-05-02T00:00:00Z", ""]  # fmt: skip
_times = st.sampled_from(_TIMES)
_counts = st.integers(0, 4)
_text = st.sampled_from(["", "ok", "Job finished successfully.", "AppFailed", "x y"])


def _opt(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=fields)


def _conditions(types: list[str], *, metav1: bool) -> st.SearchStrategy[list[dict[str, Any]]]:
    required = {"type": st.sampled_from(types), "status": st.sampled_from(["True", "False",
                                                                          "Unknown"])}
    optional: dict[str, st.SearchStrategy[Any]] = {
        "reason": st.sampled_from(["Created", "Running", "Done"]), "message": _text,
        "lastTransitionTime": _times,
    }
    if not metav1:
        optional["lastUpdateTime"] = _times
    return st.lists(st.fixed_dictionaries(required, optional=optional), max_size=4)


_KUBEFLOW_CONDITIONS = ["Created", "Running", "Restarting", "Succeeded", "Failed", "Suspended"]
_replica = _opt(active=_counts, failed=_counts, succeeded=_counts,
                selector=st.sampled_from(["a=b", ""]))  # fmt: skip
_kubeflow_status = _opt(
    conditions=_conditions(_KUBEFLOW_CONDITIONS, metav1=False),
    replicaStatuses=st.dictionaries(
        st.sampled_from(["Master", "Worker", "PS", "Chief", "Evaluator", "Launcher"]), _replica,
        max_size=3),
    startTime=_times, completionTime=_times, lastReconcileTime=_times,
)  # fmt: skip
_raycluster_status = _opt(
    conditions=_conditions(["HeadPodReady", "RayClusterProvisioned", "RayClusterReplicaFailure",
                            "Other"], metav1=True),
    readyWorkerReplicas=_counts, availableWorkerReplicas=_counts, maxWorkerReplicas=_counts,
    minWorkerReplicas=_counts, desiredWorkerReplicas=_counts,
    desiredCPU=st.sampled_from(["0", "1", "500m", "2500m", "4", ""]),
    desiredMemory=st.sampled_from(["0", "1Gi", "512Mi", "3G", ""]),
    desiredGPU=st.sampled_from(["0", "1", "2", "8", ""]),
    desiredTPU=st.sampled_from(["0", "4", ""]),
    lastUpdateTime=_times, endpoints=st.just({"dashboard": "8265"}),
    head=st.just({"podName": "h", "podIP": "10.0.0.2"}), state=st.sampled_from(["ready", ""]),
    stateTransitionTimes=st.just({"ready": "2026-05-01T10:00:00Z"}),
)  # fmt: skip
_rayjob_status = _opt(
    jobDeploymentStatus=st.sampled_from(["", "Initializing", "Waiting", "Suspending",
                                         "Suspended", "Retrying", "Running", "Complete",
                                         "ValidationFailed", "Failed", "Unknown-state"]),
    jobStatus=st.sampled_from(["", "PENDING", "RUNNING", "SUCCEEDED", "STOPPED", "FAILED",
                               "OTHER"]),
    reason=_text, message=_text, startTime=_times, endTime=_times, succeeded=_counts,
    failed=_counts, rayClusterName=st.just("rc"), rayClusterStatus=_raycluster_status,
)  # fmt: skip
STATUSES = {"RayJob": _rayjob_status, "RayCluster": _raycluster_status,
            **{k: _kubeflow_status for k in ("PyTorchJob", "TFJob", "MPIJob", "JAXJob")}}


@st.composite
def member_statuses(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """(desired template, aggregatedStatus items) for one interpreted workload kind."""
    workload = copy.deepcopy(draw(st.sampled_from(
        [w for w in WORKLOADS if w.get("kind") in STATUSES])))  # fmt: skip
    status = STATUSES[workload["kind"]]
    if draw(st.booleans()):
        workload["status"] = draw(status)  # a previous aggregation's result
    item = st.fixed_dictionaries(
        {"clusterName": st.sampled_from(["member1", "member2", "member3", "member4"])},
        optional={"status": status, "applied": st.booleans(),
                  "health": st.sampled_from(["Healthy", "Unhealthy", "Unknown"])},
    )  # fmt: skip
    items = draw(st.none() | st.lists(item, max_size=4))
    return workload, items


@SETTINGS
@given(member_statuses())
def test_aggregated_status_agrees(case: tuple[dict[str, Any], list[dict[str, Any]] | None]) -> None:
    workload, items = case
    assert_same_interpretation("aggregate_status", workload["kind"], workload, items,
                               area="hypothesis-statuses")  # fmt: skip


@SETTINGS
@given(member_statuses())
def test_member_health_and_reflected_status_agree(
    case: tuple[dict[str, Any], list[dict[str, Any]] | None],
) -> None:
    workload, items = case
    for item in items or [{}]:
        observed = {k: v for k, v in workload.items() if k != "status"}
        if "status" in item:
            observed["status"] = item["status"]
        kind = workload["kind"]
        assert_same_interpretation("interpret_health", kind, observed, area="hypothesis-statuses")
        assert_same_interpretation("reflect_status", kind, observed, area="hypothesis-statuses")
