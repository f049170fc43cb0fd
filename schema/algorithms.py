"""The algorithms query's types: enough to generate a job form from the server."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.scalars import JSON

from resolvers.algorithms import AlgorithmInfo, ParameterInfo
from schema.enums import WorkloadKindEnum


@strawberry.enum(description="The JSON type of a hyperparameter value.")
class ParameterType(Enum):
    INT = "int"
    FLOAT = "float"
    STRING = "str"
    BOOLEAN = "bool"
    STRING_LIST = strawberry.enum_value("list", description="A list of strings, or one string.")


@strawberry.type(description="One hyperparameter of an algorithm (hyperparameters.<algorithm>).")
class AlgorithmParameter:
    name: str
    type: ParameterType
    default: JSON | None = strawberry.field(
        description="The value used when it is not sent; null: the framework's own default."
    )
    minimum: float | None = strawberry.field(description="Inclusive; numbers only.")
    maximum: float | None = strawberry.field(description="Inclusive; numbers only.")
    choices: list[str] = strawberry.field(description="Allowed strings; empty: any.")
    allows_auto: bool = strawberry.field(description='Also accepts the string "auto".')
    env: str = strawberry.field(description="The environment variable the code reads.")
    description: str
    required: bool

    @classmethod
    def from_info(cls, info: ParameterInfo) -> AlgorithmParameter:
        return cls(
            name=info.name, type=ParameterType(info.type), default=None,
            minimum=info.minimum, maximum=info.maximum, choices=list(info.choices),
            allows_auto=info.allows_auto, env=info.env, description=info.description,
            required=False,
        )


@strawberry.type(description="An algorithm the server runs, with its hyperparameters.")
class Algorithm:
    name: str = strawberry.field(
        description="algorithm.algorithmName (and Job.algorithm); `container` for a custom image."
    )
    source: str = strawberry.field(description='algorithm.source: "builtin" or "container".')
    workload_kind: WorkloadKindEnum
    description: str
    parameters: list[AlgorithmParameter]

    @classmethod
    def from_info(cls, info: AlgorithmInfo) -> Algorithm:
        return cls(
            name=info.name, source=info.source, workload_kind=WorkloadKindEnum(info.kind),
            description=info.description,
            parameters=[AlgorithmParameter.from_info(p) for p in info.parameters],
        )
