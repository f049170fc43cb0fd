"""k8s/karmada/ ResourceInterpreterCustomizations: valid objects, and with them Karmada's
propagateDeps carries the storage Secret and the data PVC for MPIJob and JAXJob too.

The Lua runs in the simulator's Karmada interpreter (real Lua via lupa, Karmada's
``kube.getPodDependencies``), next to Karmada's own built-in customizations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from karmada_sim.karmada.interpreter import ResourceInterpreter
from tests.support.crd import manifest_errors
from tests.workloads.helpers import manifests_for, request_of

CUSTOMIZATIONS = sorted((Path(__file__).parents[2] / "k8s" / "karmada").glob("*.yaml"))


def load_customizations() -> list[dict[str, Any]]:
    return [doc for path in CUSTOMIZATIONS for doc in yaml.safe_load_all(path.read_text()) if doc]


def test_there_is_one_for_mpijob_and_one_for_jaxjob() -> None:
    targets = {
        (c["spec"]["target"]["apiVersion"], c["spec"]["target"]["kind"])
        for c in load_customizations()
    }
    assert targets == {("kubeflow.org/v2beta1", "MPIJob"), ("kubeflow.org/v1", "JAXJob")}


@pytest.mark.parametrize("path", CUSTOMIZATIONS, ids=[p.name for p in CUSTOMIZATIONS])
def test_customization_validates_against_the_crd(path: Path) -> None:
    for doc in yaml.safe_load_all(path.read_text()):
        assert manifest_errors(doc) == []


def expected_dependencies(namespace: str, secret: str, claim: str) -> list[dict[str, str]]:
    return [
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "name": claim,
            "namespace": namespace,
        },
        {"apiVersion": "v1", "kind": "Secret", "name": secret, "namespace": namespace},
    ]


@pytest.mark.parametrize(
    "algorithm", ["xgboost", "pytorch", "tensorflow", "horovod-mpi", "jax-pjit", "container"]
)
def test_dependencies_follow_every_kind(algorithm: str) -> None:
    interpreter = ResourceInterpreter()
    interpreter.set_user_customizations(load_customizations())
    request = request_of(
        algorithm,
        pvcName="shared-data",
        storageSecretName="team-storage",
        namespace="team-a",
        resources={"instanceResources": {"cpuCores": 1, "memoryGiB": 2}, "instanceCount": 2},
    )
    workload = manifests_for(request).workload
    deps = interpreter.get_dependencies(workload)
    assert deps == expected_dependencies("team-a", "team-storage", "shared-data")


@pytest.mark.parametrize("algorithm", ["horovod-mpi", "jax-pjit"])
def test_without_the_customization_karmada_finds_no_dependencies(algorithm: str) -> None:
    workload = manifests_for(request_of(algorithm, pvcName="shared-data")).workload
    assert ResourceInterpreter().get_dependencies(workload) == []
