"""The jobs page's fast paths (raw rows, lazy Job views, spelled-out cursors) change nothing."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import asyncpg
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.auth.principal import ALL_NAMESPACES, Principal, Role
from app.db.models import TrainingJob
from app.db.rows import (
    JobRecord,
    _all_columns_sql,
    converters,
    count_and_fetch_raw,
    fields_in_table_order,
)
from app.db.session import database
from app.jobstate.phases import Phase
from resolvers.context import Context, Services
from resolvers.cursors import cursor_of
from resolvers.cursors import decode_cursor as _decode_cursor
from resolvers.paging import JobFilter, JobOrder, OrderField, page_jobs
from schema.types import _JOB_FIELDS, Job
from tests.operations.jobs import create, job_body, unique_name, wait_status
from tests.operations.seed import make_rows, seed_jobs
from tests.support.platform import Platform

STORABLE = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
ORDERS = [JobOrder(field, descending) for field in OrderField for descending in (True, False)]


def reference_cursor(job: Any, order: JobOrder) -> str:
    """The cursor as it was always written: base64url(json.dumps([...]))."""
    value = getattr(job, order.field.value)
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = json.dumps([order.field.name, order.descending, value, job.id]).encode()
    return base64.urlsafe_b64encode(raw).decode()


class Row:
    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


@given(
    # What a row can hold: PostgreSQL text takes no NUL and UTF-8 no lone surrogate (and a
    # cursor carrying either is refused: tests/security/test_graphql_bad_input.py).
    job_id=st.text(STORABLE, max_size=80),
    name=st.text(STORABLE, max_size=63),
    status=st.text(STORABLE, max_size=16),
    priority=st.integers(min_value=-(2**31), max_value=2**31 - 1),
    at=st.datetimes(timezones=st.just(UTC)),
)
def test_cursor_is_byte_for_byte_the_json_one(
    job_id: str, name: str, status: str, priority: int, at: datetime
) -> None:
    row = Row(id=job_id, job_name=name, status=status, priority=priority, created_at=at,
              updated_at=at + timedelta(microseconds=1))
    for order in ORDERS:
        cursor = cursor_of(cast(TrainingJob, row), order)
        assert cursor == reference_cursor(row, order)
        value, decoded_id = _decode_cursor(cursor, order)
        assert decoded_id == job_id
        assert value == getattr(row, order.field.value)


def test_job_record_converts_a_column_when_read() -> None:
    calls: list[object] = []

    def parse(value: object) -> object:
        calls.append(value)
        return json.loads(cast(str, value))

    record = JobRecord({"id": "j-1", "placement": '["member1"]'}, {"id": None, "placement": parse})
    assert calls == []  # nothing converted up front
    assert record.id == "j-1"
    assert record.placement == ["member1"] and calls == ['["member1"]']
    with pytest.raises(AttributeError):
        _ = record.status  # not a column of this row
    with pytest.raises(AttributeError):
        _ = record.nonexistent


def full_row() -> TrainingJob:
    at = datetime(2026, 3, 4, 5, 6, 7, 890, tzinfo=UTC)
    return TrainingJob(
        id="full-0000abcd", job_name="full", namespace="team-a", algorithm="pytorch",
        priority=300, request_payload={"jobName": "full", "hyperparameters": {"lr": 0.1}},
        target_clusters=["member1", "member2"], kind="PyTorchJob",
        api_version="kubeflow.org/v1", object_name="p-full-0000abcd", status="FAILED",
        reason="AppFailed", message="exit 1", placement=["member2"], active=0, succeeded=1,
        failed=2, start_time=at, completion_time=at + timedelta(hours=1),
        status_confirmed_at=at, created_by="ada", stopped_by="bob",
        logs_archived_at=at, workload_deleted_at=None, created_at=at - timedelta(minutes=5),
        updated_at=at,
    )


def test_the_page_view_reads_every_field_as_from_row_does() -> None:
    row = full_row()
    plain = {
        f.python_name
        for f in Job.__strawberry_definition__.fields  # type: ignore[attr-defined]
        if f.base_resolver is None
    }
    assert set(_JOB_FIELDS) == plain  # no field of Job is left out of the view
    built, view = Job.from_row(row), Job.view_of(row)
    for name in sorted(plain):
        assert getattr(view, name) == getattr(built, name), name
    # ...and from_row reads what the row holds (the two share their field readers).
    assert (built.id, built.phase.value, built.clusters, built.target_clusters) == (
        "full-0000abcd", "FAILED", ["member2"], ["member1", "member2"]
    )
    assert cast(object, built.request) == row.request_payload and built.stopped_by == "bob"
    assert built.created_at == row.created_at and built.workload_deleted_at is None
    with pytest.raises(AttributeError):
        _ = view.not_a_field  # type: ignore[attr-defined]


ADMIN = Principal(user="admin", grants={ALL_NAMESPACES: Role.ADMIN})


def admin_context() -> Context:
    return Context(services=cast(Services, None), actor="admin", principal=ADMIN)


async def test_on_postgresql_the_page_selects_the_table_columns_in_their_order(
    pg_url: str,
) -> None:
    async with database(pg_url, apply_migrations=True):
        await seed_jobs(pg_url, make_rows(120))
        fields = await fields_in_table_order(TrainingJob)
        connection = await asyncpg.connect(pg_url.replace("postgresql://", "postgres://"))
        try:
            columns = [
                r["attname"]
                for r in await connection.fetch(
                    "SELECT attname FROM pg_attribute WHERE attrelid = 'training_jobs'::regclass"
                    " AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
                )
            ]
        finally:
            await connection.close()
        # The whole table, in its own order (the model's order differs: migrations append).
        assert fields == columns
        assert fields != list(converters(TrainingJob))
        sql, _ = await _all_columns_sql(TrainingJob.filter(status="FAILED").limit(3))
        assert sql.startswith("SELECT " + ",".join(f'"{c}"' for c in columns) + " FROM ")
        await check_page_matches_the_orm(first=50)
        await check_count_and_rows_as_the_orm(total=120)

        # Count and page share one pooled connection: one reset round trip, not two.
        db = TrainingJob._meta.db
        acquired: list[object] = []
        original = db.acquire_connection

        def counting_acquire() -> Any:
            acquired.append(None)
            return original()

        db.acquire_connection = counting_acquire  # type: ignore[method-assign]
        try:
            await page_jobs(admin_context(), None, 10, None)
        finally:
            db.acquire_connection = original  # type: ignore[method-assign]
        assert len(acquired) == 1


async def test_compiled_pages_are_never_shared_across_callers_or_inputs(pg_url: str) -> None:
    rows = make_rows(200)
    viewer = Context(
        services=cast(Services, None), actor="v",
        principal=Principal(user="v", grants={"team-b": Role.VIEWER}),
    )
    async with database(pg_url, apply_migrations=True):
        await seed_jobs(pg_url, rows)
        team_b = sorted((r for r in rows if r.namespace == "team-b"),
                        key=lambda r: (r.created_at, r.id), reverse=True)
        for _ in range(2):  # the second round runs on compiled statements
            everyone = await page_jobs(admin_context(), None, 30, None)
            assert everyone.total_count == len(rows)
            assert {r.namespace for r in everyone.jobs} == {"team-a", "team-b"}
            mine = await page_jobs(viewer, None, 30, None)
            assert mine.total_count == len(team_b)
            assert [r.id for r in mine.jobs] == [r.id for r in team_b[:30]]
            after = await page_jobs(viewer, None, 30, mine.end_cursor)
            assert [r.id for r in after.jobs] == [r.id for r in team_b[30:60]]
            small = await page_jobs(viewer, None, 5, None)
            assert [r.id for r in small.jobs] == [r.id for r in team_b[:5]]
            oldest = await page_jobs(viewer, None, 5, None, JobOrder(descending=False))
            assert [r.id for r in oldest.jobs] == [r.id for r in team_b[::-1][:5]]
            failed = await page_jobs(viewer, JobFilter(phases=[Phase.FAILED]), 5, None)
            assert failed.total_count == sum(r.status == "FAILED" for r in team_b)
            more = await page_jobs(viewer, JobFilter(phases=[Phase.FAILED]), 20, None)
            assert len(more.jobs) == 20  # not the 5 (+1) of the same filter's smaller page


async def test_on_sqlite_pages_convert_text_columns_as_the_orm_does(tmp_path: Any) -> None:
    async with database(f"sqlite://{tmp_path}/jobs.db", apply_migrations=True):
        row = full_row()
        await row.save()
        assert set(await fields_in_table_order(TrainingJob)) == set(converters(TrainingJob))
        await check_page_matches_the_orm(first=5)
        await check_count_and_rows_as_the_orm(total=1)


async def check_count_and_rows_as_the_orm(total: int) -> None:
    """count_and_fetch_raw gives CountQuery's number (offset/limit included) and the rows."""
    for offset, limit in [(0, None), (3, None), (0, 2), (total + 5, None), (1, 1)]:
        query = TrainingJob.all().offset(offset)
        if limit is not None:
            query = query.limit(limit)
        number, rows = await count_and_fetch_raw(query.count(), TrainingJob.all().order_by("id"))
        assert number == await query.count(), (offset, limit)
        assert [r["id"] for r in rows] == [j.id for j in await TrainingJob.all().order_by("id")]


async def check_page_matches_the_orm(first: int) -> None:
    page = await page_jobs(admin_context(), None, first, None)
    models = await TrainingJob.all().order_by("-created_at", "-id").limit(first)
    assert [r.id for r in page.jobs] == [m.id for m in models]
    for record, model in zip(page.jobs, models, strict=True):
        for name in converters(TrainingJob):
            assert getattr(record, name) == getattr(model, name), name
        assert Job.from_row(record) == Job.from_row(model)


ALL_FIELDS = """
  id jobName namespace algorithm priority phase reason message kind objectName
  targetClusters clusters request active succeeded failed startTime completionTime
  statusConfirmedAt createdBy createdAt updatedAt stoppedBy logsArchivedAt
  workloadDeletedAt events { sequence fromPhase toPhase reason }
"""


def test_page_nodes_answer_exactly_as_the_single_job_query(platform: Platform) -> None:
    asyncio.run(seed_jobs(platform.settings.db.database_url, make_rows(30)))
    created = create(platform, job_body(unique_name("pages"), "pytorch"))
    wait_status(platform, created["id"], "Running", "Succeeded")
    with platform.http() as client:
        page = client.post("/graphql", json={
            "query": f"{{ jobs(first: 40) {{ nodes {{ {ALL_FIELDS} }} "
                     f"edges {{ node {{ id }} cursor }} }} }}"
        })
    text = page.text
    nodes = json.loads(text)["data"]["jobs"]["nodes"]
    assert nodes[0]["id"] == created["id"]  # newest first
    assert nodes[0]["request"] and nodes[0]["events"]
    for node in nodes[:3]:
        single = platform.graphql(f'{{ job(id: "{node["id"]}") {{ {ALL_FIELDS} }} }}')["job"]
        # The same JSON, key order included.
        assert json.dumps(node) == json.dumps(single)
