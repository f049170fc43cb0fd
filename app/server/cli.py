"""The ``mlplatform`` command: serve | migrate | check | purge | simulate | reference |
export-schema."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.karmada.embedded import add_simulate_arguments
from app.settings import Settings


def _configure_logging(settings: Settings) -> None:
    from app.observability.logging_setup import configure_logging

    configure_logging(
        settings.server.log_format, settings.server.log_level,
        max_string_chars=settings.limits.log_max_string_chars,
    )


def _uvicorn_options(settings: Settings) -> dict[str, Any]:
    from app.server.uvicorn_options import uvicorn_options

    return {"host": settings.server.host, "port": settings.server.port,
            **uvicorn_options(settings)}


def _why_not_workers(settings: Settings, workers: int) -> str | None:
    """Why ``workers`` processes cannot serve this configuration (None: they can)."""
    if workers <= 1:
        return None
    if not settings.db.is_postgres:
        return (
            f"--workers {workers} needs PostgreSQL (DATABASE_URL=postgres://...): with SQLite "
            "every process would poll and write on its own, and live updates would not reach "
            "the other workers. Use --workers 1 (WEB_CONCURRENCY=1) with SQLite."
        )
    if settings.embedded_karmada:
        return (
            f"--workers {workers} needs KARMADA_KUBECONFIG: each worker would start its own "
            "embedded simulated Karmada. Run `mlplatform simulate` and point "
            "KARMADA_KUBECONFIG at its kubeconfig, or use --workers 1."
        )
    return None


def _serve(args: argparse.Namespace) -> int:
    import uvicorn
    from pydantic import ValidationError

    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"mlplatform: {exc}", file=sys.stderr)
        return 2
    if args.host:
        settings.server.host = args.host
    if args.port is not None:
        settings.server.port = args.port
    if args.reference_dir:
        settings.karmada.k8s_reference_dir = args.reference_dir
    workers = args.workers if args.workers is not None else settings.server.web_concurrency
    if workers < 1:
        print("mlplatform: --workers must be at least 1", file=sys.stderr)
        return 2
    problem = _why_not_workers(settings, workers)
    if problem is not None:
        print(f"mlplatform: {problem}", file=sys.stderr)
        return 2
    _configure_logging(settings)
    from app.auth import InsecureConfiguration

    if workers > 1:
        return _serve_workers(settings, workers)
    from app.server.main import create_app

    try:
        app = create_app(settings)
    except (InsecureConfiguration, ValueError) as exc:
        print(f"mlplatform: {exc}", file=sys.stderr)
        return 2
    # Everything built so far (modules, schema, settings) lives as long as the process: move
    # it out of the cyclic collector's reach, so full collections (which scan the whole heap,
    # ~200k objects of it this) stay shorter with many subscriptions (docs/benchmarks.md).
    gc.freeze()
    # workers=1 explicitly: uvicorn would otherwise read WEB_CONCURRENCY itself.
    uvicorn.run(app, workers=1, **_uvicorn_options(settings))
    return 0


#: Set by ``serve`` for its workers: the multiprocess metrics directory it made (removed at exit).
_MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def _serve_workers(settings: Settings, workers: int) -> int:
    """``workers`` uvicorn worker processes, each building its own app (``worker_app``).

    The settings reach the workers through the environment (they are spawned, not forked),
    so the command-line overrides are written back into it. One leader across them runs
    the poller and the operations worker (the PostgreSQL advisory lock, app.db.leader); each
    worker LISTENs for NOTIFY on its own connection (app.live.pg_bridge), so every worker's
    subscribers get every update.
    """
    import uvicorn

    from app.auth import Authenticator, InsecureConfiguration, check_startup_safety

    try:  # what create_app would refuse, refused once here with exit code 2
        check_startup_safety(settings)
        Authenticator.from_settings(settings.auth)
    except (InsecureConfiguration, ValueError) as exc:
        print(f"mlplatform: {exc}", file=sys.stderr)
        return 2
    os.environ["HOST"] = settings.server.host
    os.environ["PORT"] = str(settings.server.port)
    os.environ["WEB_CONCURRENCY"] = str(workers)
    if settings.karmada.k8s_reference_dir:
        os.environ["K8S_REFERENCE_DIR"] = settings.karmada.k8s_reference_dir
    given = os.environ.get(_MULTIPROC_ENV)
    metrics_dir = Path(given) if given else Path(tempfile.mkdtemp(prefix="mlplatform-metrics-"))
    # Files left by an earlier run would be added to this run's counters: start empty.
    for stale in metrics_dir.glob("*.db"):
        stale.unlink()
    metrics_dir.mkdir(parents=True, exist_ok=True)
    os.environ[_MULTIPROC_ENV] = str(metrics_dir)
    try:
        uvicorn.run(
            "app.server.cli:worker_app",
            factory=True,
            workers=workers,
            **_uvicorn_options(settings),
        )
    finally:
        if not given:
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


def worker_app() -> Any:
    """The app of one ``serve --workers`` process (uvicorn's factory, in the worker)."""
    import atexit

    from app.observability import metrics
    from app.server.main import create_app

    settings = Settings()
    _configure_logging(settings)
    app = create_app(settings)
    # A worker that exits drops its live gauges (websockets, subscriptions, leader) from the
    # aggregate; one killed outright keeps them until serve restarts.
    atexit.register(metrics.mark_process_dead, os.getpid())
    gc.freeze()  # as in the single-process path
    return app


def _migrate(args: argparse.Namespace) -> int:
    from app.db.session import migrate

    settings = Settings()
    asyncio.run(migrate(settings.db.database_url))
    print("database schema is at head")
    return 0


def _purge(args: argparse.Namespace) -> int:
    from app.db.session import database
    from app.operations.retention import parse_duration, purge_jobs

    try:
        older_than = parse_duration(args.older_than)
    except ValueError as exc:
        print(f"mlplatform purge: {exc}", file=sys.stderr)
        return 2
    settings = Settings()

    async def run() -> int:
        async with database(settings.db.database_url):
            return await purge_jobs(older_than)

    count = asyncio.run(run())
    print(f"purged {count} job(s) finished more than {args.older_than} ago")
    return 0


def _check(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from app.server.checks import (
        DEFAULT_KARMADA_MANIFESTS,
        fail,
        has_failures,
        render_findings,
        run_checks,
    )

    try:
        settings = Settings()
    except ValidationError as exc:
        finding = fail("configuration", str(exc), "fix the environment variables named above")
        sys.stdout.write(render_findings([finding]))
        return 1
    manifests = Path(args.karmada_manifests) if args.karmada_manifests else None
    findings = asyncio.run(
        run_checks(
            settings,
            namespaces=args.namespace or ["default"],
            manifests_dir=manifests or DEFAULT_KARMADA_MANIFESTS,
        )
    )
    sys.stdout.write(render_findings(findings))
    return 1 if has_failures(findings) else 0


def _simulate(args: argparse.Namespace) -> int:
    from app.karmada.embedded import run_standalone_simulator

    return run_standalone_simulator(args)


def _export_schema(args: argparse.Namespace) -> int:
    from schema import sdl

    text = sdl()
    if args.check:
        # CI: fail when the committed SDL differs from what the code declares.
        import difflib

        target = Path(args.output if args.output != "-" else "schema/schema.graphql")
        current = target.read_text() if target.exists() else ""
        if current == text:
            print(f"{target} is up to date")
            return 0
        sys.stdout.writelines(
            difflib.unified_diff(
                current.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"{target} (committed)",
                "generated",
            )
        )
        print(f"{target} is stale: run `mlplatform export-schema -o {target}`", file=sys.stderr)
        return 1
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mlplatform", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the API server")
    serve.add_argument("--host", help="bind address (default: $HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: $PORT or 8080)")
    serve.add_argument(
        "--workers",
        type=int,
        help="worker processes, each with its own event loop (default: $WEB_CONCURRENCY or 1; "
        "more than 1 needs PostgreSQL and KARMADA_KUBECONFIG)",
    )
    serve.add_argument(
        "--reference-dir",
        help="embedded simulator: k8s reference directory, or 'builtin' "
        "(default: $K8S_REFERENCE_DIR, else auto-detect)",
    )
    serve.set_defaults(handler=_serve)

    migrate = commands.add_parser("migrate", help="bring the database schema to head")
    migrate.set_defaults(handler=_migrate)

    purge = commands.add_parser(
        "purge",
        help="remove finished jobs (rows, events, archived logs) older than a duration",
    )
    purge.add_argument(
        "--older-than", required=True, help="e.g. 90d, 12h, 30m (last update before now - this)"
    )
    purge.set_defaults(handler=_purge)

    check = commands.add_parser(
        "check", help="validate configuration, database and Karmada; print how to fix problems"
    )
    check.add_argument(
        "--namespace",
        action="append",
        help="job namespace whose storage Secret to check (repeatable; default: default)",
    )
    check.add_argument(
        "--karmada-manifests", help="directory of our ResourceInterpreterCustomizations"
    )
    check.set_defaults(handler=_check)

    simulate = commands.add_parser("simulate", help="run the simulated Karmada standalone")
    add_simulate_arguments(simulate)
    simulate.set_defaults(handler=_simulate)

    from app.karmada.embedded import add_reference_commands

    add_reference_commands(commands)

    from app.auth.token_cli import add_token_commands

    add_token_commands(commands)

    export = commands.add_parser("export-schema", help="print the GraphQL SDL")
    export.add_argument("--output", "-o", default="-")
    export.add_argument(
        "--check",
        action="store_true",
        help="compare with --output (default schema/schema.graphql) instead of writing; "
        "exit 1 with a diff when it is stale",
    )
    export.set_defaults(handler=_export_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
