"""Job ids, derived object names, binding names and the job-id label/annotation."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.jobspec import JOB_NAME_PATTERN
from app.workloads import (
    ALL_KINDS,
    JOB_ID_ANNOTATION,
    JOB_ID_LABEL,
    PYTORCHJOB,
    RAYJOB,
    WorkloadKind,
    binding_name_for,
    instance_selector,
    job_id_label_value,
    job_id_of,
    new_job_id,
    object_name_for,
)

DNS1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
job_names = st.from_regex(JOB_NAME_PATTERN, fullmatch=True)


def test_new_job_id_is_name_dash_8_hex_and_fresh() -> None:
    first, second = new_job_id("train"), new_job_id("train")
    assert re.fullmatch(r"train-[0-9a-f]{8}", first)
    assert first != second


def test_short_ids_are_used_as_is() -> None:
    assert object_name_for("train-0a1b2c3d", RAYJOB) == "train-0a1b2c3d"
    assert job_id_label_value("train-0a1b2c3d") == "train-0a1b2c3d"


def test_leading_digit_gets_a_letter_prefix() -> None:
    assert object_name_for("9lives-0a1b2c3d", PYTORCHJOB) == "j9lives-0a1b2c3d"


def test_long_names_are_truncated_keeping_the_hex() -> None:
    job_id = "a" * 40 + "-b" * 11 + "-0a1b2c3d"
    name = object_name_for(job_id, RAYJOB)
    assert len(name) <= 47
    assert name.endswith("-0a1b2c3d")
    assert "--" not in name
    assert DNS1035.match(name)


@given(job_names, st.sampled_from(ALL_KINDS), st.text("0123456789abcdef", min_size=8, max_size=8))
def test_object_names_always_fit_the_kind(name: str, kind: WorkloadKind, hex8: str) -> None:
    job_id = f"{name}-{hex8}"
    object_name = object_name_for(job_id, kind)
    assert DNS1035.match(object_name)
    assert len(object_name) <= kind.max_name_length <= 63
    assert object_name.endswith(hex8)
    label = job_id_label_value(job_id)
    assert len(label) <= 63 and LABEL_VALUE.match(label) and label.endswith(hex8)


@given(job_names, job_names)
def test_distinct_jobs_never_collide(a: str, b: str) -> None:
    first, second = f"{a}-0000000a", f"{b}-0000000b"
    for kind in ALL_KINDS:
        assert object_name_for(first, kind) != object_name_for(second, kind)


def test_same_long_name_distinct_ids_stay_distinct() -> None:
    name = "x" * 63
    assert object_name_for(f"{name}-00000001", RAYJOB) != object_name_for(
        f"{name}-00000002", RAYJOB
    )


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("rayjob-sample", RAYJOB, "rayjob-sample-rayjob"),
        ("train-0a1b2c3d", PYTORCHJOB, "train-0a1b2c3d-pytorchjob"),
    ],
)
def test_binding_name_is_name_dash_lowercase_kind(
    name: str, kind: WorkloadKind, expected: str
) -> None:
    assert binding_name_for(name, kind) == expected


def test_job_id_of_prefers_the_annotation() -> None:
    long_id = "y" * 63 + "-0a1b2c3d"
    obj = {
        "metadata": {
            "labels": {JOB_ID_LABEL: job_id_label_value(long_id)},
            "annotations": {JOB_ID_ANNOTATION: long_id},
        }
    }
    assert job_id_of(obj) == long_id
    assert job_id_of({"metadata": {"labels": {JOB_ID_LABEL: "short-0a1b2c3d"}}}) == (
        "short-0a1b2c3d"
    )
    assert job_id_of({"metadata": {}}) is None
    assert job_id_of({}) is None


def test_instance_selector() -> None:
    assert instance_selector("inst") == (
        "app.kubernetes.io/managed-by=ml-platform,ml-platform.io/instance=inst"
    )
