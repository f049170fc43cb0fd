"""Which upstream reference data (CRDs, OpenAPI documents, Karmada interpreters) the simulator uses.

`resolve_source()` never fails: it returns either a directory holding the real upstream files
(with the upstream versions it records) or the built-in model (`karmada_sim.builtin`). Precedence:

1. an explicit setting (`SimulatorConfig.reference_dir`, `--reference-dir`); the word `builtin`
   forces the built-in model;
2. the `K8S_REFERENCE_DIR` environment variable (also accepts `builtin`);
3. `../shared/k8s-reference` beside the checkout;
4. the user cache written by `mlplatform reference fetch`
   (`$XDG_CACHE_HOME/ml-platform/k8s-reference/<manifest version>`, else `~/.cache/...`);
5. the built-in model.

An explicit directory (1 or 2) that does not hold reference data is not an error either: the
next candidates are tried and the source says why the setting was passed over.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE_DIR = REPO_ROOT / ".." / "shared" / "k8s-reference"
BUILTIN = "builtin"
MANIFEST_PATH = Path(__file__).with_name("reference_manifest.json")
# Written into a fetched cache directory: the manifest it was verified against.
CACHE_MANIFEST_NAME = "reference-manifest.json"
# A directory counts as reference data when it holds these (what the simulator reads first).
_MARKERS = ("karmada/crds", "karmada-thirdparty")


@dataclass(frozen=True)
class ReferenceSource:
    """The reference data in use: a directory (with its upstream versions) or the built-in model."""

    path: Path | None
    origin: str
    versions: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def builtin(self) -> bool:
        return self.path is None

    def describe(self) -> str:
        """One line for the startup log."""
        if self.path is None:
            text = f"k8s reference: built-in model ({self.origin})"
        else:
            versions = ", ".join(f"{k} {v}" for k, v in self.versions.items()) or "versions unknown"
            text = f"k8s reference: {self.path} ({self.origin}; {versions})"
        if self.notes:
            text += "; " + "; ".join(self.notes)
        return text

    def as_dict(self) -> dict[str, Any]:
        """What `GET /_sim/reference` answers."""
        return {
            "source": "builtin" if self.path is None else "directory",
            "path": None if self.path is None else str(self.path),
            "origin": self.origin,
            "versions": dict(self.versions),
            "notes": list(self.notes),
        }


def manifest_version() -> str:
    """The version of the pinned manifest shipped with the simulator (names the cache folder)."""
    try:
        data = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "unknown"
    return str(data.get("version", "unknown"))


def user_cache_root() -> Path:
    """`$XDG_CACHE_HOME/ml-platform/k8s-reference` (`~/.cache` when XDG_CACHE_HOME is unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "ml-platform" / "k8s-reference"


def user_cache_dir() -> Path:
    """Where `reference fetch` puts the files of the current manifest."""
    return user_cache_root() / manifest_version()


def is_reference_dir(path: Path) -> bool:
    """Whether `path` holds reference data (not just any existing directory)."""
    return path.is_dir() and all((path / marker).is_dir() for marker in _MARKERS)


# "| owner/repo ... | ref | `commit` | ..." rows of the "Upstream snapshots used" table.
_SNAPSHOT_ROW = re.compile(r"^\|\s*([\w.-]+/[\w.-]+)[^|]*\|[^|]*\|\s*`([0-9a-f]{40})`")


def read_versions(path: Path) -> dict[str, str]:
    """Upstream repository -> commit, from a fetched manifest copy or the directory's README."""
    manifest = path / CACHE_MANIFEST_NAME
    if manifest.is_file():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            fetched = {"manifest": str(data.get("version", "unknown"))}
            fetched.update({str(k): str(v) for k, v in (data.get("sources") or {}).items()})
            return fetched
        except (OSError, ValueError, AttributeError):
            pass
    versions: dict[str, str] = {}
    try:
        lines = (path / "README.md").read_text(encoding="utf-8").splitlines()
    except OSError:
        return versions
    for line in lines:
        match = _SNAPSHOT_ROW.match(line)
        if match:
            repo, commit = match.groups()
            # A repository may be pinned at several commits (e.g. a release tag and master).
            seen = versions.get(repo)
            versions[repo] = f"{seen}+{commit[:12]}" if seen else commit[:12]
    return versions


def _directory(path: Path, origin: str, notes: list[str]) -> ReferenceSource:
    return ReferenceSource(path, origin, read_versions(path), tuple(notes))


def resolve_source(configured: str | os.PathLike[str] | None = None) -> ReferenceSource:
    """The reference source to use (module docstring: precedence). Never raises."""
    notes: list[str] = []
    explicit: list[tuple[str, str]] = []
    if configured:
        explicit.append((os.fspath(configured), "setting"))
    env = os.environ.get("K8S_REFERENCE_DIR")
    if env:
        explicit.append((env, "K8S_REFERENCE_DIR"))
    for value, origin in explicit:
        if value.strip().lower() in (BUILTIN, "built-in"):
            return ReferenceSource(None, f"forced by {origin}", {}, tuple(notes))
        path = Path(value).expanduser()
        if not path.is_absolute():
            path = Path.cwd() / path
        path = path.resolve()
        if is_reference_dir(path):
            return _directory(path, origin, notes)
        notes.append(f"{origin} {path} holds no reference data")
    beside = DEFAULT_REFERENCE_DIR.resolve()
    if is_reference_dir(beside):
        return _directory(beside, "beside the checkout", notes)
    cache = user_cache_dir()
    if is_reference_dir(cache):
        return _directory(cache, "user cache", notes)
    return ReferenceSource(None, "no reference directory found", {}, tuple(notes))


def reference_dir(configured: str | None = None) -> Path:
    """The reference *directory*, for tools and tests that need the real files.

    Raises `FileNotFoundError` when only the built-in model is available; the simulator itself
    uses `resolve_source()`, which never does.
    """
    source = resolve_source(configured)
    if source.path is None:
        raise FileNotFoundError(
            f"k8s reference data not found ({source.origin}); run `mlplatform reference fetch` "
            "or set K8S_REFERENCE_DIR"
        )
    return source.path
