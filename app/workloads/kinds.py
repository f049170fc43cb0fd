"""The workload kinds we create, and which algorithm runs as which (docs/workloads.md)."""

from __future__ import annotations

from dataclasses import dataclass

from app.jobspec import JobRequest


@dataclass(frozen=True)
class WorkloadKind:
    """A Kubernetes kind we submit as a training workload."""

    group: str  # "" for the core group
    version: str
    kind: str
    plural: str
    supports_suspend: bool
    # Longest object name we give this kind: what the operator derives from it must still
    # fit DNS-1035 labels (<= 63): KubeRay appends "-<5 chars>" to the RayCluster and
    # "-head-svc" to its Service and caps RayJob names at 47; Kubeflow names Services
    # "<name>-<replica type>-<index>" ("-worker-127" is 11 chars); an Indexed Job's pod
    # hostname is "<name>-<index>".
    max_name_length: int = 63

    @property
    def api_version(self) -> str:
        """``group/version`` (or ``version`` for the core group), as in ``apiVersion``."""
        return f"{self.group}/{self.version}" if self.group else self.version


RAYJOB = WorkloadKind("ray.io", "v1", "RayJob", "rayjobs", True, max_name_length=47)
PYTORCHJOB = WorkloadKind("kubeflow.org", "v1", "PyTorchJob", "pytorchjobs", True, 50)
TFJOB = WorkloadKind("kubeflow.org", "v1", "TFJob", "tfjobs", True, 50)
MPIJOB = WorkloadKind("kubeflow.org", "v2beta1", "MPIJob", "mpijobs", True, 50)
JAXJOB = WorkloadKind("kubeflow.org", "v1", "JAXJob", "jaxjobs", True, 50)
BATCHJOB = WorkloadKind("batch", "v1", "Job", "jobs", True, 56)
ALL_KINDS: tuple[WorkloadKind, ...] = (RAYJOB, PYTORCHJOB, TFJOB, MPIJOB, JAXJOB, BATCHJOB)

ALGORITHM_KINDS: dict[str, WorkloadKind] = {
    "xgboost": RAYJOB,
    "lightgbm": RAYJOB,
    "ray": RAYJOB,
    "pytorch": PYTORCHJOB,
    "torch-mpi": PYTORCHJOB,
    "deepspeed-zero3": PYTORCHJOB,
    "tensorflow": TFJOB,
    "tf-distributed": TFJOB,
    "tensorflow-cnn": TFJOB,
    "tensorflow-transformer": TFJOB,
    "horovod-mpi": MPIJOB,
    "jax-pjit": JAXJOB,
}


def kind_for(request: JobRequest) -> WorkloadKind:
    """The workload kind for a request: custom containers run as batch/v1 Job."""
    if request.algorithm.source == "container":
        return BATCHJOB
    return ALGORITHM_KINDS[request.algorithm_name]


def kind_by_name(kind: str) -> WorkloadKind:
    """Look a kind up by its ``kind`` string (``"RayJob"``); KeyError if we never create it."""
    for candidate in ALL_KINDS:
        if candidate.kind == kind:
            return candidate
    raise KeyError(kind)


def required_api(kind: WorkloadKind) -> tuple[str, str]:
    """(groupVersion, kind) a member cluster must list in ``status.apiEnablements``."""
    return kind.api_version, kind.kind
