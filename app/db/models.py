"""Tortoise models: the job row and its append-only history (docs/reliability.md)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class TrainingJob(Model):
    """One submitted training job. Its status column holds a Phase value (PENDING ...)."""

    id = fields.CharField(primary_key=True, max_length=80)
    job_name = fields.CharField(max_length=63)
    namespace = fields.CharField(max_length=63, db_index=True)
    algorithm = fields.CharField(max_length=64)
    priority = fields.IntField(default=0, db_default=0)
    # The normalised request (credentials redacted): what REST returns as request.
    request_payload: dict = fields.JSONField(default=dict)  # type: ignore[type-arg]
    target_clusters: list = fields.JSONField(default=list)  # type: ignore[type-arg]
    # Workload kind (RayJob...), its apiVersion and the Kubernetes object name.
    kind = fields.CharField(max_length=32)
    api_version = fields.CharField(max_length=64)
    object_name = fields.CharField(max_length=63)
    pvc_name = fields.CharField(max_length=63, null=True)
    status = fields.CharField(max_length=16, db_index=True)
    reason = fields.CharField(max_length=32)
    message = fields.TextField(default="", db_default="")
    # Clusters Karmada placed the job on, and each one's phase.
    placement: list = fields.JSONField(default=list)  # type: ignore[type-arg]
    cluster_distribution: dict = fields.JSONField(default=dict)  # type: ignore[type-arg]
    active = fields.IntField(default=0, db_default=0)
    succeeded = fields.IntField(default=0, db_default=0)
    failed = fields.IntField(default=0, db_default=0)
    start_time = fields.DatetimeField(null=True)
    completion_time = fields.DatetimeField(null=True)
    # When the poller last read this job's status from Karmada.
    status_confirmed_at = fields.DatetimeField(null=True)
    # When submission started failing (drives the submission deadline).
    submission_failing_since = fields.DatetimeField(null=True)
    # The sequence number of the newest JobEvent of this job.
    last_sequence = fields.IntField(default=0, db_default=0)
    created_by = fields.CharField(max_length=128, null=True)
    stopped_by = fields.CharField(max_length=128, null=True)
    deleted_by = fields.CharField(max_length=128, null=True)
    # Idempotency key of the create request (Idempotency-Key header / clientRequestId).
    client_request_id = fields.CharField(max_length=128, null=True)
    # When the pods' logs were archived into job_logs (set once, after a terminal phase).
    logs_archived_at = fields.DatetimeField(null=True)
    # When retention removed the workload, policy and PVC from Karmada.
    workload_deleted_at = fields.DatetimeField(null=True)
    # The job's recovery policy as accepted (app.jobstate.recovery; None: the defaults).
    recovery_policy: dict | None = fields.JSONField(null=True)  # type: ignore[type-arg]
    # The number of the current attempt (1 until a recovery); object_name is its name.
    attempt = fields.IntField(default=1, db_default=1)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "training_jobs"
        indexes = (("created_at", "id"),)
        unique_together = (("namespace", "client_request_id"),)


class JobEvent(Model):
    """A transition of a job (phase or reason), numbered 1, 2, 3... per job by sequence."""

    id = fields.BigIntField(primary_key=True)
    job: fields.ForeignKeyRelation[TrainingJob] = fields.ForeignKeyField(
        "models.TrainingJob", related_name="events", on_delete=fields.CASCADE
    )
    sequence = fields.IntField()
    at = fields.DatetimeField()
    from_status = fields.CharField(max_length=16, null=True)
    to_status = fields.CharField(max_length=16)
    reason = fields.CharField(max_length=32)
    message = fields.TextField(default="", db_default="")
    cluster = fields.CharField(max_length=253, null=True)
    actor = fields.CharField(max_length=128, null=True)

    class Meta:
        table = "job_events"
        unique_together = (("job", "sequence"),)


class JobAttempt(Model):
    """One attempt of a job: its own Karmada objects (``object_name``) on one cluster.

    Written when a recovery starts, before the new attempt's objects exist (so the
    reconciler can tell a former attempt's leftovers from an unknown object): the ended
    attempt gets its end, phase and cause; the new one starts PENDING/Recovering. Attempt 1
    of a job never recovered has no row (the job row is its record).
    """

    id = fields.BigIntField(primary_key=True)
    job: fields.ForeignKeyRelation[TrainingJob] = fields.ForeignKeyField(
        "models.TrainingJob", related_name="attempts", on_delete=fields.CASCADE
    )
    job_id: str  # the foreign key's column, set by Tortoise (typed here for mypy)
    number = fields.IntField()
    cluster = fields.CharField(max_length=253, null=True)
    object_name = fields.CharField(max_length=63)
    phase = fields.CharField(max_length=16)
    reason = fields.CharField(max_length=32)
    message = fields.TextField(default="", db_default="")
    started_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)
    # When this (ended) attempt's pod logs were archived into job_logs, before a recovery
    # deleted its objects (None: not yet, or its member did not answer).
    logs_archived_at = fields.DatetimeField(null=True)

    class Meta:
        table = "job_attempts"
        unique_together = (("job", "number"),)


class JobLog(Model):
    """The archived log of one container of one pod of one attempt of a job.

    Bounded (the newest lines kept); an attempt's archive never replaces another's. A pod
    belongs to one attempt (its workload's name carries the attempt), so the key needs no
    attempt column (and SQLite cannot change a table's unique constraint in place).
    """

    id = fields.BigIntField(primary_key=True)
    job: fields.ForeignKeyRelation[TrainingJob] = fields.ForeignKeyField(
        "models.TrainingJob", related_name="logs", on_delete=fields.CASCADE
    )
    # The attempt (issue 19) whose pods wrote it.
    attempt = fields.IntField(default=1, db_default=1)
    cluster = fields.CharField(max_length=253)
    pod = fields.CharField(max_length=253)
    container = fields.CharField(max_length=253, default="", db_default="")
    content = fields.TextField(default="", db_default="")
    line_count = fields.IntField(default=0, db_default=0)
    truncated = fields.BooleanField(default=False, db_default=False)
    archived_at = fields.DatetimeField()

    class Meta:
        table = "job_logs"
        unique_together = (("job", "cluster", "pod", "container"),)


class ApiToken(Model):
    """An API token (AUTH_MODE=token). Only a hash of the secret is stored."""

    id = fields.CharField(primary_key=True, max_length=32)
    user = fields.CharField(max_length=128)
    role = fields.CharField(max_length=16)
    namespaces: list = fields.JSONField(default=list)  # type: ignore[type-arg]
    token_hash = fields.CharField(max_length=128, unique=True)
    created_at = fields.DatetimeField()
    created_by = fields.CharField(max_length=128, null=True)
    revoked_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_tokens"
