"""Pure configuration for the manifest builders (the lead fills it from app settings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

RAY_IMAGE = "rayproject/ray:2.52.0"
PYTORCH_IMAGE = "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime"
TENSORFLOW_IMAGE = "tensorflow/tensorflow:2.18.0"
HOROVOD_IMAGE = "horovod/horovod:0.28.1"
JAX_IMAGE = "python:3.11"

DEFAULT_IMAGES: Mapping[str, str] = MappingProxyType(
    {
        "xgboost": RAY_IMAGE,
        "lightgbm": RAY_IMAGE,
        "ray": RAY_IMAGE,
        "pytorch": PYTORCH_IMAGE,
        "torch-mpi": PYTORCH_IMAGE,
        "deepspeed-zero3": PYTORCH_IMAGE,
        "tensorflow": TENSORFLOW_IMAGE,
        "tf-distributed": TENSORFLOW_IMAGE,
        "tensorflow-cnn": TENSORFLOW_IMAGE,
        "tensorflow-transformer": TENSORFLOW_IMAGE,
        "horovod-mpi": HOROVOD_IMAGE,
        "jax-pjit": JAX_IMAGE,
    }
)

# The training code is expected in the image under /opt/ml/code (override per algorithm).
DEFAULT_ENTRYPOINTS: Mapping[str, str] = MappingProxyType(
    {name: f"python /opt/ml/code/train_{name.replace('-', '_')}.py" for name in DEFAULT_IMAGES}
)

DEFAULT_PRIORITY_CLASSES: tuple[tuple[int, str], ...] = (
    (800, "ml-platform-high"),
    (400, "ml-platform-medium"),
    (0, "ml-platform-low"),
)


@dataclass(frozen=True)
class WorkloadSettings:
    """Images, entrypoints and policies the builders use."""

    images: Mapping[str, str] = field(default_factory=lambda: DEFAULT_IMAGES)
    entrypoints: Mapping[str, str] = field(default_factory=lambda: DEFAULT_ENTRYPOINTS)
    storage_secret_name: str = "ml-platform-storage"
    # RayJob: how long the finished job's RayCluster lives (KubeRay deletes only the
    # cluster, never the RayJob, so Karmada has nothing to re-create).
    ray_ttl_seconds_after_finished: int = 600
    # Kubeflow runPolicy / batch Job TTL. Off by default: a member-side TTL deletes the
    # member copy and Karmada re-creates it from its Work, re-running the job
    # (karmada#2197); Karmada strips a Job's TTL for members (karmada#2294), and a
    # control-plane TTL would delete the template before the server archives the logs.
    # The server's own retention (WORKLOAD_RETENTION_SECONDS) deletes finished workloads.
    ttl_seconds_after_finished: int | None = None
    backoff_limit: int = 0
    # (minimum priority, PriorityClass name), any order; empty -> no priorityClassName.
    priority_classes: tuple[tuple[int, str], ...] = DEFAULT_PRIORITY_CLASSES
    volume_mount_path: str = "/mnt/data"
    storage_class: str | None = None
    # Kubeflow cleanPodPolicy after the job ends: "None" keeps pods (and their logs)
    # until the TTL removes the job.
    clean_pod_policy: str = "None"

    @classmethod
    def defaults(cls) -> WorkloadSettings:
        """The public defaults (every image/entrypoint is overridable)."""
        return cls()


def priority_class_for(priority: int, settings: WorkloadSettings) -> str | None:
    """The PriorityClass for a 0-1000 priority: the band with the highest minimum <= it."""
    bands = sorted(settings.priority_classes, key=lambda band: band[0], reverse=True)
    for minimum, name in bands:
        if priority >= minimum:
            return name
    return None
