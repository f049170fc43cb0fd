"""Patch documents: merge, JSON patch and schema-driven strategic merge, on plain dicts."""

from __future__ import annotations

import pytest

from karmada_sim.errors import BadRequest, Invalid, UnsupportedMediaType
from karmada_sim.openapi_schema import ResourceSchema
from karmada_sim.patches import apply_patch, json_patch, merge_patch
from karmada_sim.reference import reference_dir

JOB = ResourceSchema.from_builtin(
    reference_dir() / "kubernetes/openapi-spec-v3/release-1.35/apis__batch__v1_openapi.json",
    "io.k8s.api.batch.v1.Job",
)
SMP = "application/strategic-merge-patch+json"


def _job() -> dict[str, object]:
    return {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {"name": "a", "image": "img:1", "args": ["x"]},
                        {"name": "b", "image": "img:1"},
                    ],
                    "nodeSelector": {"k": "v"},
                }
            }
        }
    }


def test_merge_patch_rfc7386() -> None:
    assert merge_patch({"a": 1, "b": {"c": 2}}, {"b": {"c": None, "d": 3}}) == {
        "a": 1,
        "b": {"d": 3},
    }
    assert merge_patch({"l": [1, 2]}, {"l": [3]}) == {"l": [3]}


def test_json_patch_ops_and_errors() -> None:
    doc = {"a": [1, 2], "b": {"c": 1}}
    out = json_patch(
        doc,
        [
            {"op": "add", "path": "/a/-", "value": 3},
            {"op": "replace", "path": "/b/c", "value": 2},
            {"op": "move", "from": "/b/c", "path": "/d"},
            {"op": "copy", "from": "/d", "path": "/e"},
            {"op": "test", "path": "/e", "value": 2},
            {"op": "remove", "path": "/a/0"},
        ],
    )
    assert out == {"a": [2, 3], "b": {}, "d": 2, "e": 2}
    assert doc == {"a": [1, 2], "b": {"c": 1}}
    with pytest.raises(Invalid):
        json_patch(doc, [{"op": "test", "path": "/a/0", "value": 9}])
    with pytest.raises(BadRequest):
        json_patch(doc, {"op": "add"})


def test_strategic_merge_merges_containers_by_name() -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "a"}, {"name": "b"}],
                    "containers": [{"name": "b", "image": "img:2"}, {"name": "c", "image": "n"}],
                }
            }
        }
    }
    out = apply_patch(_job(), patch, SMP, JOB)
    containers = out["spec"]["template"]["spec"]["containers"]
    assert containers == [
        {"name": "a", "image": "img:1", "args": ["x"]},
        {"name": "b", "image": "img:2"},
        {"name": "c", "image": "n"},
    ]


def test_strategic_merge_delete_directive_and_null() -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {"containers": [{"name": "a", "$patch": "delete"}], "nodeSelector": None}
            }
        }
    }
    out = apply_patch(_job(), patch, SMP, JOB)
    spec = out["spec"]["template"]["spec"]
    assert [c["name"] for c in spec["containers"]] == ["b"]
    assert "nodeSelector" not in spec


def test_strategic_merge_without_patch_metadata_is_a_merge_patch() -> None:
    # Lists without x-kubernetes-patch-strategy (args) are replaced; so are CRD lists.
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "a", "args": ["y"]}]}}}}
    out = apply_patch(_job(), patch, SMP, JOB)
    assert out["spec"]["template"]["spec"]["containers"][0]["args"] == ["y"]
    crd = apply_patch({"l": [1, 2]}, {"l": [3]}, SMP, None)
    assert crd == {"l": [3]}


def test_unknown_patch_type_is_415() -> None:
    with pytest.raises(UnsupportedMediaType):
        apply_patch({}, {}, "application/apply-patch+yaml")
