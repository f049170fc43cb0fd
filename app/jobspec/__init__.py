"""Job requests: parsing, validation and normalisation (pure; the body: README, REST API)."""

from app.jobspec.errors import RequestInvalid
from app.jobspec.hyperparameters import (
    BUILTIN_ALGORITHMS,
    SCHEMAS,
    env_name,
    hyperparameter_args,
    hyperparameter_env,
    render_value,
)
from app.jobspec.parse import parse_job_request
from app.jobspec.request import (
    JOB_NAME_PATTERN,
    TENSORFLOW_ALGORITHMS,
    Algorithm,
    Channel,
    InstanceResources,
    JobRequest,
    OutputDataConfig,
    RequestLimits,
    Resources,
    StoppingCondition,
)

__all__ = [
    "BUILTIN_ALGORITHMS",
    "JOB_NAME_PATTERN",
    "SCHEMAS",
    "TENSORFLOW_ALGORITHMS",
    "Algorithm",
    "Channel",
    "InstanceResources",
    "JobRequest",
    "OutputDataConfig",
    "RequestInvalid",
    "RequestLimits",
    "Resources",
    "StoppingCondition",
    "env_name",
    "hyperparameter_args",
    "hyperparameter_env",
    "parse_job_request",
    "render_value",
]
