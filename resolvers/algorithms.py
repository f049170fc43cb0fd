"""The algorithms the server runs, described for clients that generate forms from them.

Built from the validation's own tables (app.jobspec.hyperparameters.SCHEMAS and
app.workloads.kinds.ALGORITHM_KINDS), so what a form offers is what the server accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from app.jobspec.hyperparameters import MAX_NUMBER, SCHEMAS, Param, env_name
from app.workloads.kinds import ALGORITHM_KINDS, BATCHJOB

#: One line per algorithm for a form's picker (docs/workloads.md has the details).
DESCRIPTIONS: dict[str, str] = {
    "xgboost": "XGBoost, distributed with Ray (xgboost_ray) on a KubeRay RayJob.",
    "lightgbm": "LightGBM, distributed with Ray (lightgbm_ray) on a KubeRay RayJob.",
    "ray": "A Ray Train / Tune script on a KubeRay RayJob.",
    "pytorch": "PyTorch DistributedDataParallel on a Kubeflow PyTorchJob.",
    "torch-mpi": "PyTorch with the MPI backend on a Kubeflow PyTorchJob.",
    "deepspeed-zero3": "DeepSpeed ZeRO stage 3 on a Kubeflow PyTorchJob.",
    "tensorflow": "TensorFlow on a Kubeflow TFJob.",
    "tf-distributed": "TensorFlow multi-worker training on a Kubeflow TFJob.",
    "tensorflow-cnn": "A TensorFlow image classifier (CNN) on a Kubeflow TFJob.",
    "tensorflow-transformer": "A TensorFlow transformer on a Kubeflow TFJob.",
    "horovod-mpi": "Horovod over MPI on a Kubeflow MPIJob.",
    "jax-pjit": "JAX with pjit sharding on a Kubeflow JAXJob.",
    "container": "Your own image (algorithm.source \"container\" with imageUri) as a batch/v1 Job.",
}


@dataclass(frozen=True)
class ParameterInfo:
    name: str
    #: "int", "float", "str", "bool" or "list" (app.jobspec.hyperparameters.ParamType).
    type: str
    minimum: float | None
    maximum: float | None
    choices: tuple[str, ...]
    allows_auto: bool
    env: str
    description: str


@dataclass(frozen=True)
class AlgorithmInfo:
    name: str
    #: "builtin", or "container" for a custom image.
    source: str
    kind: str
    description: str
    parameters: tuple[ParameterInfo, ...]


def _describe(name: str, param: Param) -> ParameterInfo:
    # Numbers are bounded by MAX_NUMBER whatever the schema says (value_bound_reason).
    numeric = param.type in ("int", "float")
    minimum = param.minimum if param.minimum is not None else (-MAX_NUMBER if numeric else None)
    maximum = param.maximum if param.maximum is not None else (MAX_NUMBER if numeric else None)
    env = param.env or env_name(name)
    words = {"int": "An integer", "float": "A number", "str": "A string",
             "bool": "A boolean", "list": "A list of strings (joined by ',')"}
    text = f"{words[param.type]}"
    if param.choices:
        text = "One of " + ", ".join(param.choices)
    if param.allow_auto:
        text += ', or "auto"'
    text += f"; passed to the training code as {env}. Unset: the framework's default."
    return ParameterInfo(name, param.type, minimum, maximum, param.choices,
                         param.allow_auto, env, text)


@cache
def algorithms() -> tuple[AlgorithmInfo, ...]:
    """Every algorithm, in the order of the validation's table, then the custom container."""
    found = [
        AlgorithmInfo(
            name, "builtin", ALGORITHM_KINDS[name].kind, DESCRIPTIONS[name],
            tuple(_describe(key, param) for key, param in schema.items()),
        )
        for name, schema in SCHEMAS.items()
    ]
    found.append(AlgorithmInfo("container", "container", BATCHJOB.kind,
                               DESCRIPTIONS["container"], ()))
    return tuple(found)
