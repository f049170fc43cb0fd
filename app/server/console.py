"""The web console (web/, built by Vite into web/dist) served at ``/``.

An ASGI middleware placed before authentication, because the console's files hold no data
(every GraphQL call they make is authenticated like any other):

- ``/assets/<file>``: Vite's hashed files, ``Cache-Control: public, max-age=31536000, immutable``;
- ``/`` and the console's deep links (``/jobs``, ``/jobs/<id>``, ``/jobs/new``, ``/clusters``):
  ``index.html`` with ``no-cache``, so a new build is picked up at the next load;
- without a build, those pages answer a short HTML page saying how to build it (never a 500);
- ``GET /console/session``: who the presented credential belongs to and what it may do, for
  the console to hide the buttons a viewer may not use (401 when the credential is refused).

``CONSOLE_DIST_DIR`` names the build directory (the image sets it); the default is the
repository's ``web/dist``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.auth import Authenticator
from app.auth.authenticator import AuthenticationFailed
from app.auth.principal import Role

DEFAULT_DIST_DIR = Path(__file__).resolve().parents[2] / "web" / "dist"
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
SESSION_PATH = "/console/session"

#: The console's own routes (react-router): answered with index.html.
_PAGE = re.compile(r"^/(?:jobs(?:/[^/]*)?|jobs/new|clusters(?:/[^/]*)?)?/?$")
_ASSET = re.compile(r"^/assets/([A-Za-z0-9._-]+)$")

NOT_BUILT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ML platform console: not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>The console is not built</h1>
<p>This server has no built console in <code>{dist}</code>. Build it with Node 20+:</p>
<pre>cd web &amp;&amp; npm ci &amp;&amp; npm run build</pre>
<p>(<code>scripts/serve</code> does this for you; the container image has it built in.)
The API works without it: <a href="/graphql">GraphiQL</a>, <code>/api/v1</code>.</p>
</body></html>
"""


def dist_dir() -> Path:
    configured = os.environ.get("CONSOLE_DIST_DIR")
    return Path(configured) if configured else DEFAULT_DIST_DIR


def is_console_page(path: str) -> bool:
    return bool(_PAGE.match(path))


class ConsoleMiddleware:
    """Serve the console's files and pages; pass every other request on unchanged."""

    def __init__(
        self, app: ASGIApp, authenticator: Authenticator, directory: Path | None = None
    ) -> None:
        self.app = app
        self.authenticator = authenticator
        self.directory = directory or dist_dir()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method", "GET") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        response = await self.respond(scope)
        if response is None:
            await self.app(scope, receive, send)
            return
        await response(scope, receive, send)

    async def respond(self, scope: Scope) -> Response | None:
        path: str = scope.get("path", "")
        if path == SESSION_PATH:
            return await self.session(scope)
        asset = _ASSET.match(path)
        if asset:
            file = self.directory / "assets" / asset.group(1)
            if not file.is_file():
                return Response("Not Found", status_code=404, media_type="text/plain")
            return FileResponse(file, headers={"Cache-Control": IMMUTABLE})
        if is_console_page(path):
            index = self.directory / "index.html"
            if not index.is_file():
                page = NOT_BUILT_PAGE.format(dist=str(self.directory).replace("<", "&lt;"))
                return HTMLResponse(page, headers={"Cache-Control": NO_CACHE})
            return FileResponse(index, media_type="text/html", headers={"Cache-Control": NO_CACHE})
        return None

    async def session(self, scope: Scope) -> Response:
        headers = {"Cache-Control": "no-store", "X-Auth-Mode": self.authenticator.mode}
        peer = scope["client"][0] if scope.get("client") else None
        try:
            principal = await self.authenticator.authenticate(Headers(scope=scope), peer)
        except AuthenticationFailed:
            headers["WWW-Authenticate"] = "Bearer"
            return JSONResponse({"error": "Unauthorized"}, status_code=401, headers=headers)
        grants = {ns: role.label for ns, role in principal.grants.items()}
        body = {
            "user": principal.user,
            "authMode": self.authenticator.mode,
            "grants": grants,
            "canWrite": any(role >= Role.EDITOR for role in principal.grants.values()),
        }
        return Response(json.dumps(body), media_type="application/json", headers=headers)
