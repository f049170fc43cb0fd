"""Standing Karmada refusals, per resource (app/karmada/refusals.py)."""

from __future__ import annotations

import pytest

from app.karmada.refusals import Refusals, resource_of


@pytest.mark.parametrize(
    ("path", "resource"),
    [
        ("/api/v1/namespaces/team-a/secrets/storage", "secrets"),
        ("/api/v1/namespaces/team-a", "namespaces"),
        ("/api/v1/namespaces", "namespaces"),
        ("/apis/cluster.karmada.io/v1alpha1/clusters", "clusters"),
        ("/apis/scheduling.k8s.io/v1/priorityclasses/high", "priorityclasses"),
        ("/apis/ray.io/v1/namespaces/ns/rayjobs/j?dryRun=All", "rayjobs"),
        ("/version", "version"),
    ],
)
def test_the_resource_of_a_path(path: str, resource: str) -> None:
    assert resource_of(path) == resource


def test_a_refusal_stands_until_that_resource_succeeds() -> None:
    refusals = Refusals()
    refusals.record("GET", "/api/v1/namespaces/a/secrets/s", 403)
    refusals.record("GET", "/apis/cluster.karmada.io/v1alpha1/clusters", 401)
    refusals.clear("/api/v1/namespaces/a")  # another resource: no effect
    assert [r.resource for r in refusals.current()] == ["clusters", "secrets"]
    assert refusals.current()[1].describe() == (
        "Karmada refuses GET on secrets (HTTP 403): grant the server's Karmada account "
        "access to it (RBAC)")
    refusals.clear("/api/v1/namespaces/b/secrets/other")
    assert [r.resource for r in refusals.current()] == ["clusters"]
