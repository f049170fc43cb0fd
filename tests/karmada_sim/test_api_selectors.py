"""Label/field selector parsing and matching (apimachinery semantics), on plain dicts."""

from __future__ import annotations

import pytest

from karmada_sim.errors import BadRequest
from karmada_sim.selectors import (
    fields_match,
    parse_field_selector,
    parse_label_selector,
)


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ("a=b", {"a": "b"}, True),
        ("a==b", {"a": "c"}, False),
        ("a!=b", {}, True),  # != matches objects without the key
        ("a!=b", {"a": "b"}, False),
        ("a in (b, c)", {"a": "c"}, True),
        ("a in (b,c)", {}, False),
        ("a notin (b,c)", {}, True),
        ("a notin (b,c)", {"a": "b"}, False),
        ("a", {"a": ""}, True),
        ("!a", {"a": "x"}, False),
        ("!a", {}, True),
        ("a=b,c in (d),!e", {"a": "b", "c": "d"}, True),
        ("example.com/key=v", {"example.com/key": "v"}, True),
        ("", {"anything": "x"}, True),
    ],
)
def test_label_selector_matches(selector: str, labels: dict[str, str], expected: bool) -> None:
    assert parse_label_selector(selector).matches(labels) is expected


def test_equality_pairs_feed_the_index() -> None:
    selector = parse_label_selector("a=b,c in (d),e in (f,g),h!=i")
    assert selector.equality_pairs() == [("a", "b"), ("c", "d")]


@pytest.mark.parametrize("bad", ["a=b=c", "a in (b", "-a=b", "a=" + "x" * 64])
def test_invalid_label_selectors_are_bad_requests(bad: str) -> None:
    with pytest.raises(BadRequest):
        parse_label_selector(bad)


def test_field_selectors() -> None:
    obj = {"metadata": {"name": "x", "namespace": "ns"}, "status": {"phase": "Running"}}
    assert fields_match(obj, parse_field_selector("metadata.name=x", "ray.io", "RayJob"))
    assert not fields_match(obj, parse_field_selector("metadata.name!=x", "ray.io", "RayJob"))
    assert fields_match(obj, parse_field_selector("status.phase==Running", "", "Pod"))
    with pytest.raises(BadRequest):
        parse_field_selector("status.phase=Running", "ray.io", "RayJob")
