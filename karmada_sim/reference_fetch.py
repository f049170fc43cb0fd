"""`reference fetch`: download the pinned upstream files the simulator reads into the user cache.

`karmada_sim/reference_manifest.json` lists each file: its path in the reference directory, its
upstream location `<owner>/<repo>/<commit>/<path>` (fetched under a base URL,
raw.githubusercontent.com by default) and the sha256 of the expected bytes. One file is derived
rather than downloaded: the Cluster JSON Schema (Karmada serves Cluster from its aggregated API
server, so no CRD exists; the schema is cut out of Karmada's swagger.json, as the k8s-reference
README describes), and its sha256 is pinned too.

Everything is downloaded into a temporary directory beside the target and checked; only then is
that directory renamed into place, so the cache never holds a partial or unverified copy.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from karmada_sim.reference import CACHE_MANIFEST_NAME, MANIFEST_PATH, user_cache_dir

DEFAULT_BASE_URL = "https://raw.githubusercontent.com"
BASE_URL_ENV = "K8S_REFERENCE_BASE_URL"
SWAGGER = "karmada/openapi/swagger.json"
CLUSTER_SCHEMA = "karmada/openapi/cluster.karmada.io_v1alpha1_Cluster.schema.json"
_CLUSTER_DEFINITION = "com.github.karmada-io.karmada.pkg.apis.cluster.v1alpha1.Cluster"
# No single upstream file comes near this (the largest is about 2 MiB); a server that sends more
# than a file's pinned size is cut off at that size anyway.
MAX_FILE_BYTES = 16 * 1024 * 1024
_CHUNK = 64 * 1024
_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")
_UPSTREAM = re.compile(r"^[\w.-]+/[\w.-]+/[0-9a-f]{40}/[\w.+/-]+$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class FetchError(Exception):
    """A download or verification failure; the message names the file."""


@dataclass(frozen=True)
class ManifestFile:
    path: PurePosixPath
    url: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    version: str
    sources: dict[str, str]
    files: tuple[ManifestFile, ...]
    derived_sha256: str
    raw: dict[str, Any]


def safe_relative(value: Any) -> PurePosixPath:
    """A manifest path as a relative path that cannot leave the target directory."""
    if not isinstance(value, str) or not value or "\\" in value or "\x00" in value:
        raise FetchError(f"manifest: invalid path {value!r}")
    # The raw segments are checked: PurePosixPath would quietly normalise "a//b" and "./a".
    if any(not _SEGMENT.match(part) for part in value.split("/")):
        # Rejects "..", ".", empty segments, leading dots and drive-like names.
        raise FetchError(f"manifest: unsafe path {value!r}")
    return PurePosixPath(value)


def load_manifest(path: Path = MANIFEST_PATH) -> Manifest:
    """Read and validate the manifest (every path, URL and checksum is checked here)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FetchError(f"manifest {path}: {exc}") from exc
    version = str(raw.get("version", ""))
    if not _SEGMENT.match(version):
        raise FetchError(f"manifest: invalid version {version!r}")
    files = []
    seen: set[PurePosixPath] = set()
    for entry in raw.get("files") or []:
        rel = safe_relative(entry.get("path"))
        url = entry.get("url")
        sha = entry.get("sha256")
        size = entry.get("size")
        if not isinstance(url, str) or not _UPSTREAM.match(url) or ".." in url.split("/"):
            raise FetchError(f"manifest: {rel}: url must be <owner>/<repo>/<commit>/<path>")
        if not isinstance(sha, str) or not _SHA256.match(sha):
            raise FetchError(f"manifest: {rel}: invalid sha256")
        if not isinstance(size, int) or not 0 <= size <= MAX_FILE_BYTES:
            raise FetchError(f"manifest: {rel}: invalid size")
        if rel in seen or rel == PurePosixPath(CACHE_MANIFEST_NAME):
            raise FetchError(f"manifest: {rel} listed twice or reserved")
        seen.add(rel)
        files.append(ManifestFile(rel, url, sha, size))
    derived = raw.get("derived") or []
    derived_sha = ""
    for entry in derived:
        if entry.get("path") != CLUSTER_SCHEMA or entry.get("from") != SWAGGER:
            raise FetchError(f"manifest: unknown derived file {entry.get('path')!r}")
        derived_sha = str(entry.get("sha256", ""))
        if not _SHA256.match(derived_sha):
            raise FetchError(f"manifest: {CLUSTER_SCHEMA}: invalid sha256")
    sources = {str(k): str(v) for k, v in (raw.get("sources") or {}).items()}
    return Manifest(version, sources, tuple(files), derived_sha, raw)


def derive_cluster_schema(swagger: bytes) -> bytes:
    """A self-contained JSON Schema for Cluster: the definitions it reaches in swagger.json."""
    definitions = json.loads(swagger)["definitions"]
    reached: dict[str, Any] = {}
    pending = [_CLUSTER_DEFINITION]
    while pending:
        name = pending.pop()
        if name in reached:
            continue
        reached[name] = definitions[name]
        pending.extend(_refs(definitions[name]))
    document = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "$comment": "Derived by karmada_sim/reference_fetch.py from karmada "
        "api/openapi-spec/swagger.json: the definitions reachable from Cluster.",
        "$ref": f"#/definitions/{_CLUSTER_DEFINITION}",
        "definitions": {name: reached[name] for name in sorted(reached)},
    }
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()


def _refs(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            found.append(ref.removeprefix("#/definitions/"))
        for value in node.values():
            found.extend(_refs(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_refs(value))
    return found


def _opener() -> urllib.request.OpenerDirector:
    # Only http(s), following redirects between them: no file:, ftp: or data: URLs.
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def check_base_url(base_url: str) -> str:
    parsed = urllib.parse.urlsplit(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise FetchError(f"base URL must be http(s)://host[/path], not {base_url!r}")
    return base_url.rstrip("/")


def _download(opener: urllib.request.OpenerDirector, base: str, entry: ManifestFile,
              destination: Path, timeout: float) -> None:
    url = f"{base}/{urllib.parse.quote(entry.url)}"
    digest = hashlib.sha256()
    received = 0
    try:
        with opener.open(url, timeout=timeout) as response, destination.open("wb") as out:
            while True:
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                received += len(chunk)
                if received > entry.size:
                    raise FetchError(
                        f"{entry.path}: {url} sent more than the pinned {entry.size} bytes")
                digest.update(chunk)
                out.write(chunk)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{entry.path}: {url} answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"{entry.path}: cannot download {url}: {reason}") from exc
    if digest.hexdigest() != entry.sha256:
        raise FetchError(
            f"{entry.path}: checksum mismatch for {url} "
            f"(sha256 {digest.hexdigest()}, expected {entry.sha256})"
        )


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_complete(target: Path, manifest: Manifest) -> bool:
    """Whether `target` already holds every file of `manifest`, verified."""
    if not (target / CACHE_MANIFEST_NAME).is_file():
        return False
    try:
        return all(
            _sha256_file(target / entry.path) == entry.sha256 for entry in manifest.files
        )
    except OSError:
        return False


def fetch(
    target: Path | None = None,
    *,
    base_url: str | None = None,
    manifest: Manifest | None = None,
    timeout: float = 60.0,
    force: bool = False,
) -> Path:
    """Download, verify and install the reference files into `target` (default: user cache)."""
    manifest = manifest or load_manifest()
    base = check_base_url(base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL)
    target = (target or user_cache_dir()).expanduser().absolute()
    if not force and is_complete(target, manifest):
        return target
    if target.exists() and not (target / CACHE_MANIFEST_NAME).is_file() and (
        not target.is_dir() or any(target.iterdir())
    ):
        # Replacing is only for an earlier fetch: never move away a directory of other files.
        raise FetchError(f"{target} exists and is not a fetched reference directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        opener = _opener()
        for entry in manifest.files:
            destination = staging / entry.path
            destination.parent.mkdir(parents=True, exist_ok=True)
            _download(opener, base, entry, destination, timeout)
        if manifest.derived_sha256:
            derived = derive_cluster_schema((staging / SWAGGER).read_bytes())
            if hashlib.sha256(derived).hexdigest() != manifest.derived_sha256:
                raise FetchError(f"{CLUSTER_SCHEMA}: derived schema does not match its checksum")
            (staging / CLUSTER_SCHEMA).write_bytes(derived)
        (staging / CACHE_MANIFEST_NAME).write_text(
            json.dumps(manifest.raw, indent=2) + "\n", encoding="utf-8")
        _install(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _install(staging: Path, target: Path) -> None:
    """Move the verified staging directory to `target` (replacing an older copy)."""
    if not target.exists():
        staging.rename(target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    old.rmdir()
    target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def add_fetch_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `reference fetch` (shared with `mlplatform reference fetch`)."""
    parser.add_argument(
        "--dir", help="where to put the files (default: the user cache, where the simulator "
        "looks: $XDG_CACHE_HOME/ml-platform/k8s-reference/<manifest version>)")
    parser.add_argument(
        "--base-url", help=f"where <owner>/<repo>/<commit>/<path> is fetched from "
        f"(default: ${BASE_URL_ENV} or {DEFAULT_BASE_URL})")
    parser.add_argument("--force", action="store_true", help="download even if already there")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")


def run_fetch(args: argparse.Namespace) -> int:
    """Run `reference fetch`; a failure is one line on stderr and exit status 1."""
    try:
        manifest = load_manifest()
        target = fetch(
            Path(args.dir) if args.dir else None,
            base_url=args.base_url,
            manifest=manifest,
            timeout=args.timeout,
            force=args.force,
        )
    except FetchError as exc:
        sys.stderr.write(f"reference fetch failed: {exc}\n")
        return 1
    print(f"k8s reference {manifest.version}: {len(manifest.files) + 1} files in {target}")
    if args.dir:
        print(f"use it with K8S_REFERENCE_DIR={target} or --reference-dir {target}")
    return 0


def add_reference_parser(commands: Any) -> None:
    """`reference fetch` under an argparse subparsers object."""
    reference = commands.add_parser("reference", help="the upstream k8s reference data")
    actions = reference.add_subparsers(dest="reference_command", required=True)
    fetch_parser = actions.add_parser(
        "fetch", help="download the pinned upstream files into the user cache, verified")
    add_fetch_arguments(fetch_parser)
    fetch_parser.set_defaults(handler=run_fetch)
