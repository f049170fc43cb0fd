"""The job request: the client's body (README, REST API) parsed, checked and normalised.

Types are strict (``"4"`` is not a number, ``true`` is not an integer); ``null`` for an
optional field means "not given"; unknown keys are dropped. Build it with
``jobspec.parse.parse_job_request``, which raises only ``RequestInvalid``.
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app.jobspec.errors import RequestInvalid
from app.jobspec.hyperparameters import (
    BUILTIN_ALGORITHMS,
    SCHEMAS,
    env_name,
    hyperparameter_env,
    validate_hyperparameters,
    value_bound_reason,
)

JOB_NAME_PATTERN = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
DNS1123_LABEL = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
# Each dot-separated part a DNS-1123 label (the old pattern let "a..b" through, which a
# Karmada path refuses: app/karmada/paths.py); the 253-character bound is a max_length.
DNS1123_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
CHANNEL_NAME_PATTERN = r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$"
TENSORFLOW_ALGORITHMS = ("tensorflow", "tf-distributed", "tensorflow-cnn", "tensorflow-transformer")

# Env names the platform or the operators set; customHyperparameters may not shadow them.
RESERVED_ENV_NAMES = frozenset(
    {
        "RUN_NAME",
        "JOB_ID",
        "ARTIFACT_URI",
        "OUTPUT_URI",
        "DATA_DIR",
        "MASTER_ADDR",
        "MASTER_PORT",
        "WORLD_SIZE",
        "RANK",
        "LOCAL_RANK",
        "TF_CONFIG",
        "PATH",
        "HOME",
    }
)
RESERVED_ENV_PREFIXES = ("AWS_", "S3_", "CHANNEL_", "PET_", "RAY_", "KUBERAY_", "OMPI_", "NVIDIA_")
# customHyperparameters names that look like secrets are shown as REDACTED in normalized().
_CREDENTIAL_NAME = re.compile(
    r"(password|passwd|secret|token|api_?key|access_?key|credential)", re.IGNORECASE
)
REDACTED = "***"


@dataclass(frozen=True)
class RequestLimits:
    """Configurable maxima for a request (settings build it)."""

    max_cpu_cores: float = 96
    max_memory_gib: float = 768
    max_gpu_count: int = 16
    max_instance_count: int = 128
    max_volume_size_gb: int = 10_000
    max_runtime_seconds: int = 30 * 86400
    #: Entries of the algorithm's hyperparameters plus customHyperparameters.
    max_hyperparameters: int = 500
    #: Bytes (UTF-8) of one hyperparameter value as rendered into the manifest.
    max_hyperparameter_value_bytes: int = 4096
    #: Bytes of the workload manifest (etcd refuses objects over 1.5 MiB; every watch event
    #: and LIST page carries the whole object).
    max_manifest_bytes: int = 262_144


def _limits(info: ValidationInfo) -> RequestLimits:
    context = info.context or {}
    limits = context.get("limits")
    return limits if isinstance(limits, RequestLimits) else RequestLimits()


def _at_most(value: float, maximum: float) -> None:
    if value > maximum:
        shown = int(maximum) if float(maximum).is_integer() else maximum
        raise PydanticCustomError("limit", "must be <= {maximum}", {"maximum": shown})


def check_image(value: str | None, field: str) -> None:
    """An image reference: non-empty, no whitespace (the kubelet would refuse it later)."""
    if value is not None and (not value or re.search(r"\s", value)):
        raise _fail(field, "must be an image reference without spaces")


def _fail(field: str, reason: str) -> PydanticCustomError:
    """An error whose path is not the pydantic location (nested dict keys, cross-field)."""
    return PydanticCustomError("request_invalid", "{reason}", {"field": field, "reason": reason})


class _Model(BaseModel):
    model_config = ConfigDict(
        strict=True, extra="ignore", populate_by_name=True, frozen=True, allow_inf_nan=False
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_nulls(cls, data: Any) -> Any:
        # An explicit null for an optional field means "not given" (the frontend sends some).
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


NonEmpty = Annotated[str, Field(min_length=1, max_length=1024)]


class Algorithm(_Model):
    source: Literal["builtin", "container"] = "builtin"
    algorithm_name: str | None = Field(None, alias="algorithmName", max_length=253)
    image_uri: str | None = Field(None, alias="imageUri", max_length=1024)

    @model_validator(mode="after")
    def _check_source(self) -> Algorithm:
        check_image(self.image_uri, "algorithm.imageUri")
        if self.source == "container":
            if not self.image_uri:
                raise _fail("algorithm.imageUri", "is required when source is 'container'")
        elif self.algorithm_name is None:
            raise _fail("algorithm.algorithmName", "is required when source is 'builtin'")
        elif self.algorithm_name not in BUILTIN_ALGORITHMS:
            raise _fail(
                "algorithm.algorithmName",
                f"unknown algorithm '{self.algorithm_name}' "
                f"(known: {', '.join(BUILTIN_ALGORITHMS)})",
            )
        return self


class InstanceResources(_Model):
    cpu_cores: float = Field(alias="cpuCores", gt=0)
    memory_gib: float = Field(alias="memoryGiB", gt=0)
    gpu_count: int = Field(0, alias="gpuCount", ge=0)

    @field_validator("cpu_cores")
    @classmethod
    def _cpu_limit(cls, value: float, info: ValidationInfo) -> float:
        _at_most(value, _limits(info).max_cpu_cores)
        return value

    @field_validator("memory_gib")
    @classmethod
    def _memory_limit(cls, value: float, info: ValidationInfo) -> float:
        _at_most(value, _limits(info).max_memory_gib)
        return value

    @field_validator("gpu_count")
    @classmethod
    def _gpu_limit(cls, value: int, info: ValidationInfo) -> int:
        _at_most(value, _limits(info).max_gpu_count)
        return value


class Resources(_Model):
    instance_resources: InstanceResources = Field(alias="instanceResources")
    instance_count: int = Field(1, alias="instanceCount", ge=1)
    volume_size_gb: int = Field(0, alias="volumeSizeGB", ge=0)

    @field_validator("instance_count")
    @classmethod
    def _count_limit(cls, value: int, info: ValidationInfo) -> int:
        _at_most(value, _limits(info).max_instance_count)
        return value

    @field_validator("volume_size_gb")
    @classmethod
    def _volume_limit(cls, value: int, info: ValidationInfo) -> int:
        _at_most(value, _limits(info).max_volume_size_gb)
        return value


class StoppingCondition(_Model):
    max_runtime_seconds: int | None = Field(None, alias="maxRuntimeSeconds", ge=1)

    @field_validator("max_runtime_seconds")
    @classmethod
    def _runtime_limit(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None:
            _at_most(value, _limits(info).max_runtime_seconds)
        return value


def _no_userinfo(value: str | None, field: str) -> None:
    # Storage credentials come from the Secret, never from a URL in the request.
    if value and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/@]*@", value):
        raise _fail(field, "must not contain credentials (use the storage Secret)")


class Channel(_Model):
    id: str | None = Field(None, max_length=253)
    channel_name: str = Field(alias="channelName", pattern=CHANNEL_NAME_PATTERN)
    source_type: str | None = Field(None, alias="sourceType", max_length=63)
    storage_provider: str | None = Field(None, alias="storageProvider", max_length=63)
    endpoint: str | None = Field(None, max_length=1024)
    bucket: str | None = Field(None, max_length=255)
    prefix: str = Field("", max_length=1024)


class OutputDataConfig(_Model):
    artifact_uri: str | None = Field(None, alias="artifactUri", max_length=2048)


class JobRequest(_Model):
    """A validated job request (README, REST API keys; snake_case attributes, camelCase aliases)."""

    job_name: str = Field(alias="jobName", pattern=JOB_NAME_PATTERN)
    priority: int = Field(0, ge=0, le=1000)
    algorithm: Algorithm
    resources: Resources
    stopping_condition: StoppingCondition = Field(
        default_factory=lambda: StoppingCondition.model_validate({}), alias="stoppingCondition"
    )
    input_data_config: list[Channel] = Field(
        default_factory=list, alias="inputDataConfig", max_length=32
    )
    output_data_config: OutputDataConfig = Field(
        default_factory=lambda: OutputDataConfig.model_validate({}), alias="outputDataConfig"
    )
    hyperparameters: dict[str, dict[str, Any]] = Field(default_factory=dict)
    custom_hyperparameters: dict[str, str | int | float | bool] = Field(
        default_factory=dict, alias="customHyperparameters"
    )
    target_clusters: list[Annotated[str, Field(pattern=DNS1123_LABEL)]] = Field(
        default_factory=list, alias="targetClusters", max_length=256
    )
    namespace: str = Field("default", pattern=DNS1123_LABEL)
    entrypoint: str | None = Field(None, min_length=1, max_length=16384)
    head_image: str | None = Field(None, alias="headImage", min_length=1, max_length=1024)
    worker_image: str | None = Field(None, alias="workerImage", min_length=1, max_length=1024)
    pvc_name: str | None = Field(
        None, alias="pvcName", pattern=DNS1123_SUBDOMAIN, max_length=253
    )
    storage_secret_name: str | None = Field(
        None, alias="storageSecretName", pattern=DNS1123_SUBDOMAIN, max_length=253
    )
    # "one": exactly one cluster (default); "every": a full copy on every target cluster.
    placement: Literal["one", "every"] = "one"
    # TensorFlow only: number of parameter-server replicas (TFJob "PS").
    parameter_server_count: int = Field(0, alias="parameterServerCount", ge=0, le=64)

    @field_validator("input_data_config")
    @classmethod
    def _unique_channels(cls, channels: list[Channel]) -> list[Channel]:
        seen: set[str] = set()
        for index, channel in enumerate(channels):
            for attr, key in (("endpoint", "endpoint"), ("bucket", "bucket")):
                _no_userinfo(getattr(channel, attr), f"inputDataConfig[{index}].{key}")
            env_key = env_name(channel.channel_name)
            if env_key in seen:
                raise _fail(f"inputDataConfig[{index}].channelName", "duplicate channel name")
            seen.add(env_key)
        return channels

    @field_validator("output_data_config")
    @classmethod
    def _output_without_credentials(cls, value: OutputDataConfig) -> OutputDataConfig:
        _no_userinfo(value.artifact_uri, "outputDataConfig.artifactUri")
        return value

    @field_validator("head_image", "worker_image")
    @classmethod
    def _image_reference(cls, value: str | None, info: ValidationInfo) -> str | None:
        check_image(value, "headImage" if info.field_name == "head_image" else "workerImage")
        return value

    @field_validator("hyperparameters", mode="before")
    @classmethod
    def _typed_hyperparameters(cls, value: Any, info: ValidationInfo) -> Any:
        limits = _limits(info)
        try:
            return validate_hyperparameters(
                value,
                max_entries=limits.max_hyperparameters,
                max_value_bytes=limits.max_hyperparameter_value_bytes,
            )
        except RequestInvalid as error:
            raise _fail(error.field, error.reason) from None

    @field_validator("custom_hyperparameters", mode="before")
    @classmethod
    def _custom_names(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, dict):
            return value  # pydantic reports the type error
        limits = _limits(info)
        if len(value) > limits.max_hyperparameters:
            raise _fail(
                "customHyperparameters", f"must have at most {limits.max_hyperparameters} entries"
            )
        cleaned: dict[str, Any] = {}
        for key, item in value.items():
            where = f"customHyperparameters.{key}"
            name = env_name(key)
            if not re.fullmatch(r"[A-Z_][A-Z0-9_]{0,127}", name):
                raise _fail(where, "name must start with a letter or '_' (max 128 characters)")
            if name in RESERVED_ENV_NAMES or name.startswith(RESERVED_ENV_PREFIXES):
                raise _fail(where, f"{name} is reserved by the platform")
            if item is None:
                continue
            if not isinstance(item, str | int | float) or (
                isinstance(item, float) and not math.isfinite(item)
            ):
                raise _fail(where, "must be a string, number or boolean")
            reason = value_bound_reason(item, limits.max_hyperparameter_value_bytes)
            if reason:
                raise _fail(where, reason)
            cleaned[key] = item
        return cleaned

    @field_validator("target_clusters")
    @classmethod
    def _dedupe_clusters(cls, names: list[str]) -> list[str]:
        return list(dict.fromkeys(names))

    @field_validator("entrypoint")
    @classmethod
    def _parseable_entrypoint(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                if not shlex.split(value):
                    raise ValueError
            except ValueError:
                raise PydanticCustomError(
                    "entrypoint", "must be a non-empty command line with balanced quotes"
                ) from None
        return value

    @model_validator(mode="after")
    def _cross_field(self, info: ValidationInfo) -> JobRequest:
        algorithm = self.algorithm_name
        limits = _limits(info)
        count = len(self.algorithm_hyperparameters) + len(self.custom_hyperparameters)
        if count > limits.max_hyperparameters:
            raise _fail(
                "customHyperparameters",
                f"hyperparameters and customHyperparameters must have at most "
                f"{limits.max_hyperparameters} entries together (got {count})",
            )
        if self.parameter_server_count and algorithm not in TENSORFLOW_ALGORITHMS:
            raise _fail("parameterServerCount", "is only supported for TensorFlow algorithms")
        if self.algorithm.source == "builtin" and algorithm in SCHEMAS:
            taken = hyperparameter_env(algorithm, self.hyperparameters.get(algorithm, {}))
            for key in self.custom_hyperparameters:
                if env_name(key) in taken:
                    raise _fail(
                        f"customHyperparameters.{key}",
                        f"conflicts with hyperparameters.{algorithm} ({env_name(key)})",
                    )
        return self

    @property
    def algorithm_name(self) -> str:
        """The algorithm name (``"container"`` for a custom container without a name)."""
        return self.algorithm.algorithm_name or self.algorithm.source

    @property
    def algorithm_hyperparameters(self) -> dict[str, Any]:
        """The chosen algorithm's hyperparameter section (empty if none was sent)."""
        return dict(self.hyperparameters.get(self.algorithm.algorithm_name or "", {}))

    def normalized(self) -> dict[str, Any]:
        """Every documented key with defaults filled, camelCase, JSON-ready, secrets redacted."""
        data = self.model_dump(mode="json", by_alias=True)
        data["customHyperparameters"] = {
            k: (REDACTED if _CREDENTIAL_NAME.search(k) else v)
            for k, v in data["customHyperparameters"].items()
        }
        return data
