"""Helpers for the deployment tests: render kustomizations, look up built-in kind schemas."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from karmada_sim.openapi_schema import ResourceSchema
from karmada_sim.reference import reference_dir

REPO_ROOT = Path(__file__).resolve().parents[2]
K8S_DIR = REPO_ROOT / "k8s"
OVERLAYS = ("dev", "prod", "external-db", "nodeport")
KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"

Obj = dict[str, Any]

# (apiVersion, kind) -> (OpenAPI v3 document, component), per ../shared/k8s-reference/
# kubernetes/README.md ("Which key holds each kind").
SCHEMA_KEYS: dict[tuple[str, str], tuple[str, str]] = {
    ("v1", "Namespace"): ("api__v1_openapi.json", "io.k8s.api.core.v1.Namespace"),
    ("v1", "ServiceAccount"): ("api__v1_openapi.json", "io.k8s.api.core.v1.ServiceAccount"),
    ("v1", "ConfigMap"): ("api__v1_openapi.json", "io.k8s.api.core.v1.ConfigMap"),
    ("v1", "Secret"): ("api__v1_openapi.json", "io.k8s.api.core.v1.Secret"),
    ("v1", "Service"): ("api__v1_openapi.json", "io.k8s.api.core.v1.Service"),
    ("apps/v1", "Deployment"): ("apis__apps__v1_openapi.json", "io.k8s.api.apps.v1.Deployment"),
    ("apps/v1", "StatefulSet"): (
        "apis__apps__v1_openapi.json",
        "io.k8s.api.apps.v1.StatefulSet",
    ),
    ("batch/v1", "Job"): ("apis__batch__v1_openapi.json", "io.k8s.api.batch.v1.Job"),
    ("policy/v1", "PodDisruptionBudget"): (
        "apis__policy__v1_openapi.json",
        "io.k8s.api.policy.v1.PodDisruptionBudget",
    ),
    ("networking.k8s.io/v1", "NetworkPolicy"): (
        "apis__networking.k8s.io__v1_openapi.json",
        "io.k8s.api.networking.v1.NetworkPolicy",
    ),
}


def kustomize(path: Path) -> list[Obj]:
    """`kubectl kustomize <path>` parsed into objects (kubectl v1.32 has kustomize built in)."""
    result = subprocess.run(
        [KUBECTL, "kustomize", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"kubectl kustomize {path} failed:\n{result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@functools.cache
def _rendered(name: str) -> tuple[Obj, ...]:
    path = K8S_DIR / "jobs" if name == "jobs" else K8S_DIR / "overlays" / name
    return tuple(kustomize(path))


def render(name: str) -> list[Obj]:
    """An overlay (or ``jobs``) rendered once per test session; callers get fresh copies."""
    import copy

    return copy.deepcopy(list(_rendered(name)))


@functools.cache
def schema_for(api_version: str, kind: str) -> ResourceSchema:
    """The Kubernetes 1.35 OpenAPI schema of a built-in kind."""
    filename, component = SCHEMA_KEYS[(api_version, kind)]
    spec_dir = reference_dir() / "kubernetes" / "openapi-spec-v3" / "release-1.35"
    return ResourceSchema.from_builtin(spec_dir / filename, component)


def schema_problems(obj: Obj) -> list[str]:
    """Unknown fields and validation errors, as ``kubectl apply --validate=strict`` would."""
    schema = schema_for(obj["apiVersion"], obj["kind"])
    defaulted = schema.apply_defaults(obj)
    problems = [f"unknown field {path}" for path in schema.unknown_fields(defaulted)]
    problems += [f"{e.field}: {e.message}" for e in schema.validate(defaulted)]
    return problems


def find(objs: list[Obj], kind: str, name: str | None = None) -> list[Obj]:
    """Objects of ``kind`` (and ``name``)."""
    return [
        o for o in objs if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)
    ]


def one(objs: list[Obj], kind: str, name: str) -> Obj:
    """The single object of ``kind``/``name``."""
    found = find(objs, kind, name)
    assert len(found) == 1, f"expected one {kind}/{name}, found {len(found)}"
    return found[0]


def pod_template(obj: Obj) -> Obj:
    """The pod template of a Deployment, StatefulSet or Job."""
    template: Obj = obj["spec"]["template"]
    return template


def labels_match(selector: dict[str, str], labels: dict[str, str]) -> bool:
    """A matchLabels selector matches a label set."""
    return all(labels.get(k) == v for k, v in selector.items())
