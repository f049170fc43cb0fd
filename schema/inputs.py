"""GraphQL input types mirroring the REST request body (README, REST API).

Field names are the REST keys, so the same validation (app.jobspec) serves both APIs.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types.base import get_object_definition
from strawberry.utils.str_converters import to_camel_case

from schema.enums import Placement
from schema.types import JobPhase


@strawberry.input
class AlgorithmInput:
    source: str = "builtin"
    algorithm_name: str | None = None
    image_uri: str | None = None


@strawberry.input
class InstanceResourcesInput:
    # Required and defaults as app/jobspec/request.py validates them, so generated client
    # types say what the server accepts (issue 18).
    cpu_cores: float = strawberry.field(description="> 0, at most the configured maximum.")
    memory_gib: float = strawberry.field(name="memoryGiB", description="> 0.")
    gpu_count: int = 0


@strawberry.input
class ResourcesInput:
    instance_resources: InstanceResourcesInput
    instance_count: int = 1
    volume_size_gb: int = strawberry.field(default=0, name="volumeSizeGB")


@strawberry.input
class StoppingConditionInput:
    max_runtime_seconds: int | None = None


@strawberry.input
class ChannelInput:
    id: str | None = None
    channel_name: str
    source_type: str | None = None
    storage_provider: str | None = None
    endpoint: str | None = None
    bucket: str | None = None
    prefix: str = ""


@strawberry.input
class OutputDataConfigInput:
    artifact_uri: str | None = None


@strawberry.input(
    description="What the platform does when an attempt of the job fails (issue 19); "
    "unset fields take the installation's defaults (RECOVERY_* settings)."
)
class RecoveryPolicyInput:
    max_attempts: int | None = strawberry.field(
        default=None, description="Attempts in all, the first included (default 3)."
    )
    retry_infrastructure: bool | None = strawberry.field(
        default=None,
        description="Retry member loss, eviction, preemption, node loss, deleted workloads.",
    )
    retry_application: bool | None = strawberry.field(
        default=None, description="Retry non-zero exits and framework failures (default false)."
    )
    avoid_failed_clusters: bool | None = strawberry.field(
        default=None, description="Place new attempts away from clusters that failed."
    )
    checkpoint_uri: str | None = strawberry.field(
        default=None, description="Handed to every attempt as CHECKPOINT_URI (with ATTEMPT)."
    )
    member_grace_seconds: float | None = strawberry.field(
        default=None, description="How long a member may be NotReady/unreachable (default 60)."
    )
    on_unreachable: str | None = strawberry.field(
        default=None, description='"replace" (default) after the grace, or "wait" for it.'
    )


@strawberry.input(description="A training job request; the same keys as the REST body.")
class CreateJobInput:
    job_name: str
    algorithm: AlgorithmInput
    resources: ResourcesInput
    priority: int = strawberry.field(default=0, description="0..1000.")
    stopping_condition: StoppingConditionInput | None = None
    input_data_config: list[ChannelInput] = strawberry.field(default_factory=list)
    output_data_config: OutputDataConfigInput | None = None
    hyperparameters: JSON = strawberry.field(
        default_factory=dict,
        description="{<algorithm>: {<name>: <value>}}; the `algorithms` query lists each "
        "algorithm's parameters.",
    )
    custom_hyperparameters: JSON = strawberry.field(
        default_factory=dict, description="Free-form {<name>: string | number | boolean}."
    )
    target_clusters: list[str] = strawberry.field(
        default_factory=list, description="Candidate clusters; empty: any."
    )
    namespace: str = "default"
    entrypoint: str | None = None
    head_image: str | None = None
    worker_image: str | None = None
    pvc_name: str | None = None
    storage_secret_name: str | None = None
    client_request_id: str | None = strawberry.field(
        default=None,
        description="Idempotency key: a retried createJob with the same key (and the same "
        "request) returns the job the first call created instead of a new one.",
    )
    placement: Placement = Placement.ONE
    parameter_server_count: int = strawberry.field(
        default=0, description="TensorFlow only: parameter servers."
    )
    recovery_policy: RecoveryPolicyInput | None = None


@strawberry.input(description="Every condition given must hold; applied before paging.")
class JobFilterInput:
    namespace: str | None = None
    phases: list[JobPhase] | None = None
    algorithms: list[str] | None = None
    clusters: list[str] | None = strawberry.field(
        default=None, description="Jobs placed on any of these clusters."
    )
    name_contains: str | None = strawberry.field(
        default=None, description="Case-insensitive substring of the jobName."
    )
    created_after: datetime | None = strawberry.field(
        default=None, description="Created at or after this time."
    )
    created_before: datetime | None = strawberry.field(
        default=None, description="Created before this time."
    )
    min_priority: int | None = None


@strawberry.enum
class JobOrderField(Enum):
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    NAME = "NAME"
    PRIORITY = "PRIORITY"
    PHASE = "PHASE"


@strawberry.enum
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input(description="Sort order; ties are broken by id in the same direction.")
class JobOrderInput:
    field: JobOrderField = JobOrderField.CREATED_AT
    direction: OrderDirection = OrderDirection.DESC


def input_to_payload(value: Any) -> Any:
    """An input object as the REST-shaped dict (GraphQL names; unset fields left out)."""
    definition = get_object_definition(value)
    if definition is None:
        if isinstance(value, list):
            return [input_to_payload(v) for v in value]
        return value
    payload: dict[str, Any] = {}
    for field in definition.fields:
        item = getattr(value, field.python_name)
        if item is None or item is strawberry.UNSET:
            continue
        name = field.graphql_name or to_camel_case(field.python_name)
        # Enums travel as the REST body's value ("one"), which app.jobspec validates.
        payload[name] = item.value if isinstance(item, Enum) else input_to_payload(item)
    return payload
