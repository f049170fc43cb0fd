"""app.server.console: the built console at / with its cache headers, deep links, the page
without a build, and /console/session (no browser, no database)."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from app.auth import Authenticator
from app.auth.middleware import AuthenticationMiddleware
from app.server.console import IMMUTABLE, ConsoleMiddleware, is_console_page
from app.settings import AuthSettings


def app_for(directory: Path, mode: str = "none") -> Starlette:
    authenticator = Authenticator(AuthSettings(auth_mode=mode))  # type: ignore[arg-type]

    async def api(_: object) -> PlainTextResponse:
        return PlainTextResponse("api")

    return Starlette(
        routes=[Route("/api/v1/jobs", api), Route("/graphql", api)],
        middleware=[
            Middleware(ConsoleMiddleware, authenticator=authenticator, directory=directory),
            Middleware(AuthenticationMiddleware, authenticator=authenticator),
        ],
    )


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    (tmp_path / "assets" / "index-AbC123.js").write_text("console.log(1)")
    return tmp_path


def test_index_and_deep_links_are_the_app_and_not_cached(dist: Path) -> None:
    client = TestClient(app_for(dist))
    for path in ("/", "/jobs", "/jobs/new", "/jobs/abc123", "/clusters", "/clusters/member1"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["cache-control"] == "no-cache"
        assert "id=root" in answer.text


def test_hashed_assets_are_cached_for_a_year(dist: Path) -> None:
    client = TestClient(app_for(dist))
    answer = client.get("/assets/index-AbC123.js")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == IMMUTABLE
    assert "javascript" in answer.headers["content-type"]
    assert client.get("/assets/missing.js").status_code == 404
    assert client.get("/assets/../index.html").status_code in (200, 404)  # never outside dist


def test_without_a_build_the_page_says_how_to_build_it(tmp_path: Path) -> None:
    client = TestClient(app_for(tmp_path / "nothing"))
    answer = client.get("/")
    assert answer.status_code == 200
    assert "npm ci" in answer.text and "npm run build" in answer.text
    assert client.get("/jobs/x").status_code == 200


def test_other_paths_pass_through_and_stay_authenticated(dist: Path) -> None:
    client = TestClient(app_for(dist, mode="token"))
    assert client.get("/").status_code == 200  # the console's files hold no data
    assert client.get("/api/v1/jobs").status_code == 401
    assert client.post("/graphql").status_code == 401
    session = client.get("/console/session")
    assert session.status_code == 401
    assert session.headers["x-auth-mode"] == "token"


def test_session_says_what_the_caller_may_do(dist: Path) -> None:
    answer = TestClient(app_for(dist)).get("/console/session")
    assert answer.status_code == 200
    assert answer.json() == {
        "user": "anonymous",
        "authMode": "none",
        "grants": {"*": "admin"},
        "canWrite": True,
    }


def test_console_pages() -> None:
    assert is_console_page("/") and is_console_page("/jobs/") and is_console_page("/jobs/x")
    assert not is_console_page("/jobs/x/y")
    assert not is_console_page("/graphql") and not is_console_page("/api/v1/jobs")
    assert not is_console_page("/metrics") and not is_console_page("/health")
