"""What every workload kind shares: env, resources, volumes, labels, pod templates.

Env order is stable: RUN_NAME, JOB_ID, channel vars, ARTIFACT_URI/OUTPUT_URI, DATA_DIR,
storage credentials (secretKeyRef only), then hyperparameters and customHyperparameters,
each sorted by name.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from app.jobspec import JobRequest, env_name, hyperparameter_args, hyperparameter_env
from app.jobspec.hyperparameters import render_value
from app.workloads.config import WorkloadSettings, priority_class_for
from app.workloads.kinds import WorkloadKind
from app.workloads.naming import (
    JobIdentity,
    object_annotations,
    object_labels,
    pod_labels,
    pvc_name_for,
)

Manifest = dict[str, Any]
ACCESS_KEY_ENV = "AWS_ACCESS_KEY_ID"
SECRET_KEY_ENV = "AWS_SECRET_ACCESS_KEY"
SECRET_ACCESS_KEY_KEY = "accessKey"
SECRET_SECRET_KEY_KEY = "secretKey"
DATA_VOLUME = "data"


def secret_name_for(request: JobRequest, settings: WorkloadSettings) -> str:
    """The storage-credentials Secret the job references (must already exist)."""
    return request.storage_secret_name or settings.storage_secret_name


def quantity_cpu(cores: float) -> str:
    """CPU cores as a Kubernetes quantity: 4 -> "4", 0.5 -> "500m"."""
    return str(int(cores)) if float(cores).is_integer() else f"{round(cores * 1000)}m"


def quantity_memory(gib: float) -> str:
    """GiB as a Kubernetes quantity: 16 -> "16Gi", 0.5 -> "512Mi"."""
    return f"{int(gib)}Gi" if float(gib).is_integer() else f"{round(gib * 1024)}Mi"


def container_resources(request: JobRequest, gpu: bool = True) -> dict[str, dict[str, str]]:
    """requests == limits (Guaranteed QoS); nvidia.com/gpu only when asked for."""
    asked = request.resources.instance_resources
    amounts = {"cpu": quantity_cpu(asked.cpu_cores), "memory": quantity_memory(asked.memory_gib)}
    if gpu and asked.gpu_count > 0:
        amounts["nvidia.com/gpu"] = str(asked.gpu_count)
    return {"requests": dict(amounts), "limits": dict(amounts)}


def channel_env(request: JobRequest) -> dict[str, str]:
    """Channel env vars: the old S3_* names for train/validation plus CHANNEL_<NAME>_*."""
    env: dict[str, str] = {}
    for channel in request.input_data_config:
        if channel.channel_name == "train":
            env["S3_ENDPOINT"] = channel.endpoint or ""
            env["S3_BUCKET"] = channel.bucket or ""
            env["S3_TRAIN_KEY"] = channel.prefix
        elif channel.channel_name == "validation":
            env["S3_VAL_KEY"] = channel.prefix
    for channel in request.input_data_config:
        name = env_name(channel.channel_name)
        env[f"CHANNEL_{name}_ENDPOINT"] = channel.endpoint or ""
        env[f"CHANNEL_{name}_BUCKET"] = channel.bucket or ""
        env[f"CHANNEL_{name}_PREFIX"] = channel.prefix
    return env


def plain_env(
    request: JobRequest, identity: JobIdentity, settings: WorkloadSettings
) -> dict[str, str]:
    """Every literal env var of the job (no credentials), in the documented order."""
    env = {"RUN_NAME": request.job_name, "JOB_ID": identity.job_id}
    env.update(channel_env(request))
    artifact = request.output_data_config.artifact_uri
    if artifact:
        env["ARTIFACT_URI"] = artifact
        env["OUTPUT_URI"] = artifact
    if data_claim_name(request, identity):
        env["DATA_DIR"] = settings.volume_mount_path
    if request.algorithm.source == "builtin":
        env.update(hyperparameter_env(request.algorithm_name, request.algorithm_hyperparameters))
    custom = {env_name(k): render_value(v) for k, v in request.custom_hyperparameters.items()}
    env.update(dict(sorted(custom.items())))
    env.update(identity.attempt_env)
    return env


def secret_env(request: JobRequest, settings: WorkloadSettings) -> list[dict[str, Any]]:
    """Storage credentials as secretKeyRef env entries (never literals)."""
    secret = secret_name_for(request, settings)
    return [
        {
            "name": ACCESS_KEY_ENV,
            "valueFrom": {"secretKeyRef": {"name": secret, "key": SECRET_ACCESS_KEY_KEY}},
        },
        {
            "name": SECRET_KEY_ENV,
            "valueFrom": {"secretKeyRef": {"name": secret, "key": SECRET_SECRET_KEY_KEY}},
        },
    ]


def data_claim_name(request: JobRequest, identity: JobIdentity) -> str | None:
    """The PVC mounted into every pod: pvcName, else ours when volumeSizeGB > 0."""
    if request.pvc_name:
        return request.pvc_name
    if request.resources.volume_size_gb > 0:
        return pvc_name_for(identity.data_name or identity.object_name)
    return None


@dataclass(frozen=True)
class BuildContext:
    """Everything a kind-specific builder needs, computed once."""

    request: JobRequest
    identity: JobIdentity
    settings: WorkloadSettings
    kind: WorkloadKind
    env: tuple[tuple[str, str], ...]
    claim_name: str | None
    priority_class: str | None

    @classmethod
    def create(
        cls,
        request: JobRequest,
        identity: JobIdentity,
        settings: WorkloadSettings,
        kind: WorkloadKind,
    ) -> BuildContext:
        env = plain_env(request, identity, settings)
        return cls(
            request=request,
            identity=identity,
            settings=settings,
            kind=kind,
            env=tuple(env.items()),
            claim_name=data_claim_name(request, identity),
            priority_class=priority_class_for(request.priority, settings),
        )

    @property
    def labels(self) -> dict[str, str]:
        return object_labels(self.identity)

    @property
    def annotations(self) -> dict[str, str]:
        return object_annotations(self.identity)

    @property
    def env_dict(self) -> dict[str, str]:
        return dict(self.env)

    def metadata(self, name: str | None = None) -> dict[str, Any]:
        """metadata for an object we create (name defaults to the workload's)."""
        return {
            "name": name or self.identity.object_name,
            "namespace": self.identity.namespace,
            "labels": self.labels,
            "annotations": self.annotations,
        }

    def image(self, role: str = "worker") -> str:
        """imageUri, else headImage/workerImage for that role, else the algorithm default."""
        request = self.request
        if request.algorithm.image_uri:
            return request.algorithm.image_uri
        chosen = request.head_image if role == "head" else request.worker_image
        return chosen or self.settings.images[request.algorithm_name]

    def entrypoint(self) -> str | None:
        """The request's entrypoint, else the algorithm's configured default (if any)."""
        if self.request.entrypoint:
            return self.request.entrypoint
        return self.settings.entrypoints.get(self.request.algorithm_name)

    def command(self) -> list[str] | None:
        """The entrypoint split like a shell would (no shell needed in the image)."""
        entrypoint = self.entrypoint()
        return shlex.split(entrypoint) if entrypoint else None

    def flag_args(self) -> list[str]:
        """``--key=value`` for the algorithm's hyperparameters and customHyperparameters."""
        args = hyperparameter_args(self.request.algorithm_hyperparameters)
        args += hyperparameter_args(dict(self.request.custom_hyperparameters))
        return args

    def container(
        self,
        name: str,
        role: str = "worker",
        *,
        command: list[str] | None = None,
        args: list[str] | None = None,
        ports: list[dict[str, Any]] | None = None,
        resources: dict[str, dict[str, str]] | None = None,
        gpu: bool = True,
    ) -> dict[str, Any]:
        """A container with the job's env, credentials, resources and data mount."""
        container: dict[str, Any] = {"name": name, "image": self.image(role)}
        if command:
            container["command"] = command
        if args:
            container["args"] = args
        if ports:
            container["ports"] = ports
        container["env"] = [{"name": k, "value": v} for k, v in self.env] + secret_env(
            self.request, self.settings
        )
        container["resources"] = resources or container_resources(self.request, gpu)
        if self.claim_name:
            container["volumeMounts"] = [
                {"name": DATA_VOLUME, "mountPath": self.settings.volume_mount_path}
            ]
        return container

    def pod_template(
        self, containers: list[dict[str, Any]], restart_policy: str | None = None
    ) -> dict[str, Any]:
        """A pod template carrying our labels (and the attempt's), priority class and data
        volume."""
        spec: dict[str, Any] = {"containers": containers}
        if restart_policy:
            spec["restartPolicy"] = restart_policy
        if self.priority_class:
            spec["priorityClassName"] = self.priority_class
        if self.claim_name:
            spec["volumes"] = [
                {"name": DATA_VOLUME, "persistentVolumeClaim": {"claimName": self.claim_name}}
            ]
        return {
            "metadata": {"labels": pod_labels(self.identity), "annotations": self.annotations},
            "spec": spec,
        }

    def run_policy(self) -> dict[str, Any]:
        """Kubeflow runPolicy: deadline, retries, pod clean-up, not suspended (TTL if set)."""
        policy: dict[str, Any] = {
            "backoffLimit": self.settings.backoff_limit,
            "cleanPodPolicy": self.settings.clean_pod_policy,
            "suspend": False,
        }
        deadline = self.request.stopping_condition.max_runtime_seconds
        if deadline:
            policy["activeDeadlineSeconds"] = deadline
        if self.settings.ttl_seconds_after_finished is not None:
            policy["ttlSecondsAfterFinished"] = self.settings.ttl_seconds_after_finished
        return policy

    def workload(self, spec: dict[str, Any]) -> Manifest:
        """The workload object: apiVersion/kind/metadata + spec."""
        return {
            "apiVersion": self.kind.api_version,
            "kind": self.kind.kind,
            "metadata": self.metadata(),
            "spec": spec,
        }
