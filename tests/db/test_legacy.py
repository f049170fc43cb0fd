"""Adopting the Go service's GORM table (app/db/legacy.py): pure mapping, then on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import asyncpg

from app.db.legacy import (
    ADOPTED_MARK,
    LEGACY_TABLE,
    adopt_legacy_row,
    parse_target_clusters,
    phase_of_legacy_status,
)
from app.db.session import migrate
from app.jobstate.phases import Phase, Reason
from tests.db.migrate_cli import run_migrate_processes

# The old service's table as GORM AutoMigrate created it (string primary key, jsonb payload,
# text target clusters, soft delete with its index).
GORM_SCHEMA = """
CREATE TABLE "training_jobs" (
  "id" text, "job_name" text NOT NULL, "namespace" text DEFAULT 'default',
  "algorithm" text NOT NULL, "priority" bigint DEFAULT 0, "request_payload" jsonb,
  "target_clusters" text, "status" text DEFAULT 'Pending', "message" text,
  "created_at" timestamptz, "updated_at" timestamptz, "deleted_at" timestamptz,
  PRIMARY KEY ("id"));
CREATE INDEX IF NOT EXISTS "idx_training_jobs_deleted_at" ON "training_jobs" ("deleted_at");
"""
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
LEGACY_ROWS: list[tuple[Any, ...]] = [
    (
        "xgb-a-0a1b2c3d",
        "xgb-a",
        "default",
        "xgboost",
        500,
        {"jobName": "xgb-a", "algorithm": {"source": "builtin", "algorithmName": "xgboost"}},
        '["member1"]',
        "Succeeded",
        "done",
        None,
    ),
    (
        "torch-b-1a2b3c4d",
        "torch-b",
        "team-a",
        "pytorch",
        100,
        {"jobName": "torch-b"},
        "member1,member2",
        "Running",
        "",
        None,
    ),
    (
        "cust-c-2a3b4c5d",
        "cust-c",
        "default",
        "my-image",
        0,
        {"algorithm": {"source": "container", "image": "busybox"}},
        "",
        "Failed",
        "exit 1",
        None,
    ),
    ("odd-d-3a4b5c6d", "odd-d", None, "tensorflow", 0, None, None, "Unknown", None, None),
    ("gone-e-4a5b6c7d", "gone-e", "default", "xgboost", 0, {}, "", "Succeeded", "", T0),
]


def test_status_strings_map_to_phases_and_reasons() -> None:
    assert phase_of_legacy_status("Running") == (Phase.RUNNING, Reason.RUNNING)
    assert phase_of_legacy_status("succeeded") == (Phase.SUCCEEDED, Reason.COMPLETED)
    assert phase_of_legacy_status("Failed") == (Phase.FAILED, Reason.APP_FAILED)
    assert phase_of_legacy_status("Stopped") == (Phase.STOPPED, Reason.STOPPED_BY_USER)
    # The old UI showed unknown strings as Pending.
    assert phase_of_legacy_status("Unknown") == (Phase.PENDING, Reason.SCHEDULING)
    assert phase_of_legacy_status(None) == (Phase.PENDING, Reason.SCHEDULING)


def test_target_clusters_text_is_json_or_comma_separated() -> None:
    assert parse_target_clusters('["a", "b"]') == ["a", "b"]
    assert parse_target_clusters("a, b,") == ["a", "b"]
    assert parse_target_clusters("") == []
    assert parse_target_clusters(None) == []


def test_row_mapping_derives_kind_and_object_name_and_skips_soft_deleted() -> None:
    row = {
        "id": "1st-job-0a1b2c3d",
        "job_name": "1st-job",
        "namespace": None,
        "algorithm": "pytorch",
        "priority": None,
        "request_payload": '{"a": 1}',
        "target_clusters": "m1",
        "status": "Running",
        "message": None,
        "created_at": datetime(2025, 1, 1),
        "updated_at": None,
        "deleted_at": None,
    }
    adopted = adopt_legacy_row(row, T0)
    assert adopted is not None
    v = adopted.values
    assert (v["kind"], v["api_version"]) == ("PyTorchJob", "kubeflow.org/v1")
    assert v["object_name"] == "j1st-job-0a1b2c3d"  # DNS-1035: leading letter
    assert v["namespace"] == "default" and v["priority"] == 0 and v["message"] == ""
    assert v["request_payload"] == {"a": 1} and v["target_clusters"] == ["m1"]
    assert v["created_at"].tzinfo is not None and v["updated_at"] == v["created_at"]
    assert "Running" in adopted.event_message
    assert adopt_legacy_row({**row, "deleted_at": T0}, T0) is None


async def _create_legacy_database(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(GORM_SCHEMA)
        for r in LEGACY_ROWS:
            await conn.execute(
                "INSERT INTO training_jobs VALUES ($1,$2,$3,$4,$5,$6::jsonb,$7,$8,$9,$10,$10,$11)",
                *r[:5],
                None if r[5] is None else json.dumps(r[5]),
                *r[6:9],
                T0,
                r[9],
            )
    finally:
        await conn.close()


async def _fetch(url: str, query: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(query))
    finally:
        await conn.close()


async def test_migrate_adopts_the_gorm_table_without_losing_rows(pg_url: str) -> None:
    await _create_legacy_database(pg_url)
    await asyncio.create_task(migrate(pg_url))
    jobs = {r["id"]: r for r in await _fetch(pg_url, "SELECT * FROM training_jobs")}
    assert set(jobs) == {r[0] for r in LEGACY_ROWS if r[9] is None}
    xgb = jobs["xgb-a-0a1b2c3d"]
    assert (xgb["status"], xgb["reason"], xgb["kind"]) == ("SUCCEEDED", "Completed", "RayJob")
    assert json.loads(xgb["target_clusters"]) == ["member1"]
    assert json.loads(xgb["request_payload"])["jobName"] == "xgb-a"
    assert (xgb["priority"], xgb["message"], xgb["created_at"]) == (500, "done", T0)
    torch = jobs["torch-b-1a2b3c4d"]
    assert (torch["status"], torch["namespace"], torch["kind"]) == (
        "RUNNING",
        "team-a",
        "PyTorchJob",
    )
    assert jobs["cust-c-2a3b4c5d"]["kind"] == "Job"
    assert (jobs["odd-d-3a4b5c6d"]["status"], jobs["odd-d-3a4b5c6d"]["namespace"]) == (
        "PENDING",
        "default",
    )
    events = await _fetch(pg_url, "SELECT * FROM job_events ORDER BY job_id")
    assert [(e["job_id"], e["sequence"], e["actor"]) for e in events] == sorted(
        (j, 1, "legacy-import") for j in jobs
    )
    # Nothing lost: the old table (soft-deleted row included) is still there, marked adopted.
    legacy = await _fetch(pg_url, f"SELECT id FROM {LEGACY_TABLE}")
    assert len(legacy) == len(LEGACY_ROWS)
    mark = await _fetch(pg_url, f"SELECT obj_description('{LEGACY_TABLE}'::regclass) AS m")
    assert mark[0]["m"] == ADOPTED_MARK


async def test_concurrent_migrations_on_a_legacy_database_adopt_once(pg_url: str) -> None:
    await _create_legacy_database(pg_url)
    results = await asyncio.to_thread(run_migrate_processes, pg_url, 2)
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    jobs = await _fetch(pg_url, "SELECT id FROM training_jobs")
    events = await _fetch(pg_url, "SELECT job_id FROM job_events")
    assert len(jobs) == len(events) == sum(1 for r in LEGACY_ROWS if r[9] is None)
