"""The SDL's inputs and enums say what app.jobspec validates and what the rows hold."""

from __future__ import annotations

from enum import Enum
from typing import Any, get_args

from graphql import GraphQLInputObjectType, GraphQLNonNull, Undefined

from app.jobspec import parse_job_request
from app.jobspec.request import JobRequest
from app.jobstate.phases import Reason
from app.workloads.kinds import ALL_KINDS
from schema import build_schema
from schema.enums import JobReason, Placement, WorkloadKindEnum

MINIMAL = {
    "jobName": "a",
    "algorithm": {"algorithmName": "xgboost"},
    "resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 1}},
}


def _input_type(name: str) -> GraphQLInputObjectType:
    found = build_schema()._schema.type_map[name]
    assert isinstance(found, GraphQLInputObjectType)
    return found


def _defaults(name: str) -> dict[str, Any]:
    """The SDL defaults of an input type's fields, as the JSON a client would send."""
    # `= null` (an optional field the server fills itself) is no default of a value.
    return {
        field_name: field.default_value
        for field_name, field in _input_type(name).fields.items()
        if field.default_value is not Undefined and field.default_value is not None
    }


def _required(name: str) -> set[str]:
    return {
        field_name for field_name, field in _input_type(name).fields.items()
        if isinstance(field.type, GraphQLNonNull) and field_name not in _defaults(name)
    }


def _jsonable(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value  # Placement.ONE is "one"


def test_every_sdl_default_is_the_servers_default() -> None:
    normalized = parse_job_request(MINIMAL).normalized()
    defaults = {k: _jsonable(v) for k, v in _defaults("CreateJobInput").items()}
    assert defaults, "no defaults found: the walk above is broken"
    for key, value in defaults.items():
        assert normalized[key] == value, key
    resources = _defaults("ResourcesInput")
    assert resources == {"instanceCount": normalized["resources"]["instanceCount"],
                         "volumeSizeGB": normalized["resources"]["volumeSizeGB"]}
    instance = _defaults("InstanceResourcesInput")
    assert instance == {"gpuCount": normalized["resources"]["instanceResources"]["gpuCount"]}
    assert _defaults("ChannelInput") == {"prefix": ""}


def test_required_in_the_sdl_is_required_by_the_server() -> None:
    assert _required("CreateJobInput") == {"jobName", "algorithm", "resources"}
    assert _required("ResourcesInput") == {"instanceResources"}
    assert _required("InstanceResourcesInput") == {"cpuCores", "memoryGiB"}
    for key in ("jobName", "algorithm", "resources"):
        body = {k: v for k, v in MINIMAL.items() if k != key}
        try:
            parse_job_request(body)
        except Exception as error:
            assert key in str(error)
        else:
            raise AssertionError(f"{key} is required in the SDL but the server defaults it")


def test_enums_mirror_the_vocabularies() -> None:
    assert {(m.name, m.value) for m in JobReason} == {(m.name, m.value) for m in Reason}
    assert {m.value for m in WorkloadKindEnum} == {k.kind for k in ALL_KINDS}
    placement = JobRequest.model_fields["placement"].annotation
    assert {m.value for m in Placement} == set(get_args(placement))
