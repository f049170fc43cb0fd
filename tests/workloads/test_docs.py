"""docs/workloads.md documents every hyperparameter, algorithm and priority band we accept."""

from __future__ import annotations

from pathlib import Path

from app.jobspec import SCHEMAS
from app.workloads import ALGORITHM_KINDS, WorkloadSettings

DOC = (Path(__file__).parents[2] / "docs" / "workloads.md").read_text()


def test_every_hyperparameter_row_is_documented() -> None:
    for algorithm, schema in SCHEMAS.items():
        assert f"`{algorithm}`" in DOC
        for key, param in schema.items():
            env = param.env or key.upper()
            assert f"| `{key}` |" in DOC and f"`{env}` |" in DOC, (algorithm, key)


def test_every_algorithm_and_kind_is_in_the_table() -> None:
    for algorithm, kind in ALGORITHM_KINDS.items():
        assert f"`{algorithm}`" in DOC
        assert f"`{kind.api_version} {kind.kind}`" in DOC


def test_priority_bands_and_mount_path_match_the_defaults() -> None:
    settings = WorkloadSettings.defaults()
    for _, name in settings.priority_classes:
        assert f"`{name}`" in DOC
    assert f"`{settings.volume_mount_path}`" in DOC
    assert f"`{settings.storage_secret_name}`" in DOC
