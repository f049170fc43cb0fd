"""The Dockerfile (no Docker engine here: parse it and check the rules) and .dockerignore."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.deploy.manifests import REPO_ROOT, render

DOCKERFILE = REPO_ROOT / "Dockerfile"
BUILD_TOOLS = re.compile(r"\b(gcc|g\+\+|clang|build-essential|make|cmake|python3-dev|libpq-dev)\b")


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]


def logical_lines(text: str) -> Iterator[str]:
    """Dockerfile lines with comments dropped and backslash continuations joined."""
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield pending + line
        pending = ""
    if pending:
        yield pending


def parse(text: str) -> tuple[dict[str, str], list[Stage]]:
    """Global ARG defaults and the stages, with ``${ARG}`` in FROM substituted."""
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in logical_lines(text):
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        rest = rest.strip()
        if keyword == "FROM":
            base = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args[m[1] or m[2]], rest)
            parts = base.split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else None
            stages.append(Stage(base=parts[0], name=name))
        elif not stages and keyword == "ARG":
            key, _, default = rest.partition("=")
            args[key] = default
        elif stages:
            stages[-1].instructions.append((keyword, rest))
    return args, stages


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse(DOCKERFILE.read_text())[1]


@pytest.fixture(scope="module")
def final(stages: list[Stage]) -> Stage:
    return stages[-1]


def test_parser_joins_continuations_and_substitutes_args() -> None:
    _, parsed = parse("ARG IMG=python:3.11\n# c\nFROM ${IMG} AS b\nRUN a \\\n  && b\nFROM b\n")
    assert [(s.base, s.name) for s in parsed] == [("python:3.11", "b"), ("b", None)]
    assert parsed[0].instructions == [("RUN", "a  && b")]


def test_multi_stage(stages: list[Stage]) -> None:
    assert len(stages) >= 2
    names = {s.name for s in stages}
    # the final stage copies from the earlier ones
    copies_from = {
        m[1] for args in stages[-1].all("COPY") for m in [re.search(r"--from=(\S+)", args)] if m
    }
    assert copies_from and copies_from <= names


def test_base_images_are_pinned_python_3_11_slim_bookworm(stages: list[Stage]) -> None:
    external = [s.base for s in stages if s.base not in {t.name for t in stages}]
    assert external
    by_stage = {s.name: s.base for s in stages if s.base in external}
    for stage_name, image in by_stage.items():
        name, _, digest = image.partition("@")
        # The console stage builds web/ with Node; only its output reaches the final image.
        python = "python:3.11-slim-bookworm"
        expected = "node:20-bookworm-slim" if stage_name == "console" else python
        assert name == expected, image
        if digest:
            assert re.fullmatch(r"sha256:[0-9a-f]{64}", digest), image
    # without a digest, the file must say how to pin it
    if not any("@" in image for image in external):
        assert "digest" in DOCKERFILE.read_text().lower()


def test_runs_as_a_numeric_non_root_user(final: Stage) -> None:
    users = final.all("USER")
    assert users, "the final stage must set USER"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit() and int(uid) > 0
    assert not gid or (gid.isdigit() and int(gid) > 0)


def test_no_build_tools_in_the_final_stage(final: Stage) -> None:
    for command in final.all("RUN"):
        assert not BUILD_TOOLS.search(command), command
        assert "pip install" not in command  # dependencies come prebuilt from the build stage


def test_entrypoint_serves(final: Stage) -> None:
    (entrypoint,) = final.all("ENTRYPOINT")
    assert json.loads(entrypoint) == ["mlplatform", "serve"]
    env = " ".join(final.all("ENV"))
    assert re.search(r"\bHOST=0\.0\.0\.0\b", env)
    assert re.search(r"\bPORT=8080\b", env)
    # the server refuses AUTH_MODE=none (its default) on 0.0.0.0: the image must not rely on it
    assert re.search(r"\bAUTH_MODE=(token|oidc)\b", env)


def test_migrations_are_not_run_at_build_or_start(stages: list[Stage]) -> None:
    for stage in stages:
        for command in stage.all("RUN") + stage.all("ENTRYPOINT") + stage.all("CMD"):
            assert "migrate" not in command, command


def healthcheck_command(final: Stage) -> list[str]:
    (check,) = final.all("HEALTHCHECK")
    _, _, command = check.partition("CMD ")
    parsed: list[str] = json.loads(command)
    return parsed


def test_healthcheck_uses_python_not_curl(final: Stage) -> None:
    command = healthcheck_command(final)
    assert command[:2] == ["python", "-c"]
    assert "/health/live" in command[2]
    assert not re.search(r"\b(curl|wget)\b", " ".join(command))


class _Live(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/health/live" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_healthcheck_one_liner_works(final: Stage) -> None:
    code = healthcheck_command(final)[2]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Live)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = str(server.server_port)
        ok = subprocess.run(
            [sys.executable, "-c", code], env={"PORT": port}, capture_output=True, timeout=30
        )
        assert ok.returncode == 0, ok.stderr
    finally:
        server.shutdown()
        server.server_close()
    # the server is gone: the same check now fails
    down = subprocess.run(
        [sys.executable, "-c", code], env={"PORT": port}, capture_output=True, timeout=30
    )
    assert down.returncode != 0


def test_graphiql_assets_are_fetched_at_build_and_shipped(stages: list[Stage]) -> None:
    fetches = [
        (s, cmd)
        for s in stages
        for cmd in s.all("RUN")
        if "app.graphql.graphiql_assets fetch" in cmd
    ]
    assert len(fetches) == 1
    stage, command = fetches[0]
    assert stage is not stages[-1]
    assert "--strict" in command  # a broken registry fails the build
    fetched_to = command.split()[-1]
    (copy,) = [c for c in stages[-1].all("COPY") if f"--from={stage.name}" in c]
    source, destination = copy.split()[-2:]
    assert source == fetched_to
    env = " ".join(stages[-1].all("ENV"))
    assert f"GRAPHIQL_ASSETS_DIR={destination}" in env
    # the Kubernetes ConfigMap points at the same place
    configmap = next(o for o in render("prod") if o["kind"] == "ConfigMap")
    assert configmap["data"]["GRAPHIQL_ASSETS_DIR"] == destination


def test_dockerignore_keeps_the_context_small() -> None:
    lines = [
        line.strip()
        for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"  # allow-list: only what the build copies
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert allowed == {
        "pyproject.toml", "README.md", "app", "schema", "resolvers", "karmada_sim", "web"
    }
    assert "app/graphql/static/" in lines  # locally fetched assets never leak into the image
    assert {"web/node_modules/", "web/dist/"} <= set(lines)  # the console is built in the image
    copied = {
        part.rstrip("/").removeprefix("./")
        for line in logical_lines(DOCKERFILE.read_text())
        if line.startswith("COPY") and "--from" not in line
        for part in line.split()[1:-1]
    }
    assert {c.rstrip("*").split("/")[0] for c in copied} <= allowed


def test_final_stage_has_no_writable_path_assumption(final: Stage) -> None:
    # Kubernetes runs the image with a read-only root: bytecode must not be written
    env = " ".join(final.all("ENV"))
    assert "PYTHONDONTWRITEBYTECODE=1" in env


def test_python_version_matches_the_project() -> None:
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.11"' in pyproject
    assert Path(DOCKERFILE).read_text().count("python:3.11-slim-bookworm") >= 1


def test_simulator_is_left_out_unless_asked(stages: list[Stage]) -> None:
    build = stages[0]
    assert "WITH_SIMULATOR=false" in build.all("ARG")
    (install,) = [cmd for cmd in build.all("RUN") if "pip install" in cmd]
    asked, _, default = install.partition("else")
    assert '"$WITH_SIMULATOR" = "true"' in asked and '".[simulator]"' in asked
    # without the argument, the package installed from the repository is removed again
    assert ".[simulator]" not in default
    assert "rm -rf /opt/venv/lib/python3.11/site-packages/karmada_sim" in default


def test_an_image_with_the_simulator_can_run_mlplatform_simulate(
    stages: list[Stage], final: Stage
) -> None:
    """`docker run --entrypoint mlplatform IMAGE simulate --host 0.0.0.0` (README) works."""
    import tomllib

    from app.server.cli import build_parser
    from karmada_sim.tls import server_names

    build = stages[0]
    # The whole package directory is copied (the built-in model and the reference manifest
    # included) and .dockerignore lets it into the context.
    assert "./karmada_sim" in " ".join(build.all("COPY"))
    assert "!karmada_sim/" in (REPO_ROOT / ".dockerignore").read_text().splitlines()
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    extra = " ".join(project["project"]["optional-dependencies"]["simulator"])
    assert "cryptography" in extra  # the simulator's CA and HTTPS certificate
    assert "*.json" in project["tool"]["setuptools"]["package-data"]["*"]
    # The simulate options exist; a wildcard bind still gets a certificate valid for the
    # loopback address that `docker run -p 6443:6443` publishes on the host.
    args = build_parser().parse_args(["simulate", "--host", "0.0.0.0", "--port", "6443"])
    assert (args.host, args.port, args.insecure_http) == ("0.0.0.0", 6443, False)
    dns, ips = server_names("0.0.0.0")
    assert "127.0.0.1" in ips and "localhost" in dns
    # The kubeconfig lands in the working directory, which the image's user may write.
    assert final.all("WORKDIR")[-1] == "/var/lib/mlplatform"
    assert any("install -d -o 10001 -g 10001" in run and "/var/lib/mlplatform" in run
               for run in final.all("RUN"))
    readme = (REPO_ROOT / "README.md").read_text()
    assert "docker build --build-arg WITH_SIMULATOR=true" in readme
    assert "--entrypoint mlplatform" in readme and "simulate --host 0.0.0.0" in readme
