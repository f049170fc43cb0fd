"""Offline GraphiQL: serve the npm files Strawberry's GraphiQL page loads from unpkg.com.

Strawberry's page (``strawberry/static/graphiql.html``) loads React, GraphiQL and the explorer
plugin from ``https://unpkg.com/<package>@<version>/<file>``, each with an ``integrity`` hash.
unpkg serves files straight out of the npm tarballs, so the same files taken from the npm
registry match those hashes. We fetch them at image build / install time (never committed),
lay them out as unpkg does (``<dest>/<package>@<version>/<file>``) and rewrite the page to
``<base_path>/<package>@<version>/<file>``. When the files are absent the page is left alone
and the browser falls back to the CDN.

Run ``python -m app.graphql.graphiql_assets fetch [DEST]`` to populate the directory; it never fails
(exit 0 with a warning) when the registry is unreachable, so an offline install still works
(``--strict`` makes that an error, for image builds). ``NPM_REGISTRY`` names a mirror.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tarfile
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import anyio
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

CDN_PREFIX = "https://unpkg.com/"
DEFAULT_ASSET_DIR = Path(__file__).resolve().parent / "static" / "graphiql"
ASSET_DIR = Path(os.environ.get("GRAPHIQL_ASSETS_DIR") or DEFAULT_ASSET_DIR)
DEFAULT_NPM_REGISTRY = "https://registry.npmjs.org"
_TIMEOUT_SECONDS = 30.0

# A script/link tag's unpkg URL followed (within the same tag) by its integrity attribute.
_ASSET_TAG = re.compile(
    r'(?:src|href)="https://unpkg\.com/'
    r"(?P<package>(?:@[^/@\"]+/)?[^/@\"]+)@(?P<version>[^/\"]+)/(?P<file>[^\"]+)\""
    r'(?:[^>]*?integrity="(?P<integrity>[^"]+)")?',
    re.DOTALL,
)


@dataclass(frozen=True)
class GraphiQLAsset:
    """One file the GraphiQL page loads: npm package, version, path in the package, SRI hash."""

    package: str
    version: str
    file: str
    integrity: str | None

    @property
    def relative_path(self) -> str:
        """Path under the asset directory (and under unpkg.com): ``<pkg>@<ver>/<file>``."""
        return f"{self.package}@{self.version}/{self.file}"


def strawberry_graphiql_html() -> str:
    """The GraphiQL page shipped with the installed Strawberry."""
    import strawberry

    page = Path(strawberry.__file__).resolve().parent / "static" / "graphiql.html"
    return page.read_text(encoding="utf-8")


def referenced_assets(html: str) -> list[GraphiQLAsset]:
    """Every unpkg file the page loads, in page order, without duplicates."""
    seen: dict[str, GraphiQLAsset] = {}
    for match in _ASSET_TAG.finditer(html):
        asset = GraphiQLAsset(
            package=match["package"],
            version=match["version"],
            file=match["file"],
            integrity=match["integrity"],
        )
        seen.setdefault(asset.relative_path, asset)
    return list(seen.values())


def assets_present(asset_dir: Path, html: str) -> bool:
    """True when every file the page references exists under ``asset_dir``."""
    assets = referenced_assets(html)
    return bool(assets) and all((asset_dir / a.relative_path).is_file() for a in assets)


def render_graphiql_page(
    original_html: str, assets_available: bool, base_path: str = "/graphiql-assets"
) -> str:
    """Point the page's unpkg URLs at ``base_path`` when the local copies are available.

    The integrity attributes stay: the local files are byte-identical to unpkg's, so the
    browser still verifies them.
    """
    if not assets_available:
        return original_html
    return original_html.replace(CDN_PREFIX, base_path.rstrip("/") + "/")


def offline_graphiql_page(
    original_html: str, asset_dir: Path | None = None, base_path: str = "/graphiql-assets"
) -> str:
    """``render_graphiql_page`` with availability read from disk (``ASSET_DIR`` by default).

    For a Strawberry ``GraphQL`` subclass::

        async def render_graphql_ide(self, request: Request) -> Response:
            return HTMLResponse(offline_graphiql_page(self.graphql_ide_html))
    """
    directory = asset_dir or ASSET_DIR
    return render_graphiql_page(
        original_html, assets_present(directory, original_html), base_path
    )


class _OptionalStaticFiles(StaticFiles):
    """StaticFiles answering 404 (not a 500) while the asset directory does not exist.

    Starlette's ``check_dir=False`` only defers the check to the first request, which then
    raises; without assets the page uses the CDN and never asks for these files anyway.
    """

    async def check_config(self) -> None:
        directory = self.directory
        if directory is not None and not await anyio.to_thread.run_sync(os.path.isdir, directory):
            return
        await super().check_config()


def assets_route(path: str = "/graphiql-assets", directory: Path | None = None) -> Mount:
    """A Starlette mount serving ``directory`` (default ``ASSET_DIR``; may not exist yet)."""
    return Mount(
        path,
        app=_OptionalStaticFiles(directory=directory or ASSET_DIR, check_dir=False),
        name="graphiql-assets",
    )


def sri_matches(data: bytes, integrity: str) -> bool:
    """Subresource-integrity check: any of the space-separated ``<alg>-<base64>`` values."""
    for token in integrity.split():
        algorithm, _, expected = token.partition("-")
        if algorithm not in {"sha256", "sha384", "sha512"}:
            continue
        digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
        if digest == expected:
            return True
    return False


def _http_get(url: str) -> bytes:
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise ValueError(f"refusing non-HTTP URL {url}")
    with urllib.request.urlopen(url, timeout=_TIMEOUT_SECONDS) as response:
        body: bytes = response.read()
    return body


def _package_tarball(package: str, version: str, registry: str) -> bytes:
    """The npm tarball of ``package@version``, checked against the registry's own integrity."""
    quoted = urllib.parse.quote(package, safe="@")
    manifest = json.loads(_http_get(f"{registry}/{quoted}/{urllib.parse.quote(version)}"))
    dist = manifest["dist"]
    tarball = _http_get(dist["tarball"])
    if "integrity" in dist and not sri_matches(tarball, dist["integrity"]):
        raise ValueError(f"{package}@{version}: tarball does not match the registry integrity")
    return tarball


def _extract(tarball: bytes, member_path: str) -> bytes:
    # npm tarballs put every file under a top-level "package/" directory.
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.getmember(f"package/{member_path}")
        handle = archive.extractfile(member)
        if handle is None:
            raise ValueError(f"{member_path} is not a regular file in the tarball")
        return handle.read()


def npm_registry() -> str:
    """The registry base URL: env ``NPM_REGISTRY`` (a mirror), else registry.npmjs.org."""
    return (os.environ.get("NPM_REGISTRY") or DEFAULT_NPM_REGISTRY).rstrip("/")


def fetch_assets(dest: Path, html: str | None = None, registry: str | None = None) -> None:
    """Download the page's files from the npm registry into ``dest`` (unpkg layout).

    Each file is checked against the page's integrity hash before it is written; the
    directory is filled in a temporary sibling and swapped in whole, so a failed fetch never
    leaves a half-populated directory that would make the page half-local.
    """
    page = html if html is not None else strawberry_graphiql_html()
    assets = referenced_assets(page)
    if not assets:
        raise ValueError("the GraphiQL page references no unpkg assets")
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tarballs: dict[tuple[str, str], bytes] = {}
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".graphiql-") as staging_name:
        staging = Path(staging_name) / "assets"
        for asset in assets:
            key = (asset.package, asset.version)
            if key not in tarballs:
                tarballs[key] = _package_tarball(
                    asset.package, asset.version, registry or npm_registry()
                )
            data = _extract(tarballs[key], asset.file)
            if asset.integrity and not sri_matches(data, asset.integrity):
                raise ValueError(f"{asset.relative_path} does not match the page's integrity")
            target = staging / asset.relative_path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if dest.exists():
            shutil.rmtree(dest)
        staging.rename(dest)


def main(argv: list[str] | None = None) -> int:
    """``python -m app.graphql.graphiql_assets fetch [--strict] [DEST]``.

    Without ``--strict`` a failed fetch (offline install) only warns and exits 0: the page
    then loads the files from the CDN. The image build passes ``--strict`` so a broken
    registry fails the build instead of shipping an image that needs the internet.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    strict = "--strict" in args
    args = [a for a in args if a != "--strict"]
    if not args or args[0] != "fetch" or len(args) > 2:
        usage = "usage: python -m app.graphql.graphiql_assets fetch [--strict] [DEST]"
        print(usage, file=sys.stderr)
        return 2
    dest = Path(args[1]) if len(args) == 2 else ASSET_DIR
    try:
        fetch_assets(dest)
    except Exception as exc:  # offline installs must still succeed: the page uses the CDN
        level = "error" if strict else "warning"
        print(
            f"{level}: GraphiQL assets not fetched ({exc}); GraphiQL will load them from "
            f"{CDN_PREFIX}",
            file=sys.stderr,
        )
        return 1 if strict else 0
    print(f"GraphiQL assets written to {dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
