"""Health endpoints: liveness, and readiness (database migrated to head; Karmada reachable).

- ``/health/live``: the process serves requests (no dependency is consulted, so a database
  outage never makes Kubernetes restart every replica).
- ``/health/ready``: 503 unless the database answers and its schema is at head (a new version
  waits for the pre-deploy migration Job) and the server is not shutting down; 200 ``ready``,
  or 200 ``degraded`` with the reason when only Karmada is unreachable or refuses our
  credentials (reads keep working, and submissions are retried, so taking every replica out of
  the Service would only hurt; the reason says what Karmada refuses and what to fix).
"""

from __future__ import annotations

import logging
import pkgutil
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from tortoise import connections

from app.db.config import MIGRATIONS_MODULE
from app.karmada import KarmadaClient, KarmadaError, KarmadaRejected
from app.karmada.resources import CLUSTERS

log = logging.getLogger(__name__)

#: Karmada's answer must come well inside a probe's timeout.
KARMADA_PROBE_TIMEOUT_SECONDS = 2.0
MIGRATIONS_TABLE = "tortoise_migrations"
MIGRATIONS_APP = "models"


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": self.ok}
        if self.detail:
            body["detail"] = self.detail
        return body


def migrations_on_disk() -> list[str]:
    """Names of the migrations shipped with this version, in order."""
    module = import_module(MIGRATIONS_MODULE)
    return sorted(name for _, name, is_pkg in pkgutil.iter_modules(module.__path__) if not is_pkg)


def pending_migrations(applied: set[str]) -> list[str]:
    return [name for name in migrations_on_disk() if name not in applied]


async def applied_migrations() -> set[str]:
    """Migration names recorded as applied; empty when the bookkeeping table is absent."""
    conn = connections.get("default")
    try:
        _, rows = await conn.execute_query(
            f'SELECT "name" FROM "{MIGRATIONS_TABLE}" WHERE "app" = \'{MIGRATIONS_APP}\''
        )
    except Exception as exc:
        if _is_missing_table(exc):
            return set()
        raise
    return {str(row["name"]) for row in rows}


def _is_missing_table(exc: Exception) -> bool:
    text = str(exc).lower()
    return "does not exist" in text or "no such table" in text


async def check_database() -> CheckResult:
    """Reachable and migrated to head."""
    try:
        await connections.get("default").execute_query("SELECT 1")
        pending = pending_migrations(await applied_migrations())
    except Exception as exc:
        return CheckResult(False, f"database unreachable: {type(exc).__name__}")
    if pending:
        return CheckResult(False, f"schema not at head; pending migrations: {', '.join(pending)}")
    return CheckResult(True)


async def check_karmada(karmada: KarmadaClient) -> CheckResult:
    """One cheap authenticated request (a one-item Cluster list), plus any resource Karmada
    still refuses us (401/403 seen by any request since, e.g. Secrets at job creation)."""
    try:
        await karmada.request(
            "GET", CLUSTERS.path(None), query={"limit": 1}, timeout=KARMADA_PROBE_TIMEOUT_SECONDS
        )
    except KarmadaRejected:
        pass  # recorded in karmada.refusals by the client, described below
    except KarmadaError as exc:
        return CheckResult(False, f"Karmada unreachable: {type(exc).__name__} (HTTP {exc.status})")
    refusals = karmada.refusals.current()
    if refusals:
        return CheckResult(False, "; ".join(r.describe() for r in refusals))
    return CheckResult(True)


async def readiness(karmada: KarmadaClient, *, shutting_down: bool) -> tuple[int, dict[str, Any]]:
    """The status code and body of ``/health/ready``."""
    database = await check_database()
    karmada_check = await check_karmada(karmada)
    checks = {"database": database.as_json(), "karmada": karmada_check.as_json()}
    if shutting_down:
        return 503, {"status": "shutting_down", "checks": checks}
    if not database.ok:
        return 503, {"status": "not_ready", "reason": database.detail, "checks": checks}
    if not karmada_check.ok:
        return 200, {"status": "degraded", "reason": karmada_check.detail, "checks": checks}
    return 200, {"status": "ready", "checks": checks}
