"""Where the upstream reference data (CRDs, OpenAPI documents, Karmada interpreters) lives.

The data stays outside the repository (`../shared/k8s-reference` relative to the repo root);
`K8S_REFERENCE_DIR` or `SimulatorConfig.reference_dir` point elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE_DIR = REPO_ROOT / ".." / "shared" / "k8s-reference"


def reference_dir(configured: str | None = None) -> Path:
    """The reference directory: explicit setting, else `K8S_REFERENCE_DIR`, else the default."""
    chosen = configured or os.environ.get("K8S_REFERENCE_DIR")
    path = Path(chosen) if chosen else DEFAULT_REFERENCE_DIR
    if not path.is_absolute():
        path = REPO_ROOT / path
    path = path.resolve()
    if not path.is_dir():
        raise FileNotFoundError(f"k8s reference data not found at {path}; set K8S_REFERENCE_DIR")
    return path
