"""Controller-built statuses skip admission only where admission would not change them.

The simulator's own status writes (`ObjectStore.write_status`: the binding's
aggregatedStatus, each template's aggregated status) are admitted in full only until their
shape has once come out of admission unchanged. That is faithful only if admission never
changes a later write of a trusted shape. Here every such write runs the full admission
(`verify_status_writes`) while each workload kind runs to success and to failure, and no
write of a trusted shape may differ from what admission makes of it.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml

from karmada_sim.config import MemberConfig, SimulatorConfig, TimingConfig
from karmada_sim.karmada.interpreter import reference_dir
from karmada_sim.members.scenario import SCENARIO_ANNOTATION
from karmada_sim.runtime import EmbeddedSimulator, Simulator
from tests.support.eventually import eventually

pytestmark = pytest.mark.simulator

EXAMPLES = {
    "RayJob": ("kuberay/samples/ray-job.sample.yaml", "ray.io/v1"),
    "PyTorchJob": ("kubeflow-training-operator-v1/examples/pytorch_simple.yaml",
                   "kubeflow.org/v1"),
    "TFJob": ("kubeflow-training-operator-v1/examples/tensorflow_dist-mnist_tf_job_mnist.yaml",
              "kubeflow.org/v1"),
    "JAXJob": ("kubeflow-training-operator-v1/examples/jax_cpu-demo_demo.yaml",
               "kubeflow.org/v1"),
    "XGBoostJob": ("kubeflow-training-operator-v1/examples/xgboost_xgboostjob.yaml",
                   "kubeflow.org/v1"),
    "MPIJob": ("kubeflow-mpi-operator/examples/pi.yaml", "kubeflow.org/v2beta1"),
}


def template(kind: str, name: str, namespace: str, outcome: str) -> dict[str, Any]:
    annotations = {SCENARIO_ANNOTATION: json.dumps({"outcome": outcome, "runSeconds": 0.2})}
    if kind == "Job":
        return {
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": name, "namespace": namespace, "annotations": annotations},
            "spec": {"backoffLimit": 0, "template": {"spec": {
                "restartPolicy": "Never",
                "containers": [{"name": "main", "image": "busybox",
                                "resources": {"requests": {"cpu": "500m"}}}]}}},
        }
    path, _ = EXAMPLES[kind]
    doc = next(d for d in yaml.safe_load_all((reference_dir() / path).read_text())
               if d and d.get("kind") == kind)
    doc = copy.deepcopy(doc)
    doc["metadata"] = {"name": name, "namespace": namespace, "annotations": annotations}
    return dict(doc)


def policy(kind: str, api_version: str, name: str, namespace: str) -> dict[str, Any]:
    return {
        "apiVersion": "policy.karmada.io/v1alpha1", "kind": "PropagationPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "resourceSelectors": [{"apiVersion": api_version, "kind": kind, "name": name}],
            "placement": {"clusterAffinity": {"clusterNames": ["member1"]}},
        },
    }


@pytest.fixture
def verifying_sim(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("KARMADA_SIM_VERIFY_STATUS", "1")
    config = SimulatorConfig(
        members=[MemberConfig(name="member1", region="us-east-1", zones=["us-east-1a"])],
        timing=TimingConfig(initializing_seconds=0.1, running_seconds=0.3,
                            log_line_interval_seconds=0.1, status_sync_seconds=0.05),
    )
    sim = EmbeddedSimulator(config)
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()


async def test_every_controller_status_write_is_an_admission_fixed_point(
    verifying_sim: EmbeddedSimulator,
) -> None:
    kinds = {"Job": "batch/v1", **{k: v for k, (_, v) in EXAMPLES.items()}}
    names: list[tuple[str, str, str]] = []

    def create_all(sim: Simulator) -> None:
        store = sim.store
        assert store.verify_status_writes
        store.create(store.resource("v1", "Namespace"), {"metadata": {"name": "verify"}})
        for kind, api_version in kinds.items():
            for outcome in ("Succeeded", "Failed"):
                name = f"{kind.lower()}-{outcome.lower()}"
                store.create(store.resource(api_version, kind),
                             template(kind, name, "verify", outcome))
                store.create(store.resource("policy.karmada.io/v1alpha1", "PropagationPolicy"),
                             policy(kind, api_version, name, "verify"))
                names.append((api_version, kind, name))

    verifying_sim.call(create_all)

    def pending(sim: Simulator) -> list[str]:
        # Until every member copy has ended, as its binding reflects it.
        store = sim.store
        rb_rt = store.resource("work.karmada.io/v1alpha2", "ResourceBinding")
        waiting = []
        for _, kind, name in names:
            binding = store.get(rb_rt, "verify", f"{name}-{kind.lower()}") or {}
            reflected = json.dumps((binding.get("status") or {}).get("aggregatedStatus"))
            if not any(w in reflected for w in ("Succeeded", "Failed", "Complete", "FAILED",
                                                "SUCCEEDED")):
                waiting.append(f"{kind}/{name}")
        return waiting

    await eventually(lambda: not verifying_sim.call(pending), timeout=30,
                     what="every job ended and aggregated")

    def outcome(sim: Simulator) -> tuple[list[str], dict[str, Any]]:
        rt = sim.store.resource("ray.io/v1", "RayJob")
        ray = sim.store.get(rt, "verify", "rayjob-succeeded") or {}
        return list(sim.store.status_write_violations), ray.get("status") or {}

    violations, ray_status = verifying_sim.call(outcome)
    assert violations == []
    assert ray_status.get("jobStatus") == "SUCCEEDED"  # template statuses were written


def test_a_status_admission_would_change_is_admitted_every_time() -> None:
    """A shape admission prunes (a TFJob condition's lastProbeTime, in the real
    aggregation) is never trusted: each write is pruned as the API server would."""
    sim = EmbeddedSimulator(SimulatorConfig(), install=False)
    sim.start()
    try:
        def run(s: Simulator) -> list[Any]:
            store = s.store
            store.create(store.resource("v1", "Namespace"), {"metadata": {"name": "shape"}})
            rt = store.resource("ray.io/v1", "RayJob")
            store.create(rt, template("RayJob", "r", "shape", "Succeeded"))
            seen = []
            for value in ("RUNNING", "SUCCEEDED"):
                store.write_status(rt, "shape", "r", {"jobStatus": value, "notInSchema": 1})
                seen.append((store.get(rt, "shape", "r") or {}).get("status"))
            # An unchanged status is no write at all, also when only admission makes it so.
            same = {"jobStatus": "SUCCEEDED", "failed": 0, "succeeded": 0}
            seen.append(store.write_status(rt, "shape", "r", same))
            seen.append(store.write_status(rt, "shape", "r", {"jobStatus": "SUCCEEDED",
                                                               "notInSchema": 2}))
            return seen
        # Pruned, and defaulted (the CRD defaults failed and succeeded to 0).
        assert sim.call(run) == [{"jobStatus": "RUNNING", "failed": 0, "succeeded": 0},
                                 {"jobStatus": "SUCCEEDED", "failed": 0, "succeeded": 0},
                                 False, False]
    finally:
        sim.stop()


def test_a_shape_tells_keys_nesting_and_value_types_apart() -> None:
    from karmada_sim.store import _shape

    shapes = {_shape(v) for v in (
        {"a": 1}, {"a": 1.0}, {"a": True}, {"a": "1"}, {"a": None}, {"b": 1}, {"a": [1]},
        {"a": {"b": 1}}, {"a": [1, 1]}, {"a": []}, {"a": {}},
    )}
    assert len(shapes) == 11
    assert _shape({"a": [{"b": "x"}]}) == _shape({"a": [{"b": "y"}]})  # values do not count
