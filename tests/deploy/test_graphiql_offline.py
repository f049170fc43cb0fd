"""GraphiQL works without internet: headless Chromium (Debian's) driven by npm playwright-core,
every request not to 127.0.0.1 aborted, loads the page from our server and runs a query.

The app here is a minimal Starlette + Strawberry app wired the way app.server.main is meant to wire
it (GraphQL subclass rendering `offline_graphiql_page`, plus `assets_route`).
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL

from app.graphql import graphiql_assets as ga
from tests.support.node_client import NODE_DIR
from tests.support.server import serve_in_thread

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
SCRIPT = NODE_DIR / "graphiql.mjs"
ANSWER = "answered-by-the-local-server"


@strawberry.type
class Query:
    @strawberry.field
    def greeting(self) -> str:
        return ANSWER


class OfflineGraphQL(GraphQL[Any, Any]):
    """What app.server.main's GraphQL app does: serve GraphiQL with local assets when present."""

    def __init__(self, asset_dir: Path, **kwargs: Any) -> None:
        super().__init__(strawberry.Schema(query=Query), graphql_ide="graphiql", **kwargs)
        self._asset_dir = asset_dir

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(ga.offline_graphiql_page(self.graphql_ide_html, self._asset_dir))


def build_app(asset_dir: Path) -> Starlette:
    return Starlette(
        routes=[
            Route("/graphql", OfflineGraphQL(asset_dir)),
            ga.assets_route("/graphiql-assets", directory=asset_dir),
        ]
    )


@pytest.fixture(scope="module")
def asset_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The assets `python -m app.graphql.graphiql_assets fetch` installed, else a fresh fetch."""
    html = ga.strawberry_graphiql_html()
    if ga.assets_present(ga.ASSET_DIR, html):
        return ga.ASSET_DIR
    dest = tmp_path_factory.mktemp("graphiql") / "assets"
    try:
        ga.fetch_assets(dest)
    except Exception as exc:  # no skip: a clear failure
        pytest.fail(f"GraphiQL assets are not installed and could not be fetched: {exc}")
    return dest


@pytest.fixture(scope="module")
def browser_ready() -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (scripts/test does)")
    if not (NODE_DIR / "node_modules" / "playwright-core").is_dir():
        npm = shutil.which("npm")
        assert npm, "npm is needed for the browser test"
        lock_path = Path(tempfile.gettempdir()) / "ml-platform-e2e-node-npm.lock"
        with lock_path.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=NODE_DIR,
                check=True,
                timeout=300,
            )


def open_graphiql(base_url: str, query: str, timeout_ms: int = 30_000) -> dict[str, Any]:
    page_url = f"{base_url}/graphql?q={urllib.parse.quote(query)}"
    node = shutil.which("node")
    assert node, "node is needed for the browser test"
    result = subprocess.run(
        [node, str(SCRIPT), page_url, ANSWER, CHROMIUM, str(timeout_ms)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    assert lines, f"graphiql.mjs printed nothing; stderr:\n{result.stderr}"
    report: dict[str, Any] = json.loads(lines[-1])
    return report


@pytest.fixture
def server(asset_dir: Path, browser_ready: None) -> Iterator[str]:
    with serve_in_thread(build_app(asset_dir)) as base_url:
        yield base_url


def test_graphiql_runs_a_query_with_no_internet(server: str) -> None:
    report = open_graphiql(server, "{ greeting }")
    assert report["ok"], report
    assert ANSWER in report["resultText"]
    assert report["blocked"] == []  # nothing was even attempted outside 127.0.0.1
    assert "/graphiql-assets/graphiql@3.8.3/graphiql.min.js" in report["requested"]
    assert "/graphiql-assets/react@18.2.0/umd/react.production.min.js" in report["requested"]


def test_without_local_assets_the_page_needs_the_cdn(tmp_path: Path, browser_ready: None) -> None:
    # The control: the same page without assets asks unpkg.com, which the test blocks, so
    # the blocking above is real and the page really fell back to the CDN.
    with serve_in_thread(build_app(tmp_path / "no-assets")) as base_url:
        # the page never renders, so a short deadline is enough to observe the failure
        report = open_graphiql(base_url, "{ greeting }", timeout_ms=5_000)
    assert not report["ok"]
    assert any(url.startswith("https://unpkg.com/graphiql@") for url in report["blocked"])


def test_the_real_server_serves_graphiql_offline(
    asset_dir: Path,
    browser_ready: None,
    monkeypatch: pytest.MonkeyPatch,
    pg_url: str,
    platform_sim: Any,
    sim_kubeconfig: Path,
) -> None:
    # app.server.main's GraphQL app and asset mount read ASSET_DIR when the app is built.
    monkeypatch.setattr(ga, "ASSET_DIR", asset_dir)
    from tests.support.platform import platform_settings, run_platform

    with run_platform(platform_settings(pg_url, sim_kubeconfig), platform_sim) as platform:
        page_url = f"{platform.base_url}/graphql?q={urllib.parse.quote('{ clusters { name } }')}"
        node = shutil.which("node")
        assert node, "node is needed for the browser test"
        result = subprocess.run(
            [node, str(SCRIPT), page_url, "member2", CHROMIUM, "30000"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    lines = result.stdout.strip().splitlines()
    assert lines, f"graphiql.mjs printed nothing; stderr:\n{result.stderr}"
    report = json.loads(lines[-1])
    assert report["ok"], report
    assert "member2" in report["resultText"]
    assert report["blocked"] == []
    assert "/graphiql-assets/graphiql@3.8.3/graphiql.min.js" in report["requested"]
