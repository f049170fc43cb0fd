"""Adopting the Go service's database: its GORM ``training_jobs`` table becomes our rows.

The old service (GORM) created ``training_jobs`` with columns id, job_name, namespace,
algorithm, priority, request_payload (jsonb), target_clusters (text), status (``Running``...),
message, created_at, updated_at and deleted_at (GORM's soft delete). ``mlplatform migrate``
adopts it, under the migration advisory lock:

1. detect: ``training_jobs`` exists and ``tortoise_migrations`` does not (a database we have
   never migrated, holding the old table);
2. rename it (and its indexes, whose names would collide) to ``training_jobs_legacy``;
3. let the normal migrations create our schema;
4. copy every row not soft-deleted into ``training_jobs`` with a first ``job_events`` entry,
   mapping the old status strings to phases and deriving kind/object name as for a new job.

The legacy table is kept (nothing is lost; soft-deleted rows stay there) and marked adopted
by a table comment, so a re-run never copies twice, and a run interrupted between 2 and 4
finishes the copy next time.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.jobstate.phases import Phase, Reason
from app.workloads import ALGORITHM_KINDS, BATCHJOB, WorkloadKind, object_name_for

log = logging.getLogger(__name__)

LEGACY_TABLE = "training_jobs_legacy"
ADOPTED_MARK = "ml-platform: adopted"
IMPORT_ACTOR = "legacy-import"

# The old service's status strings (case-insensitive) -> our phase and reason.
_STATUS_MAP: dict[str, tuple[Phase, Reason]] = {
    "pending": (Phase.PENDING, Reason.SCHEDULING),
    "submitted": (Phase.PENDING, Reason.SCHEDULING),
    "created": (Phase.PENDING, Reason.SCHEDULING),
    "queued": (Phase.PENDING, Reason.SCHEDULING),
    "running": (Phase.RUNNING, Reason.RUNNING),
    "succeeded": (Phase.SUCCEEDED, Reason.COMPLETED),
    "completed": (Phase.SUCCEEDED, Reason.COMPLETED),
    "complete": (Phase.SUCCEEDED, Reason.COMPLETED),
    "failed": (Phase.FAILED, Reason.APP_FAILED),
    "error": (Phase.FAILED, Reason.APP_FAILED),
    "stopping": (Phase.STOPPED, Reason.STOPPED_BY_USER),
    "stopped": (Phase.STOPPED, Reason.STOPPED_BY_USER),
    "cancelled": (Phase.STOPPED, Reason.STOPPED_BY_USER),
    "canceled": (Phase.STOPPED, Reason.STOPPED_BY_USER),
    "deleting": (Phase.DELETING, Reason.DELETE_REQUESTED),
}
# Anything else (``Unknown``, empty): the old UI showed it as Pending; the poller settles it.
_UNKNOWN_STATUS = (Phase.PENDING, Reason.SCHEDULING)


def phase_of_legacy_status(status: str | None) -> tuple[Phase, Reason]:
    """Our phase and reason for one of the old service's status strings."""
    return _STATUS_MAP.get((status or "").strip().lower(), _UNKNOWN_STATUS)


def kind_of_legacy_job(algorithm: str, payload: Mapping[str, Any]) -> WorkloadKind:
    """The kind a new job with this request would get (custom containers: batch Job)."""
    source = (payload.get("algorithm") or {}).get("source") if isinstance(payload, dict) else None
    if source == "container":
        return BATCHJOB
    return ALGORITHM_KINDS.get(algorithm, BATCHJOB)


def parse_target_clusters(text: str | None) -> list[str]:
    """The old ``target_clusters`` text: a JSON array or a comma-separated list."""
    text = (text or "").strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if isinstance(value, list):
            return [str(v) for v in value if str(v).strip()]
    return [part.strip() for part in text.split(",") if part.strip()]


def _payload(value: Any) -> dict[str, Any]:
    if isinstance(value, str):  # asyncpg returns jsonb as text without a codec
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def _aware(value: datetime | None, fallback: datetime) -> datetime:
    if value is None:
        return fallback
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class AdoptedJob:
    """One legacy row as our training_jobs row plus its first event."""

    values: dict[str, Any]
    event_message: str


def adopt_legacy_row(row: Mapping[str, Any], now: datetime) -> AdoptedJob | None:
    """Map one GORM row to ours; None for soft-deleted rows (they stay in the legacy table)."""
    if row.get("deleted_at") is not None:
        return None
    job_id = str(row["id"])
    payload = _payload(row.get("request_payload"))
    algorithm = str(row.get("algorithm") or "")
    kind = kind_of_legacy_job(algorithm, payload)
    phase, reason = phase_of_legacy_status(row.get("status"))
    created_at = _aware(row.get("created_at"), now)
    old_status = row.get("status") or ""
    message = str(row.get("message") or "")
    return AdoptedJob(
        values={
            "id": job_id,
            "job_name": str(row.get("job_name") or job_id)[:63],
            "namespace": str(row.get("namespace") or "default"),
            "algorithm": algorithm,
            "priority": int(row.get("priority") or 0),
            "request_payload": payload,
            "target_clusters": parse_target_clusters(row.get("target_clusters")),
            "kind": kind.kind,
            "api_version": kind.api_version,
            "object_name": object_name_for(job_id, kind),
            "status": phase.value,
            "reason": reason.value,
            "message": message,
            "placement": [],
            "cluster_distribution": {},
            "created_at": created_at,
            "updated_at": _aware(row.get("updated_at"), created_at),
        },
        event_message=f"Adopted from the previous service (status {old_status!r})",
    )


_JSON_COLUMNS = ("request_payload", "target_clusters", "placement", "cluster_distribution")


async def adopt_if_legacy(conn: Any) -> bool:
    """Step 2: rename the old table when this database was never migrated by us.

    ``conn`` is an asyncpg connection holding the migration lock. True if a table was renamed.
    """
    ours = await conn.fetchval("SELECT to_regclass('public.tortoise_migrations')")
    old = await conn.fetchval("SELECT to_regclass('public.training_jobs')")
    if ours is not None or old is None:
        return False
    async with conn.transaction():
        await conn.execute(f"ALTER TABLE training_jobs RENAME TO {LEGACY_TABLE}")
        indexes = await conn.fetch(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1",
            LEGACY_TABLE,
        )
        for index in indexes:
            name = index["indexname"]
            # Renaming an index renames the constraint it backs (the primary key) as well.
            new_name = ("legacy_" + name)[:63]
            await conn.execute(f'ALTER INDEX "{name}" RENAME TO "{new_name}"')
    log.info("found the previous service's training_jobs; renamed it to %s", LEGACY_TABLE)
    return True


async def copy_legacy_rows(conn: Any) -> int | None:
    """Step 4: copy the legacy rows into our schema, once. Returns rows copied (None: nothing
    to adopt)."""
    if await conn.fetchval(f"SELECT to_regclass('public.{LEGACY_TABLE}')") is None:
        return None
    mark = await conn.fetchval(f"SELECT obj_description('public.{LEGACY_TABLE}'::regclass)")
    if mark == ADOPTED_MARK:
        return None
    now = datetime.now(UTC)
    rows = await conn.fetch(f"SELECT * FROM {LEGACY_TABLE}")
    adopted = [a for a in (adopt_legacy_row(dict(r), now) for r in rows) if a is not None]
    async with conn.transaction():
        for job in adopted:
            await _insert(conn, job)
        await conn.execute(f"COMMENT ON TABLE {LEGACY_TABLE} IS '{ADOPTED_MARK}'")
    log.info(
        "adopted %d job(s) from %s (%d soft-deleted row(s) left there)",
        len(adopted),
        LEGACY_TABLE,
        len(rows) - len(adopted),
    )
    return len(adopted)


async def _insert(conn: Any, job: AdoptedJob) -> None:
    v = job.values
    columns = list(v)
    params = [json.dumps(v[c]) if c in _JSON_COLUMNS else v[c] for c in columns]
    placeholders = [
        f"${i}::jsonb" if c in _JSON_COLUMNS else f"${i}" for i, c in enumerate(columns, 1)
    ]
    inserted = await conn.fetchval(
        f"INSERT INTO training_jobs ({', '.join(columns)}, last_sequence) "
        f"VALUES ({', '.join(placeholders)}, 1) ON CONFLICT (id) DO NOTHING RETURNING id",
        *params,
    )
    if inserted is None:
        return  # already there (a previous, interrupted copy)
    await conn.execute(
        "INSERT INTO job_events (job_id, sequence, at, from_status, to_status, reason, message,"
        " actor) VALUES ($1, 1, $2, NULL, $3, $4, $5, $6)",
        v["id"],
        v["updated_at"],
        v["status"],
        v["reason"],
        job.event_message,
        IMPORT_ACTOR,
    )
