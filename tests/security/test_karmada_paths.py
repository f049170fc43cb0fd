"""The Karmada path builder (app.karmada.paths): validation first, then one escaped segment."""

from __future__ import annotations

import pytest

from app.karmada.paths import (
    InvalidPathValue,
    api_path,
    check_cluster,
    check_namespace,
    cluster_proxy_path,
    label_selector,
    member_resources_path,
    pod_log_path,
)
from app.karmada.resources import CLUSTERS, SECRETS

HOSTILE = [
    "team-a/secrets#", "team-a/secrets?x=", "..", ".", "a/../b", "team-a%2Fsecrets", "Team-A",
    "a b", "-a", "a-", "", "x" * 64, "ä", "a\nb", "a;b", "a#", "a?", "a/b",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_namespaces_are_refused(value: str) -> None:
    with pytest.raises(InvalidPathValue) as raised:
        api_path("", "v1", "pods", value)
    assert raised.value.field == "namespace"
    with pytest.raises(InvalidPathValue):
        member_resources_path("pods", value)


@pytest.mark.parametrize("value", [*HOSTILE[:5], "a..b", ".a", "a.", "x" * 254])
def test_hostile_names_and_clusters_are_refused(value: str) -> None:
    with pytest.raises(InvalidPathValue):
        pod_log_path("default", value)
    with pytest.raises(InvalidPathValue):
        check_cluster(value)
    with pytest.raises(InvalidPathValue):
        SECRETS.path("default", value)


def test_valid_values_build_the_expected_paths() -> None:
    assert check_namespace("x" * 63) == "x" * 63
    assert api_path("", "v1", "pods", "team-a") == "/api/v1/namespaces/team-a/pods"
    assert member_resources_path("jobs", "team-a") == "/apis/batch/v1/namespaces/team-a/jobs"
    assert pod_log_path("team-a", "p-1.x") == "/api/v1/namespaces/team-a/pods/p-1.x/log"
    assert CLUSTERS.path(None, "member1") == "/apis/cluster.karmada.io/v1alpha1/clusters/member1"
    assert cluster_proxy_path("member1", "/api/v1/namespaces/a/pods") == (
        "/apis/cluster.karmada.io/v1alpha1/clusters/member1/proxy/api/v1/namespaces/a/pods"
    )


@pytest.mark.parametrize("resource_type", ["secrets", "configmaps", "pods/../secrets", "Pods", ""])
def test_types_outside_the_allowlist_are_refused(resource_type: str) -> None:
    with pytest.raises(InvalidPathValue) as raised:
        member_resources_path(resource_type, "default")
    assert raised.value.field == "type"


def test_proxy_takes_only_built_member_paths() -> None:
    with pytest.raises(InvalidPathValue):
        cluster_proxy_path("member1", "api/v1/namespaces/a/secrets")
    with pytest.raises(InvalidPathValue):
        cluster_proxy_path("member1/proxy/api/v1/secrets#", "/api/v1/pods")


@pytest.mark.parametrize(
    ("key", "value"),
    [("app", "a,b=c"), ("app", "a b"), ("app", "x" * 64), ("a,b", "c"), ("app", "a&x=1"),
     ("bad..prefix/app", "v"), ("app", "a)"), ("app", "ä")],
)
def test_label_selectors_cannot_add_requirements(key: str, value: str) -> None:
    with pytest.raises(InvalidPathValue):
        label_selector([(key, value)])


def test_label_selector_of_valid_pairs() -> None:
    pairs = [("ml-platform.io/job-id", "job-1a2b"), ("ml-platform.io/instance", "default")]
    assert label_selector(pairs) == "ml-platform.io/job-id=job-1a2b,ml-platform.io/instance=default"
