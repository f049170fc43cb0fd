"""app.graphql.graphiql_assets: parse Strawberry's page, rewrite it, fetch from a registry."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from app.graphql import graphiql_assets as ga

PAGE_TEMPLATE = """<html><head>
<link rel="stylesheet" href="https://unpkg.com/demo@1.2.3/dist/style.css"
      integrity="{css_sri}" crossorigin="anonymous" />
<script src="https://unpkg.com/@scope/lib@0.1.0/index.js"
        integrity="{js_sri}" crossorigin="anonymous"></script>
</head><body>x</body></html>"""

FILES = {
    ("demo", "1.2.3"): {"dist/style.css": b"body{color:red}"},
    ("@scope/lib", "0.1.0"): {"index.js": b"console.log('hi')"},
}


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def npm_tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def page(css: bytes = b"body{color:red}") -> str:
    return PAGE_TEMPLATE.format(css_sri=sri(css), js_sri=sri(b"console.log('hi')"))


@pytest.fixture
def registry() -> Iterator[tuple[str, list[str]]]:
    """A tiny npm registry on 127.0.0.1: `/<pkg>/<ver>` manifests and `/tarballs/...`."""
    requested: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requested.append(self.path)
            for (package, version), files in FILES.items():
                tarball = npm_tarball(files)
                quoted = package.replace("/", "%2F")
                if self.path == f"/{quoted}/{version}":
                    base = f"http://127.0.0.1:{self.server.server_port}"  # type: ignore[attr-defined]
                    url = f"{base}/tarballs/{quoted}-{version}.tgz"
                    body = json.dumps(
                        {"dist": {"tarball": url, "integrity": sri(tarball)}}
                    ).encode()
                    return self._send(body)
                if self.path == f"/tarballs/{quoted}-{version}.tgz":
                    return self._send(tarball)
            self.send_error(404)

        def _send(self, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()


def test_strawberry_page_assets_are_all_found_with_their_integrity() -> None:
    html = ga.strawberry_graphiql_html()
    assets = ga.referenced_assets(html)
    packages = {a.package for a in assets}
    assert {"react", "react-dom", "graphiql", "@graphiql/plugin-explorer"} <= packages
    assert all(a.integrity and a.integrity.startswith("sha384-") for a in assets)
    # every unpkg URL in the page is one of the parsed assets
    assert html.count(ga.CDN_PREFIX) == len(assets)


def test_scoped_package_is_parsed() -> None:
    assets = ga.referenced_assets(page())
    assert [a.relative_path for a in assets] == [
        "demo@1.2.3/dist/style.css",
        "@scope/lib@0.1.0/index.js",
    ]


def test_render_unchanged_without_assets() -> None:
    html = ga.strawberry_graphiql_html()
    assert ga.render_graphiql_page(html, assets_available=False) == html


def test_render_points_every_asset_at_the_local_mount() -> None:
    html = ga.strawberry_graphiql_html()
    rendered = ga.render_graphiql_page(html, assets_available=True, base_path="/static/gql/")
    assert "unpkg.com" not in rendered
    assert 'src="/static/gql/react@18.2.0/umd/react.production.min.js"' in rendered
    # integrity attributes are kept: the local files are the same bytes
    assert rendered.count('integrity="sha384-') == html.count('integrity="sha384-')


def test_sri_matches() -> None:
    assert ga.sri_matches(b"abc", sri(b"abc"))
    assert not ga.sri_matches(b"abd", sri(b"abc"))
    assert not ga.sri_matches(b"abc", "md5-xyz")


def test_fetch_assets_from_registry(tmp_path: Path, registry: tuple[str, list[str]]) -> None:
    url, requested = registry
    dest = tmp_path / "assets"
    html = page()
    assert not ga.assets_present(dest, html)
    ga.fetch_assets(dest, html=html, registry=url)
    assert (dest / "demo@1.2.3/dist/style.css").read_bytes() == b"body{color:red}"
    assert (dest / "@scope/lib@0.1.0/index.js").read_bytes() == b"console.log('hi')"
    assert ga.assets_present(dest, html)
    assert "/@scope%2Flib/0.1.0" in requested


def test_fetch_refuses_a_file_that_does_not_match_the_page(
    tmp_path: Path, registry: tuple[str, list[str]]
) -> None:
    url, _ = registry
    dest = tmp_path / "assets"
    dest.mkdir()
    (dest / "keep.txt").write_text("previous")
    with pytest.raises(ValueError, match="integrity"):
        ga.fetch_assets(dest, html=page(css=b"something else"), registry=url)
    # the previous directory is untouched, and no staging directory is left behind
    assert (dest / "keep.txt").read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assets"]


def test_main_offline_warns_and_succeeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # port 9 on loopback: nothing listens, the connection is refused at once
    monkeypatch.setenv("NPM_REGISTRY", "http://127.0.0.1:9")
    assert ga.main(["fetch", str(tmp_path / "assets")]) == 0
    assert "warning: GraphiQL assets not fetched" in capsys.readouterr().err
    assert not (tmp_path / "assets").exists()


def test_main_strict_fails_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NPM_REGISTRY", "http://127.0.0.1:9")
    assert ga.main(["fetch", "--strict", str(tmp_path / "assets")]) == 1
    assert "error: GraphiQL assets not fetched" in capsys.readouterr().err


def test_main_fetches_into_dest(
    tmp_path: Path, registry: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = registry
    monkeypatch.setenv("NPM_REGISTRY", url)
    monkeypatch.setattr(ga, "strawberry_graphiql_html", page)
    assert ga.main(["fetch", str(tmp_path / "assets")]) == 0
    assert ga.assets_present(tmp_path / "assets", page())


def test_main_usage() -> None:
    assert ga.main(["nope"]) == 2


def test_assets_route_serves_files_and_tolerates_a_missing_dir(tmp_path: Path) -> None:
    missing = ga.assets_route("/graphiql-assets", directory=tmp_path / "absent")
    with TestClient(Starlette(routes=[missing])) as client:
        assert client.get("/graphiql-assets/x.js").status_code == 404
    (tmp_path / "react@18.2.0").mkdir()
    (tmp_path / "react@18.2.0" / "r.js").write_text("ok")
    present = ga.assets_route("/graphiql-assets", directory=tmp_path)
    with TestClient(Starlette(routes=[present])) as client:
        response = client.get("/graphiql-assets/react@18.2.0/r.js")
        assert response.status_code == 200
        assert response.text == "ok"


def test_offline_page_follows_what_is_on_disk(
    tmp_path: Path, registry: tuple[str, list[str]]
) -> None:
    url, _ = registry
    html = page()
    assert ga.offline_graphiql_page(html, asset_dir=tmp_path / "assets") == html
    ga.fetch_assets(tmp_path / "assets", html=html, registry=url)
    local = ga.offline_graphiql_page(html, asset_dir=tmp_path / "assets", base_path="/a")
    assert 'href="/a/demo@1.2.3/dist/style.css"' in local
    assert "unpkg" not in local
