"""Member workload lifecycles as pure state machines, and what each operator renders."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from karmada_sim.karmada.interpreter import reference_dir
from karmada_sim.members.kinds import MODELS, KubeflowModel, RayJobModel
from karmada_sim.members.lifecycle import Phase, Run, RunPolicy, Timing, advance
from karmada_sim.members.scenario import Scenario, ScenarioBook
from karmada_sim.openapi_schema import ResourceSchema

TIMING = Timing(initializing_seconds=1.0, running_seconds=2.0)


def iso(t: float) -> str:
    return f"2026-01-01T00:00:{int(t):02d}Z"


def drive(run: Run, policy: RunPolicy, scenario: Scenario, until: float, fits: bool = True
          ) -> list[Phase]:
    """Step the state machine at every wake-up up to ``until``; the phases seen."""
    seen = [run.phase]
    now = run.created_at
    while True:
        wake = advance(run, policy, scenario, TIMING, now, fits)
        if run.phase != seen[-1]:
            seen.append(run.phase)
        if wake is None or wake > until:
            return seen
        now = wake


def test_success_goes_pending_starting_running_succeeded() -> None:
    run = Run(created_at=0.0)
    assert drive(run, RunPolicy(), Scenario(), 100) == [
        Phase.PENDING, Phase.STARTING, Phase.RUNNING, Phase.SUCCEEDED]
    assert run.running_at == 1.0
    assert run.finished_at == 3.0


def test_scenario_run_seconds_and_failure() -> None:
    run = Run(created_at=0.0)
    drive(run, RunPolicy(), Scenario(run_seconds=5, outcome="Failed"), 100)
    assert run.phase == Phase.FAILED
    assert run.finished_at == 6.0
    assert run.failed_attempts == 1


def test_backoff_limit_retries_before_failing() -> None:
    run = Run(created_at=0.0)
    drive(run, RunPolicy(backoff_limit=2), Scenario(outcome="Failed"), 100)
    assert run.phase == Phase.FAILED
    assert run.attempt == 2
    assert run.failed_attempts == 3


def test_no_room_stays_pending_and_stuck_pending_never_starts() -> None:
    run = Run(created_at=0.0)
    assert drive(run, RunPolicy(), Scenario(), 100, fits=False) == [Phase.PENDING]
    run = Run(created_at=0.0)
    assert drive(run, RunPolicy(), Scenario(stuck_pending=True), 100) == [Phase.PENDING]


def test_image_pull_backoff_stays_starting() -> None:
    run = Run(created_at=0.0)
    assert drive(run, RunPolicy(), Scenario(image_pull_backoff=True), 100) == [
        Phase.PENDING, Phase.STARTING]


def test_active_deadline_fails_a_running_job() -> None:
    run = Run(created_at=0.0)
    drive(run, RunPolicy(active_deadline_seconds=2.5), Scenario(run_seconds=60), 100)
    assert run.phase == Phase.FAILED
    assert run.deadline_exceeded
    assert run.finished_at == 2.5


def test_suspend_then_resume() -> None:
    run = Run(created_at=0.0)
    advance(run, RunPolicy(), Scenario(), TIMING, 1.5, True)
    assert run.phase == Phase.STARTING
    wake = advance(run, RunPolicy(suspend=True), Scenario(), TIMING, 2.0, True)
    assert run.phase == Phase.SUSPENDED and not run.suspend_complete
    assert wake is not None
    advance(run, RunPolicy(suspend=True), Scenario(), TIMING, wake, True)
    assert run.suspend_complete
    advance(run, RunPolicy(), Scenario(), TIMING, 10.0, True)
    assert run.phase == Phase.STARTING
    assert run.start_time == 10.0


def test_ttl_after_finished_cleans_up() -> None:
    run = Run(created_at=0.0)
    drive(run, RunPolicy(ttl_seconds_after_finished=5), Scenario(), 100)
    assert run.cleaned_up


def _rayjob() -> dict[str, Any]:
    doc = next(d for d in yaml.safe_load_all(
        (reference_dir() / "kuberay" / "samples" / "ray-job.sample.yaml").read_text())
        if d and d["kind"] == "RayJob")
    doc["metadata"].update(namespace="default", uid="u-1", generation=1)
    return dict(doc)


@pytest.fixture(scope="module")
def rayjob_schema() -> ResourceSchema:
    return ResourceSchema.from_crd(reference_dir() / "kuberay" / "crds" / "ray.io_rayjobs.yaml",
                                   "v1")


def _rayjob_states() -> list[tuple[str, Run, Scenario, dict[str, Any]]]:
    obj = _rayjob()
    states = []
    for label, scenario, until, policy in (
        ("initializing", Scenario(), 0.5, RunPolicy()),
        ("running", Scenario(), 2.0, RunPolicy()),
        ("complete", Scenario(), 100, RunPolicy()),
        ("failed", Scenario(outcome="Failed"), 100, RunPolicy()),
        ("deadline", Scenario(run_seconds=60), 100, RunPolicy(active_deadline_seconds=3)),
        ("retrying", Scenario(outcome="Failed"), 3.0, RunPolicy(backoff_limit=3)),
    ):
        run = Run(created_at=0.0)
        now = 0.0
        while True:
            wake = advance(run, policy, scenario, TIMING, now, True)
            if wake is None or wake > until:
                break
            now = wake
        advance(run, policy, scenario, TIMING, until, True)
        states.append((label, run, scenario, obj))
    suspended = Run(created_at=0.0)
    advance(suspended, RunPolicy(suspend=True), Scenario(), TIMING, 0.0, True)
    advance(suspended, RunPolicy(suspend=True), Scenario(), TIMING, 1.0, True)
    states.append(("suspended", suspended, Scenario(), obj))
    return states


@pytest.mark.parametrize("label,run,scenario,obj", _rayjob_states(),
                         ids=[s[0] for s in _rayjob_states()])
def test_rayjob_status_validates_against_the_crd(
    label: str, run: Run, scenario: Scenario, obj: dict[str, Any], rayjob_schema: ResourceSchema
) -> None:
    status = RayJobModel().status(obj, run, scenario, iso)
    full = {**obj, "status": status}
    assert rayjob_schema.validate(rayjob_schema.apply_defaults(full)) == []
    assert rayjob_schema.unknown_fields(full) == []
    expected = {"initializing": "Initializing", "running": "Running", "complete": "Complete",
                "failed": "Failed", "deadline": "Failed", "retrying": "Initializing",
                "suspended": "Suspended"}[label]
    assert status["jobDeploymentStatus"] == expected


def test_rayjob_failure_reasons() -> None:
    obj = _rayjob()
    run = Run(created_at=0.0)
    drive(run, RunPolicy(), Scenario(outcome="Failed"), 100)
    status = RayJobModel().status(obj, run, Scenario(outcome="Failed"), iso)
    assert (status["jobStatus"], status["reason"]) == ("FAILED", "AppFailed")
    run = Run(created_at=0.0)
    drive(run, RunPolicy(active_deadline_seconds=2), Scenario(run_seconds=60), 100)
    status = RayJobModel().status(obj, run, Scenario(), iso)
    assert status["reason"] == "DeadlineExceeded"
    assert "activeDeadlineSeconds" in status["message"]


def test_rayjob_pods_carry_template_and_operator_labels_not_job_labels() -> None:
    obj = _rayjob()
    obj["metadata"]["labels"] = {"app.kubernetes.io/managed-by": "ml-platform"}
    obj["spec"]["rayClusterSpec"]["headGroupSpec"]["template"].setdefault(
        "metadata", {})["labels"] = {"team": "ml"}
    plans = RayJobModel().pods(obj, Run(created_at=0.0))
    roles = [p.role for p in plans]
    assert roles[0] == "head" and "worker" in roles and roles[-1] == "submitter"
    head = plans[0]
    assert head.labels["team"] == "ml"
    assert head.labels["ray.io/node-type"] == "head"
    assert head.labels["ray.io/cluster"] == RayJobModel.cluster_name(obj, Run(created_at=0.0))
    assert all("app.kubernetes.io/managed-by" not in p.labels for p in plans)
    assert plans[-1].labels["batch.kubernetes.io/job-name"] == "rayjob-sample"


def _pytorchjob() -> dict[str, Any]:
    doc = yaml.safe_load((reference_dir() / "kubeflow-training-operator-v1" / "examples" /
                          "pytorch_simple.yaml").read_text())
    doc["metadata"].update(namespace="default", uid="u-2")
    return dict(doc)


def test_pytorchjob_conditions_and_pods() -> None:
    obj = _pytorchjob()
    model = MODELS[("kubeflow.org/v1", "PyTorchJob")]
    assert isinstance(model, KubeflowModel)
    run = Run(created_at=0.0)
    drive(run, model.policy(obj), Scenario(), 100)
    status = model.status(obj, run, Scenario(), iso)
    kinds = [(c["type"], c["status"], c["reason"]) for c in status["conditions"]]
    assert kinds == [("Created", "True", "PyTorchJobCreated"),
                     ("Running", "False", "PyTorchJobRunning"),
                     ("Succeeded", "True", "PyTorchJobSucceeded")]
    assert status["replicaStatuses"]["Master"]["succeeded"] == 1
    pods = model.pods(obj, run)
    master = next(p for p in pods if p.role == "master")
    assert master.name == f"{obj['metadata']['name']}-master-0"
    assert master.labels["training.kubeflow.org/replica-type"] == "master"
    assert master.labels["training.kubeflow.org/replica-index"] == "0"
    assert master.labels["training.kubeflow.org/job-name"] == obj["metadata"]["name"]


def test_batch_job_conditions_follow_kubernetes_131() -> None:
    model = MODELS[("batch/v1", "Job")]
    obj = {"apiVersion": "batch/v1", "kind": "Job",
           "metadata": {"name": "j", "namespace": "default", "uid": "u-3"},
           "spec": {"backoffLimit": 0, "completions": 2, "parallelism": 2,
                    "completionMode": "Indexed",
                    "template": {"spec": {"containers": [{"name": "c", "image": "busybox"}]}}}}
    run = Run(created_at=0.0)
    drive(run, model.policy(obj), Scenario(), 100)
    ok = model.status(obj, run, Scenario(), iso)
    assert [c["type"] for c in ok["conditions"]] == ["SuccessCriteriaMet", "Complete"]
    assert (ok["succeeded"], ok["active"], ok["completedIndexes"]) == (2, 0, "0-1")
    run = Run(created_at=0.0)
    drive(run, model.policy(obj), Scenario(outcome="Failed"), 100)
    bad = model.status(obj, run, Scenario(outcome="Failed"), iso)
    assert [(c["type"], c["reason"]) for c in bad["conditions"]] == [
        ("FailureTarget", "BackoffLimitExceeded"), ("Failed", "BackoffLimitExceeded")]
    pods = model.pods(obj, run)
    assert pods[1].labels["batch.kubernetes.io/job-completion-index"] == "1"
    assert pods[0].labels["job-name"] == "j"


def test_scenario_annotation_beats_rules() -> None:
    book = ScenarioBook()
    book.add({"match": {"nameContains": "train"}, "scenario": {"outcome": "Failed"}})
    assert book.for_object({"metadata": {"name": "my-train-1"}}).outcome == "Failed"
    annotated = {"metadata": {"name": "my-train-2", "annotations": {
        "simulator.ml-platform.io/scenario": '{"runSeconds": 7}'}}}
    assert book.for_object(annotated) == Scenario(run_seconds=7)
    assert book.for_object({"metadata": {"name": "other"}}) == Scenario()
    with pytest.raises(ValueError):
        book.add({"match": {"nameContains": "x"}, "scenario": {"outcome": "Maybe"}})


KUBEFLOW_SAMPLES = [
    ("kubeflow.org/v1", "PyTorchJob",
     "kubeflow-training-operator-v1/crds/kubeflow.org_pytorchjobs.yaml",
     "kubeflow-training-operator-v1/examples/pytorch_simple.yaml", "v1"),
    ("kubeflow.org/v1", "TFJob", "kubeflow-training-operator-v1/crds/kubeflow.org_tfjobs.yaml",
     "kubeflow-training-operator-v1/examples/tensorflow_dist-mnist_tf_job_mnist.yaml", "v1"),
    ("kubeflow.org/v1", "JAXJob", "kubeflow-training-operator-v1/crds/kubeflow.org_jaxjobs.yaml",
     "kubeflow-training-operator-v1/examples/jax_cpu-demo_demo.yaml", "v1"),
    ("kubeflow.org/v2beta1", "MPIJob", "kubeflow-mpi-operator/crds/kubeflow.org_mpijobs.yaml",
     "kubeflow-mpi-operator/examples/pi.yaml", "v2beta1"),
]


@pytest.mark.parametrize("api_version,kind,crd,sample,version", KUBEFLOW_SAMPLES,
                         ids=[s[1] for s in KUBEFLOW_SAMPLES])
def test_kubeflow_statuses_validate_against_their_crds(
    api_version: str, kind: str, crd: str, sample: str, version: str
) -> None:
    schema = ResourceSchema.from_crd(reference_dir() / crd, version)
    obj = yaml.safe_load((reference_dir() / sample).read_text())
    obj["metadata"].update(namespace="default", uid="u")
    model = MODELS[(api_version, kind)]
    for scenario, until, policy in (
        (Scenario(), 1.5, RunPolicy()), (Scenario(), 100, RunPolicy()),
        (Scenario(outcome="Failed"), 100, RunPolicy()),
        (Scenario(run_seconds=60), 100, RunPolicy(active_deadline_seconds=2)),
        (Scenario(), 5, RunPolicy(suspend=True)),
    ):
        run = Run(created_at=0.0)
        drive(run, policy, scenario, until)
        advance(run, policy, scenario, TIMING, until, True)
        status = model.status(obj, run, scenario, iso)
        full = {**obj, "status": status}
        assert schema.validate(schema.apply_defaults(full)) == [], (kind, run.phase)
        assert [p for p in schema.unknown_fields(full) if p.startswith("status")] == []
        assert status["conditions"][0]["type"] == "Created"
