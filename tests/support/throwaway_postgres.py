"""A throwaway PostgreSQL cluster started from the installed server binaries.

Used when no PostgreSQL answers on 127.0.0.1:5432, and directly by tests that stop or restart
the database mid-run (they must never touch a shared server).

`initdb`, `pg_ctl` and `postgres` refuse to run as root, so as root every server command runs as
the `postgres` OS user (via `setpriv`), and the cluster lives in a directory that user owns.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Literal

SERVER_OS_USER = "postgres"
SUPERUSER = "postgres"
HOST = "127.0.0.1"
# Debian/Ubuntu layout; override with PG_BINDIR for other installs.
DEBIAN_PG_ROOT = Path("/usr/lib/postgresql")
START_TIMEOUT_SECONDS = 30

StopMode = Literal["smart", "fast", "immediate"]


class PostgresUnavailableError(RuntimeError):
    """PostgreSQL binaries are missing or the throwaway cluster could not be started."""


def find_pg_bindir() -> Path:
    """Directory holding initdb/pg_ctl: $PG_BINDIR, else the newest Debian install, else PATH."""
    override = os.environ.get("PG_BINDIR")
    if override:
        bindir = Path(override)
        if not (bindir / "pg_ctl").exists():
            raise PostgresUnavailableError(f"PG_BINDIR={override} has no pg_ctl")
        return bindir
    if DEBIAN_PG_ROOT.is_dir():
        versions = sorted(
            (p for p in DEBIAN_PG_ROOT.iterdir() if (p / "bin" / "pg_ctl").exists()),
            key=lambda p: int(p.name) if p.name.isdigit() else -1,
        )
        if versions:
            return versions[-1] / "bin"
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    raise PostgresUnavailableError(
        "no PostgreSQL server binaries found (looked in $PG_BINDIR, "
        f"{DEBIAN_PG_ROOT}/*/bin and PATH); install them, e.g. `apt-get install postgresql`"
    )


def find_free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _running_as_root() -> bool:
    return os.geteuid() == 0


def _server_account() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SERVER_OS_USER)
    except KeyError as exc:
        raise PostgresUnavailableError(
            f"running as root but there is no `{SERVER_OS_USER}` OS user to run PostgreSQL as"
        ) from exc


def _reachable_by_others(path: Path) -> bool:
    """True if every directory from / to `path` is traversable by any user (o+x)."""
    resolved = path.resolve()
    return all(os.stat(p).st_mode & stat.S_IXOTH for p in [resolved, *resolved.parents])


def _make_workdir(parent: Path | None) -> Path:
    # As root the server runs as `postgres`, which needs to traverse every parent directory;
    # pytest's tmp_path lives under a 0700 root-owned directory, so fall back to the system
    # temp dir (world-traversable) rather than loosening permissions we do not own.
    if parent is None or (_running_as_root() and not _reachable_by_others(parent)):
        parent = Path(tempfile.gettempdir())
    workdir = Path(tempfile.mkdtemp(prefix="throwaway-pg-", dir=parent))
    if _running_as_root():
        account = _server_account()
        os.chown(workdir, account.pw_uid, account.pw_gid)
    return workdir


class ThrowawayPostgres:
    """One PostgreSQL cluster in a private directory, listening on 127.0.0.1:`port`.

    Trust authentication, superuser `postgres`, fsync off. `stop()` then `start()` restarts
    it on the same data directory and port; `cleanup()` stops it and deletes the directory.
    """

    def __init__(self, workdir: Path, bindir: Path, port: int) -> None:
        self.workdir = workdir
        self.bindir = bindir
        self.port = port
        self.data_dir = workdir / "data"
        self.log_file = workdir / "server.log"
        self.user = SUPERUSER

    # -- connection strings -------------------------------------------------------------
    def dsn(self, dbname: str = "postgres") -> str:
        """URL for `dbname` in the `postgres://` form asyncpg and Tortoise accept."""
        return f"postgres://{self.user}@{HOST}:{self.port}/{dbname}"

    @property
    def admin_dsn(self) -> str:
        """URL of the maintenance database `postgres`."""
        return self.dsn("postgres")

    # -- lifecycle ----------------------------------------------------------------------
    def init(self) -> None:
        """Create the cluster (initdb) and write its configuration."""
        self._run(
            "initdb",
            "--pgdata", str(self.data_dir),
            "--username", SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )  # fmt: skip
        # Written once into postgresql.conf so a restart keeps the same port and socket dir.
        settings = {
            "listen_addresses": f"'{HOST}'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.workdir}'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "200",
        }
        # Appending keeps the file's owner, so this works as root too.
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._run(
            "pg_ctl", "start",
            "--pgdata", str(self.data_dir),
            "--log", str(self.log_file),
            "--wait", "--timeout", str(START_TIMEOUT_SECONDS),
        )  # fmt: skip

    def stop(self, mode: StopMode = "fast") -> None:
        """Stop the server; `immediate` simulates a crash (no shutdown checkpoint)."""
        self._run("pg_ctl", "stop", "--pgdata", str(self.data_dir), "--mode", mode, "--wait")

    def is_running(self) -> bool:
        """True if pg_ctl sees a live postmaster for this data directory."""
        result = self._command("pg_ctl", "status", "--pgdata", str(self.data_dir))
        return result.returncode == 0

    def cleanup(self) -> None:
        """Stop the server if it runs, then delete the whole working directory."""
        if self.data_dir.exists() and self.is_running():
            self.stop("immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> ThrowawayPostgres:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cleanup()

    # -- helpers ------------------------------------------------------------------------
    def _argv(self, program: str, *args: str) -> list[str]:
        exe = str(self.bindir / program) if (self.bindir / program).exists() else program
        argv = [exe, *args]
        if _running_as_root():
            argv = ["setpriv", f"--reuid={SERVER_OS_USER}", f"--regid={SERVER_OS_USER}",
                    "--init-groups", *argv]  # fmt: skip
        return argv

    def _command(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self._argv(program, *args),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            cwd=self.workdir,  # the server user may not be able to read the caller's cwd
            timeout=START_TIMEOUT_SECONDS + 30,
            check=False,
        )

    def _run(self, program: str, *args: str) -> None:
        result = self._command(program, *args)
        if result.returncode != 0:
            log = ""
            with contextlib.suppress(OSError):
                log = self.log_file.read_text()[-2000:]
            raise PostgresUnavailableError(
                f"`{program} {' '.join(args)}` failed (exit {result.returncode}):\n"
                f"{result.stdout}{result.stderr}{log}"
            )


def start_throwaway_postgres(tmpdir: Path | None = None) -> ThrowawayPostgres:
    """Create and start a fresh cluster on a free port.

    The cluster lives in a new directory inside `tmpdir` when the server user can reach it,
    else in the system temp dir. Call `.cleanup()` (or use it as a context manager) when done.
    """
    bindir = find_pg_bindir()
    workdir = _make_workdir(tmpdir)
    server = ThrowawayPostgres(workdir, bindir, find_free_port())
    try:
        server.init()
        server.start()
    except BaseException:
        server.cleanup()
        raise
    return server
