"""Bulk-inserting finished jobs straight into PostgreSQL (list tests and the bench).

Rows are terminal, archived and retention-expired, so the poller and the operations
worker leave them alone while tests read them.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg

PHASES = ("SUCCEEDED", "FAILED", "STOPPED")
REASONS = {"SUCCEEDED": "Completed", "FAILED": "AppFailed", "STOPPED": "StoppedByUser"}
ALGORITHMS = ("xgboost", "pytorch", "tensorflow", "jax-pjit")
PREFIXES = ("alpha", "delta", "omega")  # same length: ids sort alike in every collation
CLUSTERS = (("member1",), ("member2",), ())
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SeedRow:
    id: str
    job_name: str
    namespace: str
    algorithm: str
    priority: int
    status: str
    placement: tuple[str, ...]
    created_at: datetime
    updated_at: datetime


def make_rows(count: int, seed: int = 7) -> list[SeedRow]:
    """``count`` varied rows; some share created_at, priority or phase (ties)."""
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        name = f"{PREFIXES[i % 3]}{i:05d}"
        created = EPOCH + timedelta(minutes=rng.randrange(count // 2 + 1))
        rows.append(
            SeedRow(
                id=f"{name}-{rng.getrandbits(32):08x}",
                job_name=name,
                namespace="team-a" if i % 4 else "team-b",
                algorithm=ALGORITHMS[rng.randrange(len(ALGORITHMS))],
                priority=rng.randrange(0, 1001, 50),
                status=PHASES[rng.randrange(len(PHASES))],
                placement=CLUSTERS[rng.randrange(len(CLUSTERS))],
                created_at=created,
                updated_at=created + timedelta(seconds=rng.randrange(3600)),
            )
        )
    return rows


INSERT = """
INSERT INTO training_jobs (
  id, job_name, namespace, algorithm, priority, request_payload, target_clusters, kind,
  api_version, object_name, status, reason, message, placement, cluster_distribution,
  active, succeeded, failed, last_sequence, logs_archived_at, workload_deleted_at,
  created_at, updated_at
) VALUES ($1, $2, $3, $4, $5, '{}'::jsonb, '[]'::jsonb, 'RayJob', 'ray.io/v1', $6, $7, $8,
  '', $9::jsonb, '{}'::jsonb, 0, 0, 0, 0, $10, $10, $11, $12)
"""


async def seed_jobs(dsn: str, rows: list[SeedRow]) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.executemany(
            INSERT,
            [
                (r.id, r.job_name, r.namespace, r.algorithm, r.priority, f"r{r.id[-8:]}",
                 r.status, REASONS[r.status], json.dumps(list(r.placement)), r.updated_at,
                 r.created_at, r.updated_at)
                for r in rows
            ],
        )
    finally:
        await conn.close()
