"""What each builder puts where: the documented mapping of a request onto each kind."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from app.workloads import WorkloadSettings
from app.workloads.common import quantity_cpu, quantity_memory
from app.workloads.rayjob import runtime_env_yaml
from tests.workloads.helpers import containers, manifests_for, pod_templates, request_of

CHANNELS = [
    {
        "channelName": "train",
        "endpoint": "http://minio:9000",
        "bucket": "datasets",
        "prefix": "iris/train.csv",
    },
    {
        "channelName": "validation",
        "endpoint": "http://minio:9000",
        "bucket": "datasets",
        "prefix": "iris/val.csv",
    },
    {"channelName": "extra.features-v2", "endpoint": "https://s3", "bucket": "f", "prefix": "p"},
]


def env_of(container: dict[str, Any]) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container["env"] if "value" in e}


def many(count: int = 3, gpus: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "resources": {
            "instanceResources": {"cpuCores": 4, "memoryGiB": 16, "gpuCount": gpus},
            "instanceCount": count,
        },
        **extra,
    }


# --- shared -------------------------------------------------------------------------------


@pytest.mark.parametrize(("cores", "text"), [(4, "4"), (4.0, "4"), (0.5, "500m"), (1.25, "1250m")])
def test_cpu_quantity(cores: float, text: str) -> None:
    assert quantity_cpu(cores) == text


@pytest.mark.parametrize(("gib", "text"), [(16, "16Gi"), (0.5, "512Mi"), (61.5, "62976Mi")])
def test_memory_quantity(gib: float, text: str) -> None:
    assert quantity_memory(gib) == text


def test_env_mapping_channels_output_hyperparameters_custom() -> None:
    request = request_of(
        "xgboost",
        inputDataConfig=CHANNELS,
        outputDataConfig={"artifactUri": "s3://out/"},
        hyperparameters={
            "xgboost": {
                "num_round": 300,
                "eta": 0.3,
                "early_stopping_rounds": None,
                "eval_metric": ["rmse", "mae"],
            }
        },
        customHyperparameters={"my-flag": True, "alpha_ratio": 0.5},
    )
    head = containers(manifests_for(request).workload)[1]
    env = env_of(head)
    assert list(env)[:2] == ["RUN_NAME", "JOB_ID"]
    assert env["RUN_NAME"] == "train-model"
    assert (env["S3_ENDPOINT"], env["S3_BUCKET"], env["S3_TRAIN_KEY"], env["S3_VAL_KEY"]) == (
        "http://minio:9000",
        "datasets",
        "iris/train.csv",
        "iris/val.csv",
    )
    assert env["CHANNEL_EXTRA_FEATURES_V2_BUCKET"] == "f"
    assert env["CHANNEL_VALIDATION_PREFIX"] == "iris/val.csv"
    assert env["ARTIFACT_URI"] == env["OUTPUT_URI"] == "s3://out/"
    assert env["NUM_BOOST_ROUND"] == "300"
    assert env["ETA"] == "0.3"
    assert env["EVAL_METRIC"] == "rmse,mae"
    assert "EARLY_STOPPING_ROUNDS" not in env
    assert env["MY_FLAG"] == "true"
    assert env["ALPHA_RATIO"] == "0.5"
    assert "DATA_DIR" not in env


def test_job_id_label_is_shortened_but_annotation_is_full() -> None:
    long_id = "x" * 63 + "-0a1b2c3d"
    workload = manifests_for(request_of("pytorch", jobName="x" * 63), job_id=long_id).workload
    template = next(pod_templates(workload))
    assert len(template["metadata"]["labels"]["ml-platform.io/job-id"]) == 63
    assert template["metadata"]["annotations"]["ml-platform.io/job-id"] == long_id


@pytest.mark.parametrize(
    ("algorithm", "extra", "templates"),
    [
        ("xgboost", {}, 3),  # RayJob: head, worker group, submitter
        ("pytorch", {"resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 1},
                                   "instanceCount": 3}}, 2),  # Master, Worker
        ("tf-distributed", {"parameterServerCount": 1, "resources": {
            "instanceResources": {"cpuCores": 1, "memoryGiB": 1}, "instanceCount": 2}},
         3),  # Chief, Worker, PS
        ("horovod-mpi", {}, 2),  # Launcher, Worker
        ("jax-pjit", {}, 1),  # Worker
        ("container", {}, 1),  # batch/v1 Job
    ],
)
def test_every_kind_labels_its_pod_templates_with_the_attempt(
    algorithm: str, extra: dict[str, object], templates: int
) -> None:
    first = list(pod_templates(manifests_for(request_of(algorithm, **extra)).workload))
    second = list(
        pod_templates(manifests_for(request_of(algorithm, **extra), attempt=2).workload)
    )
    assert len(first) == len(second) == templates
    assert [t["metadata"]["labels"]["ml-platform.io/attempt"] for t in first] == ["1"] * templates
    assert [t["metadata"]["labels"]["ml-platform.io/attempt"] for t in second] == ["2"] * templates
    for template in second:
        labels = template["metadata"]["labels"]
        assert labels["ml-platform.io/job-id"] == "train-model-0a1b2c3d"
        assert labels["ml-platform.io/instance"] == "install-a"


def test_pvc_for_volume_size() -> None:
    settings = WorkloadSettings(storage_class="fast-ssd")
    manifests = manifests_for(
        request_of(
            "xgboost",
            resources={"instanceResources": {"cpuCores": 1, "memoryGiB": 1}, "volumeSizeGB": 50},
        ),
        settings=settings,
    )
    assert manifests.pvc is not None
    assert manifests.pvc["metadata"]["name"] == "train-model-0a1b2c3d-data"
    assert manifests.pvc["spec"] == {
        "accessModes": ["ReadWriteOnce"],
        "storageClassName": "fast-ssd",
        "resources": {"requests": {"storage": "50Gi"}},
    }
    assert [m["kind"] for m in manifests.all()] == [
        "PersistentVolumeClaim",
        "RayJob",
        "PropagationPolicy",
    ]


def test_priority_class_on_every_pod_template() -> None:
    for algorithm in ("xgboost", "pytorch", "horovod-mpi", "container"):
        workload = manifests_for(request_of(algorithm, priority=1000)).workload
        for template in pod_templates(workload):
            assert template["spec"]["priorityClassName"] == "ml-platform-high"
    no_bands = WorkloadSettings(priority_classes=())
    workload = manifests_for(request_of("pytorch"), settings=no_bands).workload
    assert all("priorityClassName" not in t["spec"] for t in pod_templates(workload))


# --- RayJob -------------------------------------------------------------------------------


def test_rayjob_shape() -> None:
    request = request_of(
        "xgboost",
        stoppingCondition={"maxRuntimeSeconds": 3600},
        hyperparameters={"xgboost": {"num_round": 5}},
        **many(3),
    )
    spec = manifests_for(request).workload["spec"]
    assert spec["shutdownAfterJobFinishes"] is True
    assert spec["ttlSecondsAfterFinished"] == 600
    assert spec["activeDeadlineSeconds"] == 3600
    assert spec["submissionMode"] == "K8sJobMode"
    assert spec["entrypoint"] == "python /opt/ml/code/train_xgboost.py"
    workers = spec["rayClusterSpec"]["workerGroupSpecs"]
    assert len(workers) == 1
    assert workers[0]["groupName"] == "workers"
    assert workers[0]["replicas"] == workers[0]["minReplicas"] == workers[0]["maxReplicas"] == 3
    assert spec["rayClusterSpec"]["rayVersion"] == "2.52.0"
    runtime_env = yaml.safe_load(spec["runtimeEnvYAML"])
    assert runtime_env["env_vars"]["NUM_BOOST_ROUND"] == "5"
    assert runtime_env["env_vars"]["RUN_NAME"] == "train-model"
    assert not any(k.startswith("AWS_") for k in runtime_env["env_vars"])
    submitter = spec["submitterPodTemplate"]
    assert "command" not in submitter["spec"]["containers"][0]  # KubeRay fills it in


def test_rayjob_without_deadline_has_no_active_deadline() -> None:
    spec = manifests_for(request_of("lightgbm")).workload["spec"]
    assert "activeDeadlineSeconds" not in spec


def test_rayjob_images_and_entrypoint_overrides() -> None:
    request = request_of(
        "ray",
        headImage="my/ray-head:2.40.0",
        workerImage="my/ray-worker:2",
        entrypoint="python main.py --x 1",
    )
    spec = manifests_for(request).workload["spec"]
    head = spec["rayClusterSpec"]["headGroupSpec"]["template"]["spec"]["containers"][0]
    worker = spec["rayClusterSpec"]["workerGroupSpecs"][0]["template"]["spec"]["containers"][0]
    assert (head["image"], worker["image"]) == ("my/ray-head:2.40.0", "my/ray-worker:2")
    assert spec["rayClusterSpec"]["rayVersion"] == "2.40.0"
    assert spec["entrypoint"] == "python main.py --x 1"
    settings = WorkloadSettings(
        images={"ray": "custom/ray:9.9.9"}, entrypoints={"ray": "python run.py"}
    )
    spec = manifests_for(request_of("ray"), settings=settings).workload["spec"]
    assert spec["entrypoint"] == "python run.py"
    assert (
        spec["rayClusterSpec"]["headGroupSpec"]["template"]["spec"]["containers"][0]["image"]
        == "custom/ray:9.9.9"
    )


# --- Kubeflow -----------------------------------------------------------------------------


def test_pytorchjob_master_and_workers() -> None:
    request = request_of(
        "pytorch",
        hyperparameters={"pytorch": {"epochs": 3, "learning_rate": 0.01}},
        stoppingCondition={"maxRuntimeSeconds": 60},
        **many(3, gpus=2),
    )
    spec = manifests_for(request).workload["spec"]
    replicas = spec["pytorchReplicaSpecs"]
    assert (replicas["Master"]["replicas"], replicas["Worker"]["replicas"]) == (1, 2)
    assert spec["nprocPerNode"] == "2"
    container = replicas["Master"]["template"]["spec"]["containers"][0]
    assert container["name"] == "pytorch"
    assert container["command"] == ["python", "/opt/ml/code/train_pytorch.py"]
    assert container["args"] == ["--epochs=3", "--learning_rate=0.01"]
    assert env_of(container)["EPOCHS"] == "3"
    assert spec["runPolicy"] == {
        "activeDeadlineSeconds": 60,
        "backoffLimit": 0,
        "cleanPodPolicy": "None",
        "suspend": False,
    }


def test_pytorchjob_single_instance_has_no_worker_and_one_proc_on_cpu() -> None:
    spec = manifests_for(request_of("deepspeed-zero3")).workload["spec"]
    assert set(spec["pytorchReplicaSpecs"]) == {"Master"}
    assert spec["nprocPerNode"] == "1"


def test_tfjob_chief_workers_and_cpu_only_parameter_servers() -> None:
    request = request_of("tensorflow-cnn", parameterServerCount=2, **many(3, gpus=1))
    replicas = manifests_for(request).workload["spec"]["tfReplicaSpecs"]
    assert {k: v["replicas"] for k, v in replicas.items()} == {"Chief": 1, "Worker": 2, "PS": 2}
    ps = replicas["PS"]["template"]["spec"]["containers"][0]
    assert ps["name"] == "tensorflow"
    assert "nvidia.com/gpu" not in ps["resources"]["limits"]
    chief = replicas["Chief"]["template"]["spec"]["containers"][0]
    assert chief["resources"]["limits"]["nvidia.com/gpu"] == "1"


def test_mpijob_launcher_and_workers() -> None:
    request = request_of("horovod-mpi", **many(4, gpus=2))
    spec = manifests_for(request).workload["spec"]
    assert spec["slotsPerWorker"] == 2
    launcher = spec["mpiReplicaSpecs"]["Launcher"]["template"]["spec"]["containers"][0]
    worker = spec["mpiReplicaSpecs"]["Worker"]
    assert worker["replicas"] == 4
    assert launcher["command"][:4] == ["mpirun", "--allow-run-as-root", "-np", "8"]
    assert launcher["command"][-2:] == ["python", "/opt/ml/code/train_horovod_mpi.py"]
    assert "nvidia.com/gpu" not in launcher["resources"]["limits"]
    assert worker["template"]["spec"]["containers"][0]["command"] == ["/usr/sbin/sshd"]


def test_jaxjob_workers() -> None:
    spec = manifests_for(request_of("jax-pjit", **many(2))).workload["spec"]
    worker = spec["jaxReplicaSpecs"]["Worker"]
    assert worker["replicas"] == 2
    assert worker["template"]["spec"]["containers"][0]["name"] == "jax"


# --- batch/v1 Job -------------------------------------------------------------------------


def test_container_job_single() -> None:
    spec = manifests_for(request_of("container")).workload["spec"]
    assert (spec["parallelism"], spec["completions"]) == (1, 1)
    assert "completionMode" not in spec
    assert spec["suspend"] is False
    assert spec["template"]["spec"]["restartPolicy"] == "Never"
    container = spec["template"]["spec"]["containers"][0]
    assert container["image"] == "registry.example.com/team/train:1.0"
    assert "command" not in container and "args" not in container


def test_container_job_indexed_with_entrypoint_and_deadline() -> None:
    request = request_of(
        "container",
        entrypoint="/bin/train --fast",
        customHyperparameters={"k": 1},
        stoppingCondition={"maxRuntimeSeconds": 100},
        **many(3),
    )
    spec = manifests_for(request).workload["spec"]
    assert (spec["parallelism"], spec["completions"], spec["completionMode"]) == (3, 3, "Indexed")
    assert spec["activeDeadlineSeconds"] == 100
    assert spec["backoffLimit"] == 0
    assert "ttlSecondsAfterFinished" not in spec  # see WorkloadSettings (karmada#2197)
    container = spec["template"]["spec"]["containers"][0]
    assert container["command"] == ["/bin/train", "--fast"]
    assert env_of(container)["K"] == "1"


def test_kubeflow_and_job_ttl_only_when_configured() -> None:
    """A member-side TTL makes Karmada re-create and re-run the job (karmada#2197)."""
    for algorithm in ("pytorch", "tensorflow", "horovod-mpi", "jax-pjit"):
        spec = manifests_for(request_of(algorithm)).workload["spec"]
        assert "ttlSecondsAfterFinished" not in spec["runPolicy"]
        with_ttl = manifests_for(
            request_of(algorithm), settings=WorkloadSettings(ttl_seconds_after_finished=30)
        )
        assert with_ttl.workload["spec"]["runPolicy"]["ttlSecondsAfterFinished"] == 30
    with_ttl = manifests_for(
        request_of("container"), settings=WorkloadSettings(ttl_seconds_after_finished=30)
    )
    assert with_ttl.workload["spec"]["ttlSecondsAfterFinished"] == 30


def test_runtime_env_yaml_reads_back_as_the_env_it_was_given() -> None:
    # Values a YAML reader could mistake (keywords, numbers, flow indicators) or that need
    # escaping and long-line folding; the emitter may be libyaml's or PyYAML's own.
    env = {
        "FLAG": "yes",
        "EMPTY": "",
        "NUMBER": "0x1f",
        "NULLISH": "~",
        "DASH": "- a",
        "COLON": ": b",
        "QUOTES": "'q' \"d\"",
        "LONG_ESCAPED": ("ä\x0c€\t" * 40) + "\u2028end",
        "MULTILINE": "first\nsecond\r\nthird",
    }
    assert yaml.safe_load(runtime_env_yaml(env)) == {"env_vars": env}
