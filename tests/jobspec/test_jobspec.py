"""Job request parsing: the frontend body, every rejection path, and arbitrary JSON."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.jobspec import (
    BUILTIN_ALGORITHMS,
    SCHEMAS,
    RequestInvalid,
    RequestLimits,
    hyperparameter_args,
    hyperparameter_env,
    parse_job_request,
)
from app.workloads import ALGORITHM_KINDS

FRONTEND_BODY: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "workloads" / "frontend_body.json").read_text()
)


def minimal(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "jobName": "job-1",
        "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
        "resources": {"instanceResources": {"cpuCores": 2, "memoryGiB": 4}},
    }
    body.update(overrides)
    return body


def rejection(payload: object, limits: RequestLimits | None = None) -> tuple[str, str]:
    with pytest.raises(RequestInvalid) as caught:
        parse_job_request(payload, limits)
    return caught.value.field, caught.value.reason


# --- the frontend's exact body ------------------------------------------------------------


def test_frontend_body_parses_exactly_as_sent() -> None:
    request = parse_job_request(copy.deepcopy(FRONTEND_BODY))
    assert request.job_name == "fe-check-job-1"
    assert request.priority == 500
    assert request.resources.volume_size_gb == 50
    assert request.input_data_config[0].prefix == ""
    assert request.target_clusters == []
    assert request.hyperparameters["xgboost"]["early_stopping_rounds"] is None
    assert request.hyperparameters["xgboost"]["nthread"] == "auto"


def test_frontend_body_normalises_with_every_documented_key() -> None:
    normalized = parse_job_request(copy.deepcopy(FRONTEND_BODY)).normalized()
    assert json.loads(json.dumps(normalized)) == normalized  # JSON-serialisable
    assert set(normalized) == {
        "jobName",
        "priority",
        "algorithm",
        "resources",
        "stoppingCondition",
        "inputDataConfig",
        "outputDataConfig",
        "hyperparameters",
        "customHyperparameters",
        "targetClusters",
        "namespace",
        "entrypoint",
        "headImage",
        "workerImage",
        "pvcName",
        "storageSecretName",
        "placement",
        "parameterServerCount",
    }
    assert normalized["algorithm"] == {
        "source": "builtin",
        "algorithmName": "xgboost",
        "imageUri": None,
    }
    assert normalized["hyperparameters"]["xgboost"]["eval_metric"] == ["rmse"]
    assert normalized["placement"] == "one"
    assert normalized["inputDataConfig"][0]["channelName"] == "train"


def test_minimal_body_gets_defaults() -> None:
    normalized = parse_job_request(minimal()).normalized()
    assert normalized["priority"] == 0
    assert normalized["namespace"] == "default"
    assert normalized["resources"]["instanceCount"] == 1
    assert normalized["resources"]["instanceResources"]["gpuCount"] == 0
    assert normalized["stoppingCondition"] == {"maxRuntimeSeconds": None}
    assert normalized["targetClusters"] == []


def test_unknown_top_level_keys_are_dropped() -> None:
    normalized = parse_job_request(minimal(accessKey="AKIA", whatever={"x": 1})).normalized()
    assert "accessKey" not in normalized
    assert "whatever" not in normalized


def test_explicit_nulls_mean_not_given() -> None:
    request = parse_job_request(minimal(priority=None, stoppingCondition=None, namespace=None))
    assert request.priority == 0
    assert request.namespace == "default"


def test_credential_like_custom_hyperparameters_are_redacted_in_normalized() -> None:
    request = parse_job_request(minimal(customHyperparameters={"api_token": "s3cr3t", "k": 1}))
    assert request.normalized()["customHyperparameters"] == {"api_token": "***", "k": 1}


@pytest.mark.parametrize("name", ["a", "0", "a" * 63, "9-lives", "x-" * 31 + "y"])
def test_every_valid_job_name_is_accepted_whatever_its_length(name: str) -> None:
    assert parse_job_request(minimal(jobName=name)).job_name == name


def test_target_clusters_are_deduplicated_in_order() -> None:
    request = parse_job_request(minimal(targetClusters=["b", "a", "b"]))
    assert request.target_clusters == ["b", "a"]


def test_every_builtin_algorithm_parses_and_has_a_kind() -> None:
    assert set(BUILTIN_ALGORITHMS) == set(ALGORITHM_KINDS)
    for name in BUILTIN_ALGORITHMS:
        body = minimal(algorithm={"algorithmName": name})
        assert parse_job_request(body).algorithm_name == name


# --- rejections ---------------------------------------------------------------------------

CPU = {"instanceResources": {"cpuCores": 2, "memoryGiB": 4}}

REJECTIONS: list[tuple[str, dict[str, Any], str, str]] = [
    ("missing job name", {"jobName": None}, "jobName", "is required"),
    ("upper-case job name", {"jobName": "Job"}, "jobName", "must match"),
    ("job name too long", {"jobName": "a" * 64}, "jobName", "must match"),
    ("trailing dash", {"jobName": "job-"}, "jobName", "must match"),
    ("job name not a string", {"jobName": 7}, "jobName", "must be a string"),
    ("priority above 1000", {"priority": 1001}, "priority", "must be <= 1000"),
    ("negative priority", {"priority": -1}, "priority", "must be >= 0"),
    ("priority as string", {"priority": "5"}, "priority", "must be an integer"),
    ("priority as bool", {"priority": True}, "priority", "must be an integer"),
    (
        "unknown algorithm",
        {"algorithm": {"algorithmName": "sklearn"}},
        "algorithm.algorithmName",
        "unknown algorithm 'sklearn'",
    ),
    (
        "builtin without name",
        {"algorithm": {"source": "builtin"}},
        "algorithm.algorithmName",
        "is required",
    ),
    (
        "container without imageUri",
        {"algorithm": {"source": "container"}},
        "algorithm.imageUri",
        "is required when source is 'container'",
    ),
    (
        "container with xgboost name but no image",
        {"algorithm": {"source": "container", "algorithmName": "xgboost"}},
        "algorithm.imageUri",
        "is required",
    ),
    (
        "image with spaces",
        {"algorithm": {"source": "container", "imageUri": "a b"}},
        "algorithm.imageUri",
        "without spaces",
    ),
    ("unknown source", {"algorithm": {"source": "git"}}, "algorithm.source", "must be one of"),
    ("algorithm not an object", {"algorithm": "xgboost"}, "algorithm", "must be an object"),
    ("missing resources", {"resources": None}, "resources", "is required"),
    (
        "zero cpu",
        {"resources": {"instanceResources": {"cpuCores": 0, "memoryGiB": 4}}},
        "resources.instanceResources.cpuCores",
        "must be > 0",
    ),
    (
        "negative memory",
        {"resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": -4}}},
        "resources.instanceResources.memoryGiB",
        "must be > 0",
    ),
    (
        "cpu as string",
        {"resources": {"instanceResources": {"cpuCores": "4", "memoryGiB": 4}}},
        "resources.instanceResources.cpuCores",
        "must be a number",
    ),
    (
        "cpu above limit",
        {"resources": {"instanceResources": {"cpuCores": 97, "memoryGiB": 4}}},
        "resources.instanceResources.cpuCores",
        "must be <= 96",
    ),
    (
        "memory above limit",
        {"resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 769}}},
        "resources.instanceResources.memoryGiB",
        "must be <= 768",
    ),
    (
        "gpu above limit",
        {"resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 1, "gpuCount": 17}}},
        "resources.instanceResources.gpuCount",
        "must be <= 16",
    ),
    (
        "fractional gpu",
        {"resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 1, "gpuCount": 0.5}}},
        "resources.instanceResources.gpuCount",
        "must be an integer",
    ),
    (
        "zero instances",
        {"resources": {**CPU, "instanceCount": 0}},
        "resources.instanceCount",
        "must be >= 1",
    ),
    (
        "too many instances",
        {"resources": {**CPU, "instanceCount": 129}},
        "resources.instanceCount",
        "must be <= 128",
    ),
    (
        "negative volume",
        {"resources": {**CPU, "volumeSizeGB": -1}},
        "resources.volumeSizeGB",
        "must be >= 0",
    ),
    (
        "volume above limit",
        {"resources": {**CPU, "volumeSizeGB": 10_001}},
        "resources.volumeSizeGB",
        "must be <= 10000",
    ),
    (
        "runtime zero",
        {"stoppingCondition": {"maxRuntimeSeconds": 0}},
        "stoppingCondition.maxRuntimeSeconds",
        "must be >= 1",
    ),
    (
        "runtime above limit",
        {"stoppingCondition": {"maxRuntimeSeconds": 30 * 86400 + 1}},
        "stoppingCondition.maxRuntimeSeconds",
        "must be <= 2592000",
    ),
    (
        "channel list not a list",
        {"inputDataConfig": {"channelName": "train"}},
        "inputDataConfig",
        "must be a list",
    ),
    (
        "channel without a name",
        {"inputDataConfig": [{"bucket": "b"}]},
        "inputDataConfig[0].channelName",
        "is required",
    ),
    (
        "channel name with spaces",
        {"inputDataConfig": [{"channelName": "my train"}]},
        "inputDataConfig[0].channelName",
        "must match",
    ),
    (
        "duplicate channel",
        {"inputDataConfig": [{"channelName": "a"}, {"channelName": "a"}]},
        "inputDataConfig[1].channelName",
        "duplicate channel name",
    ),
    (
        "credentials in endpoint",
        {"inputDataConfig": [{"channelName": "train", "endpoint": "http://ak:sk@minio:9000"}]},
        "inputDataConfig[0].endpoint",
        "must not contain credentials",
    ),
    (
        "credentials in artifact uri",
        {"outputDataConfig": {"artifactUri": "s3://ak:sk@host/b"}},
        "outputDataConfig.artifactUri",
        "must not contain credentials",
    ),
    (
        "unknown hyperparameter section",
        {"hyperparameters": {"catboost": {}}},
        "hyperparameters.catboost",
        "unknown algorithm",
    ),
    (
        "unknown xgboost key",
        {"hyperparameters": {"xgboost": {"etaa": 0.1}}},
        "hyperparameters.xgboost.etaa",
        "unknown hyperparameter for xgboost",
    ),
    (
        "xgboost eta as string",
        {"hyperparameters": {"xgboost": {"eta": "0.3"}}},
        "hyperparameters.xgboost.eta",
        "must be a number",
    ),
    (
        "xgboost eta out of range",
        {"hyperparameters": {"xgboost": {"eta": 1.5}}},
        "hyperparameters.xgboost.eta",
        "must be <= 1",
    ),
    (
        "xgboost num_round float",
        {"hyperparameters": {"xgboost": {"num_round": 10.5}}},
        "hyperparameters.xgboost.num_round",
        "must be an integer",
    ),
    (
        "xgboost num_round bool",
        {"hyperparameters": {"xgboost": {"num_round": True}}},
        "hyperparameters.xgboost.num_round",
        "must be an integer",
    ),
    (
        "xgboost booster enum",
        {"hyperparameters": {"xgboost": {"booster": "forest"}}},
        "hyperparameters.xgboost.booster",
        "must be one of 'gbtree', 'gblinear', 'dart'",
    ),
    (
        "xgboost nthread other string",
        {"hyperparameters": {"xgboost": {"nthread": "many"}}},
        "hyperparameters.xgboost.nthread",
        'must be an integer or "auto"',
    ),
    (
        "xgboost eval_metric numbers",
        {"hyperparameters": {"xgboost": {"eval_metric": [1]}}},
        "hyperparameters.xgboost.eval_metric",
        "must be a list of strings",
    ),
    (
        "pytorch unknown key",
        {"hyperparameters": {"pytorch": {"lr": 0.1}}},
        "hyperparameters.pytorch.lr",
        "unknown hyperparameter for pytorch",
    ),
    (
        "lightgbm bool as int",
        {"hyperparameters": {"lightgbm": {"is_unbalance": 1}}},
        "hyperparameters.lightgbm.is_unbalance",
        "must be a boolean",
    ),
    (
        "hyperparameters not an object",
        {"hyperparameters": []},
        "hyperparameters",
        "must be an object",
    ),
    (
        "section not an object",
        {"hyperparameters": {"xgboost": [1]}},
        "hyperparameters.xgboost",
        "must be an object",
    ),
    (
        "custom value a list",
        {"customHyperparameters": {"x": [1]}},
        "customHyperparameters.x",
        "must be a string, number or boolean",
    ),
    (
        "custom value an object",
        {"customHyperparameters": {"x": {"a": 1}}},
        "customHyperparameters.x",
        "must be a string, number or boolean",
    ),
    (
        "custom name starting with a digit",
        {"customHyperparameters": {"1x": 1}},
        "customHyperparameters.1x",
        "name must start with a letter",
    ),
    (
        "custom name shadowing credentials",
        {"customHyperparameters": {"aws_secret": "x"}},
        "customHyperparameters.aws_secret",
        "AWS_SECRET is reserved",
    ),
    (
        "custom name shadowing RUN_NAME",
        {"customHyperparameters": {"run-name": "x"}},
        "customHyperparameters.run-name",
        "RUN_NAME is reserved",
    ),
    (
        "custom colliding with hyperparameter",
        {"hyperparameters": {"xgboost": {"eta": 0.1}}, "customHyperparameters": {"ETA": 0.2}},
        "customHyperparameters.ETA",
        "conflicts with hyperparameters.xgboost",
    ),
    (
        "custom not an object",
        {"customHyperparameters": ["a"]},
        "customHyperparameters",
        "must be an object",
    ),
    (
        "target cluster upper case",
        {"targetClusters": ["Member1"]},
        "targetClusters[0]",
        "must match",
    ),
    (
        "target clusters not a list",
        {"targetClusters": "member1"},
        "targetClusters",
        "must be a list",
    ),
    ("namespace invalid", {"namespace": "My_NS"}, "namespace", "must match"),
    ("pvc name invalid", {"pvcName": "Data!"}, "pvcName", "must match"),
    ("secret name invalid", {"storageSecretName": "-x"}, "storageSecretName", "must match"),
    ("empty entrypoint", {"entrypoint": ""}, "entrypoint", "must not be empty"),
    ("unbalanced quotes", {"entrypoint": "python 'x"}, "entrypoint", "balanced quotes"),
    ("placement unknown", {"placement": "all"}, "placement", "must be one of"),
    (
        "ps count for pytorch",
        {"algorithm": {"algorithmName": "pytorch"}, "parameterServerCount": 1},
        "parameterServerCount",
        "only supported for TensorFlow",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [case[1:] for case in REJECTIONS],
    ids=[case[0] for case in REJECTIONS],
)
def test_rejections_name_the_offending_field(
    overrides: dict[str, Any], field: str, reason: str
) -> None:
    got_field, got_reason = rejection(minimal(**overrides))
    assert got_field == field
    assert reason in got_reason


def test_error_string_is_field_colon_reason() -> None:
    with pytest.raises(RequestInvalid) as caught:
        parse_job_request(minimal(priority=2000))
    assert str(caught.value) == "priority: must be <= 1000"


@pytest.mark.parametrize("payload", [None, [], "job", 3, 1.5, True])
def test_non_object_bodies_are_rejected(payload: object) -> None:
    assert rejection(payload) == ("request", "must be a JSON object")


def test_first_offending_field_wins() -> None:
    body = minimal(jobName="BAD", priority=5000)
    assert rejection(body)[0] == "jobName"


def test_limits_are_configurable() -> None:
    limits = RequestLimits(max_cpu_cores=2, max_instance_count=2)
    assert rejection(minimal(), RequestLimits(max_cpu_cores=1))[1] == "must be <= 1"
    body = minimal(resources={**CPU, "instanceCount": 3})
    assert rejection(body, limits) == ("resources.instanceCount", "must be <= 2")


def test_every_schema_key_accepts_null_and_rejects_objects() -> None:
    for algorithm, schema in SCHEMAS.items():
        for key in schema:
            body = minimal(hyperparameters={algorithm: {key: None}})
            assert parse_job_request(body).hyperparameters[algorithm] == {key: None}
            field, _ = rejection(minimal(hyperparameters={algorithm: {key: {"x": 1}}}))
            assert field == f"hyperparameters.{algorithm}.{key}"


# --- rendering ----------------------------------------------------------------------------


def test_xgboost_env_maps_num_round_and_upper_cases_the_rest_in_sorted_order() -> None:
    env = hyperparameter_env(
        "xgboost",
        {
            "num_round": 300,
            "eta": 0.3,
            "eval_metric": ["rmse", "mae"],
            "early_stopping_rounds": None,
            "validate_parameters": True,
            "nthread": "auto",
        },
    )
    assert env == {
        "ETA": "0.3",
        "EVAL_METRIC": "rmse,mae",
        "NTHREAD": "auto",
        "NUM_BOOST_ROUND": "300",
        "VALIDATE_PARAMETERS": "true",
    }
    assert list(env) == sorted(env)


def test_flags_are_sorted_and_skip_nulls() -> None:
    args = hyperparameter_args({"lr": 0.1, "epochs": 3, "x": None, "amp": False})
    assert args == ["--amp=false", "--epochs=3", "--lr=0.1"]


# --- property: arbitrary JSON only ever raises RequestInvalid ------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
keys = st.sampled_from([*sorted(FRONTEND_BODY), "placement", "pvcName", "entrypoint"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(json_values, st.dictionaries(keys, json_values, max_size=8)))
def test_arbitrary_json_raises_only_request_invalid(payload: object) -> None:
    try:
        parse_job_request(payload)
    except RequestInvalid as error:
        assert error.field
        assert str(error) == f"{error.field}: {error.reason}"


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(FRONTEND_BODY)),
    json_values,
)
def test_frontend_body_with_one_field_replaced_raises_only_request_invalid(
    key: str, value: object
) -> None:
    body = copy.deepcopy(FRONTEND_BODY)
    body[key] = value
    try:
        request = parse_job_request(body)
    except RequestInvalid:
        return
    json.dumps(request.normalized())  # whatever is accepted normalises to JSON
