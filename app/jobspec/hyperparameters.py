"""Typed hyperparameter schemas for the built-in algorithms, and their env/flag rendering.

``hyperparameters`` in a request is ``{<algorithm>: {<key>: <value>}}``. Every section
must name a built-in algorithm and every key must be in that algorithm's schema, with a
value of the declared type (``null`` always allowed: it means "not set" and is omitted).
``customHyperparameters`` is the free-form pass-through (see ``jobspec.request``).
The mapping to env vars and CLI flags is documented in docs/workloads.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from app.jobspec.errors import RequestInvalid

ParamType = Literal["int", "float", "str", "bool", "list"]


@dataclass(frozen=True)
class Param:
    """One hyperparameter: its type and allowed range or values."""

    type: ParamType
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    allow_auto: bool = False  # also accepts the string "auto" (e.g. xgboost nthread)
    env: str | None = None  # env var name when it is not the upper-cased key


def _i(lo: float | None = None, hi: float | None = None, **kw: Any) -> Param:
    return Param("int", lo, hi, **kw)


def _f(lo: float | None = None, hi: float | None = None, **kw: Any) -> Param:
    return Param("float", lo, hi, **kw)


def _s(*choices: str) -> Param:
    return Param("str", choices=choices)


_BOOL = Param("bool")
_LIST = Param("list")  # a list of strings (or one string), joined by "," when rendered

# The old frontend's full xgboost form (README, REST API) plus other real XGBoost parameters
# (https://xgboost.readthedocs.io/en/stable/parameter.html).
XGBOOST: Mapping[str, Param] = {
    "num_round": _i(1, env="NUM_BOOST_ROUND"),
    "early_stopping_rounds": _i(1),
    "csv_weights": _i(0, 1),
    "booster": _s("gbtree", "gblinear", "dart"),
    "verbosity": _i(0, 3),
    "nthread": _i(1, allow_auto=True),
    "eta": _f(0, 1),
    "gamma": _f(0),
    "max_depth": _i(0),
    "min_child_weight": _f(0),
    "max_delta_step": _f(0),
    "subsample": _f(0, 1),
    "sampling_method": _s("uniform", "gradient_based"),
    "colsample_bytree": _f(0, 1),
    "colsample_bylevel": _f(0, 1),
    "colsample_bynode": _f(0, 1),
    "lambda": _f(0),
    "alpha": _f(0),
    "tree_method": _s("auto", "exact", "approx", "hist", "gpu_hist"),
    "sketch_eps": _f(0, 1),
    "scale_pos_weight": _f(0),
    "updater": Param("str"),
    "dsplit": _s("row", "col"),
    "refresh_leaf": _i(0, 1),
    "process_type": _s("default", "update"),
    "grow_policy": _s("depthwise", "lossguide"),
    "max_leaves": _i(0),
    "max_bin": _i(2),
    "num_parallel_tree": _i(1),
    "sample_type": _s("uniform", "weighted"),
    "normalize_type": _s("tree", "forest"),
    "rate_drop": _f(0, 1),
    "one_drop": _i(0, 1),
    "skip_drop": _f(0, 1),
    "lambda_bias": _f(0),
    "tweedie_variance_power": _f(1, 2),
    "objective": Param("str"),
    "base_score": _f(),
    "eval_metric": _LIST,
    "seed": _i(0),
    "num_class": _i(1),
    "device": Param("str"),
    "max_cat_to_onehot": _i(1),
    "multi_strategy": _s("one_output_per_tree", "multi_output_tree"),
    "interaction_constraints": Param("str"),
    "monotone_constraints": Param("str"),
    "disable_default_eval_metric": _BOOL,
    "huber_slope": _f(0),
    "quantile_alpha": _f(0, 1),
    "aft_loss_distribution": _s("normal", "logistic", "extreme"),
    "aft_loss_distribution_scale": _f(0),
    "validate_parameters": _BOOL,
}

# https://lightgbm.readthedocs.io/en/latest/Parameters.html (core subset).
LIGHTGBM: Mapping[str, Param] = {
    "num_iterations": _i(1, env="NUM_BOOST_ROUND"),
    "learning_rate": _f(0),
    "num_leaves": _i(2),
    "max_depth": _i(-1),
    "min_data_in_leaf": _i(0),
    "min_sum_hessian_in_leaf": _f(0),
    "feature_fraction": _f(0, 1),
    "bagging_fraction": _f(0, 1),
    "bagging_freq": _i(0),
    "lambda_l1": _f(0),
    "lambda_l2": _f(0),
    "objective": Param("str"),
    "boosting": _s("gbdt", "rf", "dart"),
    "metric": _LIST,
    "num_threads": _i(0),
    "seed": _i(0),
    "early_stopping_round": _i(0),
    "max_bin": _i(2),
    "num_class": _i(1),
    "is_unbalance": _BOOL,
    "verbosity": _i(-1),
}

# Shared by the deep-learning frameworks: the usual training-loop knobs.
_TRAINING_LOOP: Mapping[str, Param] = {
    "epochs": _i(1),
    "batch_size": _i(1),
    "learning_rate": _f(0),
    "momentum": _f(0),
    "weight_decay": _f(0),
    "optimizer": Param("str"),
    "seed": _i(0),
    "log_interval": _i(1),
    "gradient_accumulation_steps": _i(1),
    "mixed_precision": _s("no", "fp16", "bf16"),
    "model": Param("str"),
}

RAY: Mapping[str, Param] = {
    **_TRAINING_LOOP,
    "num_samples": _i(1),
    "max_concurrent_trials": _i(1),
}
PYTORCH: Mapping[str, Param] = {**_TRAINING_LOOP, "backend": _s("nccl", "gloo", "mpi")}
DEEPSPEED: Mapping[str, Param] = {
    **_TRAINING_LOOP,
    "zero_stage": _i(0, 3),
    "offload_optimizer": _s("none", "cpu", "nvme"),
    "offload_param": _s("none", "cpu", "nvme"),
    "train_micro_batch_size_per_gpu": _i(1),
}
TENSORFLOW: Mapping[str, Param] = {
    **_TRAINING_LOOP,
    "steps_per_epoch": _i(1),
    "distribution_strategy": _s("mirrored", "multi_worker_mirrored", "parameter_server"),
}
TENSORFLOW_CNN: Mapping[str, Param] = {**TENSORFLOW, "image_size": _i(1), "num_classes": _i(1)}
TENSORFLOW_TRANSFORMER: Mapping[str, Param] = {
    **TENSORFLOW,
    "num_layers": _i(1),
    "num_heads": _i(1),
    "d_model": _i(1),
    "sequence_length": _i(1),
    "dropout": _f(0, 1),
}
HOROVOD: Mapping[str, Param] = {
    **_TRAINING_LOOP,
    "fusion_threshold_mb": _i(0),
    "cycle_time_ms": _f(0),
}
JAX: Mapping[str, Param] = {
    **_TRAINING_LOOP,
    "num_steps": _i(1),
    "mesh_shape": Param("str"),
}

SCHEMAS: Mapping[str, Mapping[str, Param]] = {
    "xgboost": XGBOOST,
    "lightgbm": LIGHTGBM,
    "ray": RAY,
    "pytorch": PYTORCH,
    "torch-mpi": PYTORCH,
    "deepspeed-zero3": DEEPSPEED,
    "tensorflow": TENSORFLOW,
    "tf-distributed": TENSORFLOW,
    "tensorflow-cnn": TENSORFLOW_CNN,
    "tensorflow-transformer": TENSORFLOW_TRANSFORMER,
    "horovod-mpi": HOROVOD,
    "jax-pjit": JAX,
}
BUILTIN_ALGORITHMS: tuple[str, ...] = tuple(SCHEMAS)


def _type_reason(param: Param) -> str:
    if param.choices:
        return "must be one of " + ", ".join(repr(c) for c in param.choices)
    words = {
        "int": "an integer",
        "float": "a number",
        "str": "a string",
        "bool": "a boolean",
        "list": "a list of strings",
    }
    text = f"must be {words[param.type]}"
    return text + ' or "auto"' if param.allow_auto else text


#: Largest magnitude of a numeric hyperparameter: integers up to it are exact in float64 and
#: in the frontend's JavaScript numbers; no training knob needs more (num_round: 10**40 did
#: get through before).
MAX_NUMBER = 2**53


def value_bound_reason(value: object, max_bytes: int) -> str | None:
    """Why a hyperparameter value is out of bounds (magnitude, rendered size), else None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if abs(value) > MAX_NUMBER:
            return f"must be between -{MAX_NUMBER} and {MAX_NUMBER}"
        return None
    if isinstance(value, str | list) and len(render_value(value).encode()) > max_bytes:
        return f"must be at most {max_bytes} bytes"
    return None


def _check_value(field: str, param: Param, value: object) -> None:
    if value is None or (param.allow_auto and value == "auto"):
        return
    ok: bool
    if param.type == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif param.type == "float":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and not math.isfinite(float(value)):  # type: ignore[arg-type]
            raise RequestInvalid(field, "must be a finite number")
    elif param.type == "bool":
        ok = isinstance(value, bool)
    elif param.type == "str":
        ok = isinstance(value, str) and (not param.choices or value in param.choices)
    else:
        ok = isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        )
    if not ok:
        raise RequestInvalid(field, _type_reason(param))
    if param.type in ("int", "float"):
        if abs(value) > MAX_NUMBER:  # type: ignore[arg-type]
            raise RequestInvalid(field, f"must be between -{MAX_NUMBER} and {MAX_NUMBER}")
        number = float(value)  # type: ignore[arg-type]
        if param.minimum is not None and number < param.minimum:
            raise RequestInvalid(field, f"must be >= {_fmt(param.minimum)}")
        if param.maximum is not None and number > param.maximum:
            raise RequestInvalid(field, f"must be <= {_fmt(param.maximum)}")


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else repr(number)


def validate_hyperparameters(
    value: object, *, max_entries: int = 500, max_value_bytes: int = 4096
) -> dict[str, dict[str, Any]]:
    """Check ``hyperparameters`` against the per-algorithm schemas; return a copy.

    Raises RequestInvalid naming the first offending key (request order).
    """
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RequestInvalid("hyperparameters", "must be an object")
    result: dict[str, dict[str, Any]] = {}
    for algorithm, section in value.items():
        where = f"hyperparameters.{algorithm}"
        schema = SCHEMAS.get(algorithm)
        if schema is None:
            raise RequestInvalid(where, "unknown algorithm")
        if section is None:
            continue
        if not isinstance(section, dict):
            raise RequestInvalid(where, "must be an object")
        if len(section) > max_entries:
            raise RequestInvalid(where, f"must have at most {max_entries} entries")
        for key, item in section.items():
            param = schema.get(key)
            if param is None:
                raise RequestInvalid(f"{where}.{key}", f"unknown hyperparameter for {algorithm}")
            _check_value(f"{where}.{key}", param, item)
            if isinstance(item, str | list) and len(render_value(item).encode()) > max_value_bytes:
                raise RequestInvalid(f"{where}.{key}", f"must be at most {max_value_bytes} bytes")
        result[algorithm] = {k: (list(v) if isinstance(v, list) else v) for k, v in section.items()}
    return result


def render_value(value: object) -> str:
    """How a value appears in an env var or CLI flag: booleans lower-case, lists joined."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(render_value(v) for v in value)
    return str(value)


def env_name(key: str) -> str:
    """Upper-case a key for an env var name; anything but letters/digits becomes ``_``."""
    return "".join(ch if ch.isalnum() and ch.isascii() else "_" for ch in key).upper()


def hyperparameter_env(algorithm: str, section: Mapping[str, Any]) -> dict[str, str]:
    """Env vars for an algorithm's hyperparameters (nulls omitted), sorted by name."""
    schema = SCHEMAS.get(algorithm, {})
    env: dict[str, str] = {}
    for key, value in section.items():
        if value is None:
            continue
        param = schema.get(key)
        name = param.env if param is not None and param.env else env_name(key)
        env[name] = render_value(value)
    return dict(sorted(env.items()))


def hyperparameter_args(section: Mapping[str, Any]) -> list[str]:
    """``--key=value`` flags (nulls omitted), sorted by key, for CLI-flag frameworks."""
    return [
        f"--{key}={render_value(value)}"
        for key, value in sorted(section.items())
        if value is not None
    ]
