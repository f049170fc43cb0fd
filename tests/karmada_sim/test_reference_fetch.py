"""`reference fetch` against local HTTP servers: a faithful copy, a tampered file, none at all."""

from __future__ import annotations

import functools
import http.server
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import karmada_sim.reference as reference
from karmada_sim.config import SimulatorConfig
from karmada_sim.reference import CACHE_MANIFEST_NAME, reference_dir, resolve_source
from karmada_sim.reference_fetch import (
    CLUSTER_SCHEMA,
    FetchError,
    derive_cluster_schema,
    fetch,
    load_manifest,
    safe_relative,
)
from karmada_sim.runtime import Simulator

REF = reference_dir()
MANIFEST = load_manifest()
ROOT = Path(__file__).resolve().parents[2]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    requests: list[str]

    def log_message(self, format: str, *args: object) -> None:
        self.requests.append(self.path)


def _tree(tmp: Path, tamper: str | None = None) -> Path:
    """The upstream layout (<owner>/<repo>/<commit>/<path>) as links to the local copies."""
    root = tmp / ("tampered" if tamper else "upstream")
    for entry in MANIFEST.files:
        served = root / entry.url
        served.parent.mkdir(parents=True, exist_ok=True)
        if str(entry.path) == tamper:
            served.write_bytes((REF / entry.path).read_bytes().replace(b"a", b"b", 1))
        else:
            served.symlink_to(REF / entry.path)
    return root


@pytest.fixture
def serve() -> Iterator[functools.partial[tuple[str, list[str]]]]:
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(directory: Path) -> tuple[str, list[str]]:
        seen: list[str] = []
        handler = type("Handler", (_Quiet,), {"requests": seen})
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", seen

    yield functools.partial(start)
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty user cache, and no reference directory beside the checkout or in the env."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("K8S_REFERENCE_DIR", raising=False)
    monkeypatch.setattr(reference, "DEFAULT_REFERENCE_DIR", tmp_path / "nothing-beside")
    return tmp_path / "cache"


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir()) if parent.exists() else []


def test_fetch_verifies_installs_and_later_runs_find_the_cache(
    tmp_path: Path, cache: Path, serve: functools.partial[tuple[str, list[str]]]
) -> None:
    assert resolve_source().builtin  # nothing found yet
    base, seen = serve(_tree(tmp_path))
    target = fetch(base_url=base)
    assert target == cache / "ml-platform" / "k8s-reference" / MANIFEST.version
    assert len(seen) == len(MANIFEST.files)
    for entry in MANIFEST.files:
        assert (target / entry.path).read_bytes() == (REF / entry.path).read_bytes()
    # The derived Cluster schema carries the same definitions as the reference copy.
    derived = json.loads((target / CLUSTER_SCHEMA).read_text())
    assert derived["definitions"] == json.loads((REF / CLUSTER_SCHEMA).read_text())["definitions"]
    assert _leftovers(target.parent) == [MANIFEST.version]  # no staging directory left

    source = resolve_source()
    assert (source.path, source.origin) == (target, "user cache")
    assert source.versions["manifest"] == MANIFEST.version
    assert source.versions["karmada-io/karmada"] == "f8fdd02df376"
    sim = Simulator()
    assert sim.reference_dir == target
    kinds = {rt.kind for rt in sim.store.resource_types}
    assert {"RayJob", "PyTorchJob", "Cluster", "Job", "ResourceBinding"} <= kinds
    # The fetched files serve exactly what the reference directory serves.
    from_directory = Simulator(SimulatorConfig(reference_dir=str(REF)))
    assert kinds == {rt.kind for rt in from_directory.store.resource_types}

    # A second run finds a complete, verified copy and downloads nothing.
    assert fetch(base_url=base) == target
    assert len(seen) == len(MANIFEST.files)


def test_a_tampered_file_is_named_and_nothing_is_installed(
    tmp_path: Path, cache: Path, serve: functools.partial[tuple[str, list[str]]]
) -> None:
    victim = "karmada-thirdparty/ray.io/v1/RayJob/customizations.yaml"
    base, _ = serve(_tree(tmp_path, tamper=victim))
    with pytest.raises(FetchError, match=f"{victim}: checksum mismatch"):
        fetch(base_url=base)
    parent = cache / "ml-platform" / "k8s-reference"
    assert _leftovers(parent) == []
    assert resolve_source().builtin


def test_a_file_larger_than_pinned_is_cut_off(
    tmp_path: Path, cache: Path, serve: functools.partial[tuple[str, list[str]]]
) -> None:
    root = _tree(tmp_path)
    bigger = tmp_path / "bigger"
    first = MANIFEST.files[0]
    (bigger / first.url).parent.mkdir(parents=True)
    (bigger / first.url).write_bytes((REF / first.path).read_bytes() + b"\n# more")
    base, _ = serve(bigger)
    with pytest.raises(FetchError, match=f"{first.path}: .* more than the pinned"):
        fetch(base_url=base)
    assert root.exists()
    assert _leftovers(cache / "ml-platform" / "k8s-reference") == []


def test_an_unreachable_source_is_a_clear_error(cache: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match=f"{MANIFEST.files[0].path}: cannot download"):
        fetch(base_url=f"http://127.0.0.1:{port}", timeout=5)
    assert _leftovers(cache / "ml-platform" / "k8s-reference") == []


def test_a_missing_file_names_it(
    tmp_path: Path, cache: Path, serve: functools.partial[tuple[str, list[str]]]
) -> None:
    (tmp_path / "empty-site").mkdir()
    base, _ = serve(tmp_path / "empty-site")
    with pytest.raises(FetchError, match=f"{MANIFEST.files[0].path}: .* HTTP 404"):
        fetch(base_url=base)


@pytest.mark.parametrize(
    "path", ["../escape.yaml", "/etc/passwd", "a/../../b", "a//b", "./a", "a\\b", "", ".hidden"]
)
def test_unsafe_manifest_paths_are_refused(path: str) -> None:
    with pytest.raises(FetchError, match="path"):
        safe_relative(path)


def test_manifest_urls_must_be_pinned_to_a_commit(tmp_path: Path) -> None:
    raw = json.loads(json.dumps(MANIFEST.raw))
    raw["files"][0]["url"] = "ray-project/kuberay/master/ray-operator/x.yaml"
    bad = tmp_path / "manifest.json"
    bad.write_text(json.dumps(raw))
    with pytest.raises(FetchError, match="<commit>"):
        load_manifest(bad)
    raw["files"][0]["url"] = "a/b/" + "0" * 40 + "/../../etc/passwd"
    bad.write_text(json.dumps(raw))
    with pytest.raises(FetchError, match="<commit>"):
        load_manifest(bad)


def test_the_manifest_matches_the_reference_copies() -> None:
    """Every pinned sha256 is the one of the shared copy (the manifest is not stale)."""
    import hashlib

    for entry in MANIFEST.files:
        assert hashlib.sha256((REF / entry.path).read_bytes()).hexdigest() == entry.sha256
    derived = derive_cluster_schema((REF / "karmada/openapi/swagger.json").read_bytes())
    assert hashlib.sha256(derived).hexdigest() == MANIFEST.derived_sha256


def test_fetch_refuses_to_replace_a_directory_of_other_files(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(FetchError, match="not a fetched reference directory"):
        fetch(mine, base_url="http://127.0.0.1:9")
    assert (mine / "notes.txt").read_text() == "keep me"


def test_both_command_lines(
    tmp_path: Path, cache: Path, serve: functools.partial[tuple[str, list[str]]]
) -> None:
    good, _ = serve(_tree(tmp_path))
    bad, _ = serve(_tree(tmp_path, tamper=str(MANIFEST.files[-1].path)))
    target = tmp_path / "fetched"
    run = subprocess.run(
        [sys.executable, "-m", "karmada_sim", "reference", "fetch", "--dir", str(target),
         "--base-url", bad], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 1
    assert f"{MANIFEST.files[-1].path}: checksum mismatch" in run.stderr
    assert not target.exists()
    from app.server.cli import main

    assert main(["reference", "fetch", "--dir", str(target), "--base-url", good]) == 0
    assert (target / CACHE_MANIFEST_NAME).is_file()
    assert resolve_source(str(target)).path == target


def test_force_replaces_an_earlier_fetch_atomically(
    tmp_path: Path, cache: Path, serve: functools.partial[tuple[str, list[str]]]
) -> None:
    base, seen = serve(_tree(tmp_path))
    target = fetch(base_url=base)
    (target / MANIFEST.files[0].path).write_bytes(b"corrupted")  # damaged since
    assert resolve_source().path == target  # still looks like reference data...
    assert fetch(base_url=base) == target  # ...but is not complete: downloaded again
    assert len(seen) == 2 * len(MANIFEST.files)
    assert (target / MANIFEST.files[0].path).read_bytes() == (REF / MANIFEST.files[0].path
                                                             ).read_bytes()
    assert fetch(base_url=base, force=True) == target
    assert len(seen) == 3 * len(MANIFEST.files)
    assert _leftovers(target.parent) == [MANIFEST.version]
