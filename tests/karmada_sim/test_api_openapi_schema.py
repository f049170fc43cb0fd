"""ResourceSchema against the real upstream CRDs/OpenAPI documents and their example objects."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from karmada_sim.openapi_schema import FieldError, ResourceSchema
from karmada_sim.reference import reference_dir

REF = reference_dir()
BUILTIN = REF / "kubernetes/openapi-spec-v3/release-1.35"

# (example file, CRD file, version): every upstream example must validate with no unknown fields.
EXAMPLES = [
    ("kuberay/samples/ray-job.sample.yaml", "kuberay/crds/ray.io_rayjobs.yaml", "v1"),
    ("kuberay/samples/ray-job.pytorch-mnist.yaml", "kuberay/crds/ray.io_rayjobs.yaml", "v1"),
    ("kuberay/samples/ray-cluster.sample.yaml", "kuberay/crds/ray.io_rayclusters.yaml", "v1"),
    ("examples/rayjob-with-status.yaml", "kuberay/crds/ray.io_rayjobs.yaml", "v1"),
    (
        "kubeflow-training-operator-v1/examples/pytorch_simple.yaml",
        "kubeflow-training-operator-v1/crds/kubeflow.org_pytorchjobs.yaml",
        "v1",
    ),
    (
        "kubeflow-training-operator-v1/examples/pytorch_mnist_v1_pytorch_job_mnist_nccl.yaml",
        "kubeflow-training-operator-v1/crds/kubeflow.org_pytorchjobs.yaml",
        "v1",
    ),
    (
        "kubeflow-training-operator-v1/examples/tensorflow_dist-mnist_tf_job_mnist.yaml",
        "kubeflow-training-operator-v1/crds/kubeflow.org_tfjobs.yaml",
        "v1",
    ),
    (
        "kubeflow-training-operator-v1/examples/xgboost_xgboostjob.yaml",
        "kubeflow-training-operator-v1/crds/kubeflow.org_xgboostjobs.yaml",
        "v1",
    ),
    (
        "kubeflow-training-operator-v1/examples/jax_cpu-demo_demo.yaml",
        "kubeflow-training-operator-v1/crds/kubeflow.org_jaxjobs.yaml",
        "v1",
    ),
    (
        "kubeflow-mpi-operator/examples/pi.yaml",
        "kubeflow-mpi-operator/crds/kubeflow.org_mpijobs.yaml",
        "v2beta1",
    ),
    (
        "kubeflow-trainer-v2/examples/01-multi-node.yaml",
        "kubeflow-trainer-v2/crds/trainer.kubeflow.org_trainjobs.yaml",
        "v1alpha1",
    ),
    (
        "kubeflow-trainer-v2/examples/runtime_torch_distributed.yaml",
        "kubeflow-trainer-v2/crds/trainer.kubeflow.org_clustertrainingruntimes.yaml",
        "v1alpha1",
    ),
    (
        "examples/karmada-propagationpolicy-and-resourcebinding-rayjob.yaml",
        "karmada/crds/policy.karmada.io_propagationpolicies.yaml",
        "v1alpha1",
    ),
    (
        "examples/karmada-propagationpolicy-and-resourcebinding-rayjob.yaml",
        "karmada/crds/work.karmada.io_resourcebindings.yaml",
        "v1alpha2",
    ),
]


def _objects(path: Path, kind: str) -> list[dict[str, Any]]:
    with path.open() as fh:
        return [d for d in yaml.safe_load_all(fh) if d and d.get("kind") == kind]


def _rayjob_schema() -> ResourceSchema:
    return ResourceSchema.from_crd(REF / "kuberay/crds/ray.io_rayjobs.yaml", "v1")


def _rayjob_sample() -> dict[str, Any]:
    return _objects(REF / "kuberay/samples/ray-job.sample.yaml", "RayJob")[0]


@pytest.mark.parametrize(("example", "crd", "version"), EXAMPLES)
def test_upstream_examples_validate_without_unknown_fields(
    example: str, crd: str, version: str
) -> None:
    schema = ResourceSchema.from_crd(REF / crd, version)
    objects = _objects(REF / example, schema.kind)
    assert objects, f"no {schema.kind} in {example}"
    for obj in objects:
        assert schema.unknown_fields(schema.apply_defaults(obj)) == []
        assert schema.validate(obj) == []


def test_cluster_example_validates_against_derived_json_schema() -> None:
    schema = ResourceSchema.from_json_schema(
        REF / "karmada/openapi/cluster.karmada.io_v1alpha1_Cluster.schema.json"
    )
    assert (schema.group, schema.version, schema.kind) == (
        "cluster.karmada.io",
        "v1alpha1",
        "Cluster",
    )
    for obj in _objects(REF / "examples/karmada-cluster-with-status.yaml", "Cluster"):
        assert schema.unknown_fields(obj) == []
        assert schema.validate(obj) == []
    broken = _objects(REF / "examples/karmada-cluster-with-status.yaml", "Cluster")[0]
    broken["spec"]["syncMode"] = 3
    assert [e.field for e in schema.validate(broken)] == ["spec.syncMode"]


def test_defaults_applied_before_required_raycluster_worker_replicas() -> None:
    # k8s-reference caveat 2: minReplicas/maxReplicas are required but defaulted.
    schema = ResourceSchema.from_crd(REF / "kuberay/crds/ray.io_rayclusters.yaml", "v1")
    obj = _objects(REF / "kuberay/samples/ray-cluster.sample.yaml", "RayCluster")[0]
    for group in obj["spec"]["workerGroupSpecs"]:
        group.pop("minReplicas", None)
        group.pop("maxReplicas", None)
    defaulted = schema.apply_defaults(obj)
    assert defaulted["spec"]["workerGroupSpecs"][0]["minReplicas"] == 0
    assert defaulted["spec"]["workerGroupSpecs"][0]["maxReplicas"] == 2147483647
    assert "minReplicas" not in obj["spec"]["workerGroupSpecs"][0], "input must not change"
    assert schema.validate(obj) == []
    del obj["spec"]["workerGroupSpecs"][0]["groupName"]
    assert schema.validate(obj) == [
        FieldError("spec.workerGroupSpecs[0].groupName", "Required value")
    ]


def test_defaults_only_where_parent_exists() -> None:
    schema = _rayjob_schema()
    out = schema.apply_defaults({"apiVersion": "ray.io/v1", "kind": "RayJob", "spec": {}})
    assert out["spec"]["backoffLimit"] == 0  # `default: 0` in the CRD
    assert "rayClusterSpec" not in out["spec"]


def test_unknown_fields_are_reported_and_pruned() -> None:
    schema = _rayjob_schema()
    obj = _rayjob_sample()
    obj["spec"]["entrypont"] = "typo"
    obj["metadata"]["bogus"] = 1
    head = obj["spec"]["rayClusterSpec"]["headGroupSpec"]["template"]["spec"]
    head["containers"][0]["imagePullPolicyy"] = "Always"
    unknown = schema.unknown_fields(schema.apply_defaults(obj))
    assert sorted(unknown) == sorted(
        [
            "metadata.bogus",
            "spec.entrypont",
            "spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].imagePullPolicyy",
        ]
    )
    pruned = schema.prune(obj)
    assert "entrypont" not in pruned["spec"]
    assert "bogus" not in pruned["metadata"]
    assert pruned["spec"]["entrypoint"] == obj["spec"]["entrypoint"]
    # Maps (additionalProperties) and rayStartParams keep their arbitrary keys.
    assert (
        pruned["spec"]["rayClusterSpec"]["headGroupSpec"]["rayStartParams"]
        == (obj["spec"]["rayClusterSpec"]["headGroupSpec"]["rayStartParams"])
    )


def test_preserve_unknown_fields_subtree_keeps_everything() -> None:
    schema = ResourceSchema.from_crd(REF / "karmada/crds/work.karmada.io_works.yaml", "v1alpha1")
    manifest = {"apiVersion": "v1", "kind": "ConfigMap", "anything": {"goes": [1, 2]}}
    work = {
        "apiVersion": "work.karmada.io/v1alpha1",
        "kind": "Work",
        "metadata": {"name": "w", "namespace": "karmada-es-member1"},
        "spec": {"workload": {"manifests": [manifest]}},
    }
    assert schema.unknown_fields(work) == []
    assert schema.prune(work)["spec"]["workload"]["manifests"][0] == manifest


def test_broken_rayjob_reports_causes_with_k8s_paths() -> None:
    schema = _rayjob_schema()
    obj = _rayjob_sample()
    obj["spec"]["shutdownAfterJobFinishes"] = "yes"
    obj["spec"]["rayClusterSpec"]["headGroupSpec"]["template"]["spec"]["containers"][0].pop("name")
    errors = schema.validate(obj)
    fields = sorted(e.field for e in errors)
    assert fields == [
        "spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].name",
        "spec.shutdownAfterJobFinishes",
    ]
    by_field = {e.field: e.message for e in errors}
    assert by_field["spec.shutdownAfterJobFinishes"].startswith('Invalid value: "string"')
    assert "must be of type boolean" in by_field["spec.shutdownAfterJobFinishes"]


def test_enum_and_minimum_messages() -> None:
    schema = _rayjob_schema()
    obj = _rayjob_sample()
    obj["spec"]["preRunningDeadlineSeconds"] = 0
    by_field = {e.field: e.message for e in schema.validate(obj)}
    assert "greater than or equal to 1" in by_field["spec.preRunningDeadlineSeconds"]
    policy_schema = ResourceSchema.from_crd(
        REF / "karmada/crds/policy.karmada.io_propagationpolicies.yaml", "v1alpha1"
    )
    policy = _objects(
        REF / "examples/karmada-propagationpolicy-and-resourcebinding-rayjob.yaml",
        "PropagationPolicy",
    )[0]
    policy["spec"]["placement"]["replicaScheduling"] = {"replicaSchedulingType": "Bogus"}
    errors = policy_schema.validate(policy)
    assert [e.field for e in errors] == ["spec.placement.replicaScheduling.replicaSchedulingType"]
    assert errors[0].message.startswith('Unsupported value: "Bogus": supported values: ')


def test_int_or_string_accepts_both_and_rejects_others() -> None:
    schema = ResourceSchema.from_crd(
        REF / "kubeflow-training-operator-v1/crds/kubeflow.org_pytorchjobs.yaml", "v1"
    )
    obj = _objects(
        REF / "kubeflow-training-operator-v1/examples/pytorch_simple.yaml", "PyTorchJob"
    )[0]
    container = obj["spec"]["pytorchReplicaSpecs"]["Master"]["template"]["spec"]["containers"][0]
    for value in ("2", 2):
        container["resources"] = {"limits": {"cpu": value}}
        assert schema.validate(obj) == []
    container["resources"] = {"limits": {"cpu": [2]}}
    # Paths are dotted through map keys, as kube-openapi's validator prints them.
    assert [e.field for e in schema.validate(obj)] == [
        "spec.pytorchReplicaSpecs.Master.template.spec.containers[0].resources.limits.cpu"
    ]


def test_rayjob_name_rule_from_kuberay() -> None:
    schema = _rayjob_schema()
    obj = _rayjob_sample()
    obj["metadata"]["name"] = "a" * 47
    assert schema.validate(obj) == []
    obj["metadata"]["name"] = "a" * 48
    assert [e.field for e in schema.validate(obj)] == ["metadata.name"]
    obj["metadata"]["name"] = "1abc"  # valid DNS-1123, not DNS-1035
    assert [e.field for e in schema.validate(obj)] == ["metadata.name"]


def test_builtin_job_validates_and_reports() -> None:
    schema = ResourceSchema.from_builtin(
        BUILTIN / "apis__batch__v1_openapi.json", "io.k8s.api.batch.v1.Job"
    )
    assert (schema.group, schema.version, schema.kind) == ("batch", "v1", "Job")
    job: dict[str, Any] = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "train", "labels": {"a": "b"}},
        "spec": {
            "backoffLimit": 2,
            "template": {
                "metadata": {"labels": {"job": "x"}},
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [
                        {
                            "name": "main",
                            "image": "busybox",
                            "env": [{"name": "A", "value": "1"}],
                            "resources": {"limits": {"cpu": "1", "memory": "1Gi"}},
                        }
                    ],
                },
            },
        },
    }
    assert schema.unknown_fields(job) == []
    assert schema.validate(job) == []
    broken = copy.deepcopy(job)
    broken["spec"]["backoffLimit"] = "two"
    del broken["spec"]["template"]["spec"]["containers"][0]["env"][0]["name"]
    broken["spec"]["template"]["spec"]["containers"][0]["imagee"] = "x"
    # Built-in defaults are Go code: the OpenAPI `default: ""` on EnvVar.name must not hide it.
    assert sorted(e.field for e in schema.validate(broken)) == [
        "spec.backoffLimit",
        "spec.template.spec.containers[0].env[0].name",
    ]
    assert schema.unknown_fields(broken) == ["spec.template.spec.containers[0].imagee"]


def test_builtin_service_name_must_be_dns1035() -> None:
    schema = ResourceSchema.from_builtin(
        BUILTIN / "api__v1_openapi.json", "io.k8s.api.core.v1.Service"
    )
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "1svc"}, "spec": {}}
    assert [e.field for e in schema.validate(svc)] == ["metadata.name"]
    svc["metadata"]["name"] = "svc-1"
    assert schema.validate(svc) == []


def test_label_keys_and_values_are_validated_like_the_api_server() -> None:
    schema = _rayjob_schema()
    obj = _rayjob_sample()
    obj["metadata"]["labels"] = {
        "ml-platform.io/job-id": "a" * 63,
        "app.kubernetes.io/managed-by": "ml-platform",
        "empty": "",
    }
    assert schema.validate(obj) == []
    # A job id of a 63-character jobName plus "-<8 hex>" is too long for a label value.
    obj["metadata"]["labels"]["ml-platform.io/job-id"] = "a" * 63 + "-0123abcd"
    errors = schema.validate(obj)
    assert [e.field for e in errors] == ["metadata.labels"]
    assert "must be no more than 63 characters" in errors[0].message
    obj["metadata"]["labels"] = {"Bad_Prefix/x": "v", "ok": "-bad"}
    fields = [e.field for e in schema.validate(obj)]
    assert fields == ["metadata.labels", "metadata.labels"]


def test_job_pod_template_labels_are_validated() -> None:
    schema = ResourceSchema.from_builtin(
        BUILTIN / "apis__batch__v1_openapi.json", "io.k8s.api.batch.v1.Job"
    )
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "j"},
        "spec": {
            "template": {
                "metadata": {"labels": {"ml-platform.io/job-id": "x" * 70}},
                "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "i"}]},
            }
        },
    }
    assert [e.field for e in schema.validate(job)] == ["spec.template.metadata.labels"]


def test_admit_update_rechecks_only_changed_fields_and_matches_full_admission() -> None:
    schema = _rayjob_schema()
    sample = _rayjob_sample()
    stored = schema.prune(schema.apply_defaults(sample))
    assert schema.validate_prepared(stored) == []
    # A status change: spec is reused as stored, status is defaulted/pruned/validated.
    update = {**stored, "status": {"jobStatus": "RUNNING", "bogus": 1}}
    result = schema.admit_update(update, stored)
    assert result is not None
    prepared, errors, unknown = result
    assert errors == []
    assert unknown == ["status.bogus"]
    assert prepared["spec"] is stored["spec"]
    assert prepared == schema.prune(schema.apply_defaults(update))
    # A broken spec change is reported with its full path, as the full validation does.
    broken = {**stored, "spec": {**stored["spec"], "shutdownAfterJobFinishes": "yes"}}
    result = schema.admit_update(broken, stored)
    assert result is not None
    assert result[1] == schema.validate(broken)
    # Built-in schemas (references) fall back to the full path.
    job = ResourceSchema.from_builtin(
        BUILTIN / "apis__batch__v1_openapi.json", "io.k8s.api.batch.v1.Job"
    )
    assert job.admit_update({"spec": {}}, {"spec": {"x": 1}}) is None
