"""Configuration from the environment, grouped by concern (README, Configuration).

Each group is a small pydantic-settings class whose field names are the environment
variable names (case-insensitive), so ``DATABASE_URL`` fills ``DatabaseSettings.database_url``.
``Settings`` bundles the groups; tests build it directly with overrides.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

_ENV = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)


class DatabaseSettings(BaseSettings):
    model_config = _ENV
    #: ``sqlite://./mlplatform.db`` (embedded default) or ``postgres://user:pw@host:5432/db``.
    database_url: str = "sqlite://./mlplatform.db"
    #: Apply pending migrations at start-up (set false where a pre-deploy Job runs them).
    auto_migrate: bool = True
    #: PostgreSQL pool reset on release: ``rollback`` (only an open transaction is rolled
    #: back; pooled connections carry no session state, app.db.config) or ``full``
    #: (asyncpg's default RESET ALL / UNLISTEN * / unlock-all query, one more round trip).
    db_pool_reset: Literal["rollback", "full"] = "rollback"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://", "asyncpg://"))


class KarmadaSettings(BaseSettings):
    model_config = _ENV
    #: Kubeconfig of the Karmada API server; unset -> the embedded simulated Karmada.
    karmada_kubeconfig: str | None = None
    #: Kubeconfig of the management cluster (optional, reserved for operator tooling).
    mgmt_kubeconfig: str | None = None
    #: Per-request timeout against Karmada, seconds.
    karmada_request_timeout_seconds: float = 10.0
    #: Installation id stamped on every object (label ``ml-platform.io/instance``), so two
    #: installations sharing one Karmada never touch each other's objects.
    ml_platform_instance: str = Field(
        default="default", pattern=r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
    )
    #: Let Karmada requests honour HTTP(S)_PROXY / NO_PROXY and ~/.netrc (aiohttp's trust_env).
    #: Off by default: looking them up costs a thread hop on every request.
    karmada_trust_env: bool = False
    #: Seconds a found namespace, storage Secret, PriorityClass or Cluster list read at job
    #: creation is reused (app.karmada.lookup_cache); a deleted Secret is refused at most this
    #: long after. 0: read them from Karmada on every create.
    karmada_lookup_cache_seconds: float = Field(default=5.0, ge=0, le=60)
    #: Member clusters of the embedded simulator (only without KARMADA_KUBECONFIG).
    simulator_clusters: int = Field(default=2, ge=1, le=16)
    #: Upstream reference data for the embedded simulator: a directory, or ``builtin``; unset:
    #: auto-detect (../shared/k8s-reference, the ``mlplatform reference fetch`` cache, else
    #: the built-in model).
    k8s_reference_dir: str | None = None


class ServerSettings(BaseSettings):
    model_config = _ENV
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    #: Worker processes of ``mlplatform serve`` (``--workers`` overrides it; PostgreSQL and
    #: an external Karmada only beyond 1). k8s/ sets it from the pod's CPU limit.
    web_concurrency: int = Field(default=1, ge=1, le=64)
    #: Origins allowed by CORS and by cross-origin websocket handshakes (JSON list). Unset:
    #: ``["*"]`` in the embedded mode (loopback + AUTH_MODE=none), otherwise none at all.
    cors_allow_origins: list[str] | None = None
    #: Largest accepted request body, bytes (413 beyond it).
    max_request_body_bytes: int = Field(default=1_048_576, ge=1024)
    #: On SIGTERM, how long in-flight requests may finish before connections are closed
    #: (keep it below the pod's terminationGracePeriodSeconds).
    graceful_shutdown_seconds: float = Field(default=20.0, gt=0)
    #: How long an idle HTTP connection is kept open. uvicorn's 5 s equals the old UI's poll
    #: period, so every poll raced the server closing the connection it reused (a
    #: disconnect the browser has to retry); 65 s also outlasts a load balancer's usual 60 s
    #: idle timeout, so the proxy, not this server, is the side that closes.
    http_keep_alive_seconds: int = Field(default=65, ge=1, le=3600)
    #: ``console`` (readable) or ``json`` (one JSON object per line).
    log_format: Literal["console", "json"] = "console"
    log_level: str = "INFO"

    @property
    def is_loopback(self) -> bool:
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return self.host == "localhost"


class AuthSettings(BaseSettings):
    model_config = _ENV
    #: ``none`` (everyone is admin; loopback only), ``token`` (API tokens) or ``oidc`` (JWTs).
    auth_mode: Literal["none", "token", "oidc"] = "none"
    #: Allow AUTH_MODE=none on a non-loopback address (only behind a trusted network).
    auth_allow_insecure_none: bool = False
    #: OIDC issuer (the ``iss`` claim every token must carry).
    oidc_issuer: str | None = None
    #: OIDC audience (the ``aud`` claim every token must contain).
    oidc_audience: str | None = None
    #: JWKS URL of the issuer (its signing keys; re-read when an unknown ``kid`` appears).
    oidc_jwks_url: str | None = None
    #: Claim naming the user.
    oidc_user_claim: str = "preferred_username"
    #: Claim listing the user's groups.
    oidc_groups_claim: str = "groups"
    #: JSON object group -> {"role": viewer|editor|admin, "namespaces": [...] or ["*"]}.
    oidc_group_roles: dict[str, dict[str, Any]] = Field(default_factory=dict)
    #: Peers (IP addresses or CIDRs) whose identity headers are trusted (an authenticating
    #: proxy such as oauth2-proxy). Empty: such headers are ignored.
    auth_trusted_proxies: list[str] = Field(default_factory=list)
    #: Header carrying the user a trusted proxy authenticated (AUTH_MODE=oidc).
    auth_proxy_user_header: str = "X-Forwarded-User"
    #: Header carrying that user's comma-separated groups.
    auth_proxy_groups_header: str = "X-Forwarded-Groups"
    #: Header carrying the proxy's access/ID token (a JWT, verified like a bearer token).
    auth_proxy_token_header: str = "X-Forwarded-Access-Token"


class PollerSettings(BaseSettings):
    model_config = _ENV
    #: Period of the status poller, seconds.
    poll_interval_seconds: float = Field(default=1.0, gt=0)
    #: How long a job whose submission keeps failing is retried before it is FAILED.
    submission_deadline_seconds: float = Field(default=300.0, gt=0)
    #: A submitted job whose objects are absent this long becomes FAILED/WorkloadLost.
    workload_lost_grace_seconds: float = Field(default=30.0, ge=0)
    #: Page size of the poller's LIST requests.
    list_page_size: int = Field(default=500, ge=1, le=5000)
    #: Where the poller reads status: ``watch`` (LIST once, then WATCH; a tick costs what
    #: changed) or ``list`` (paged LIST of compact Table rows every tick and GETs of what
    #: changed, for endpoints without watch).
    poll_source: Literal["watch", "list"] = "watch"
    #: Watch mode: full re-LIST (and re-check of every active job) this often, to heal.
    watch_relist_seconds: float = Field(default=300.0, gt=0)
    #: How often a replica that is not the leader retries the leader lock, seconds.
    leader_retry_seconds: float = Field(default=2.0, gt=0)
    #: PostgreSQL: how often the leader checks its lock connection is alive, seconds.
    leader_check_seconds: float = Field(default=1.0, gt=0)
    #: First delay before a failed submission is retried; doubles per attempt (jittered).
    submission_retry_initial_seconds: float = Field(default=1.0, gt=0)
    #: Upper bound of the delay between submission retries.
    submission_retry_max_seconds: float = Field(default=30.0, gt=0)
    #: Period of the reconciler (finishes half-done work, removes orphans), seconds.
    reconcile_interval_seconds: float = Field(default=30.0, gt=0)
    #: Objects with our labels and no job row are deleted once older than this, seconds.
    orphan_grace_seconds: float = Field(default=300.0, ge=0)
    #: How often the poller re-reads member health (jobs on an unreachable member show
    #: reason StatusStale), seconds.
    cluster_health_check_seconds: float = Field(default=5.0, gt=0)
    #: Recovery (issue 19, docs/reliability.md): the policy of a job that names none, key
    #: by key. Attempts in all, the first included.
    recovery_max_attempts: int = Field(default=3, ge=1, le=20)
    #: Retry infrastructure failures (member lost, pods evicted/preempted/node lost, the
    #: workload deleted behind our back) in a new attempt.
    recovery_retry_infrastructure: bool = True
    #: Retry application failures (non-zero exit, the framework's Failed condition).
    recovery_retry_application: bool = False
    #: Place a new attempt away from the clusters earlier attempts failed on.
    recovery_avoid_failed_clusters: bool = True
    #: How long a member may be NotReady or unreachable before its jobs are failed over
    #: (well under the 300 s Kubernetes waits before evicting pods), seconds.
    recovery_member_grace_seconds: float = Field(default=60.0, ge=0, le=3600)
    #: A member that does not answer: ``replace`` its jobs after the grace, or ``wait``
    #: for it to return.
    recovery_on_unreachable: Literal["wait", "replace"] = "replace"


class GraphQLSettings(BaseSettings):
    model_config = _ENV
    #: Serve GraphiQL on GET /graphql and allow introspection (one switch for both).
    graphiql_enabled: bool = True
    #: Deepest selection nesting a GraphQL document may have.
    graphql_max_depth: int = Field(default=12, ge=1)
    #: Most tokens (names, punctuation, values) a GraphQL document may have.
    graphql_max_tokens: int = Field(default=2000, ge=10)
    #: Most field aliases a GraphQL document may use.
    graphql_max_aliases: int = Field(default=20, ge=0)
    #: Most selections a document may have with every fragment expanded at every spread
    #: (fragment bombs are refused before validation, app.graphql.cost).
    graphql_max_selections: int = Field(default=1000, ge=10)
    #: Deepest nesting of JSON objects/arrays in a request body or websocket message.
    graphql_max_json_depth: int = Field(default=32, ge=2, le=200)
    #: Most entries of a list in a filter argument (e.g. ``jobs(filter: {clusters})``).
    graphql_max_filter_entries: int = Field(default=100, ge=1)
    #: Longest string in a filter argument (Kubernetes names are at most 253 characters).
    graphql_max_filter_string_length: int = Field(default=256, ge=1)
    #: Seconds a websocket client has to send connection_init.
    graphql_connection_init_timeout_seconds: float = Field(default=10.0, gt=0)
    #: Websockets that have not sent connection_init yet, in all (more are closed 1013).
    graphql_max_pending_connections: int = Field(default=256, ge=1)
    #: Of those, from one client address.
    graphql_max_pending_connections_per_client: int = Field(default=32, ge=1)
    #: Upper bound of concurrent subscriptions on one websocket.
    graphql_max_subscriptions_per_connection: int = Field(default=100, ge=1)
    #: Bounded per-subscriber queue; overflow is back-filled from job_events.
    subscriber_queue_size: int = Field(default=64, ge=1)
    #: Render each live jobStatus update once per (document, variables) and send it to every
    #: websocket subscriber of that job (app.graphql.fanout); off: once per subscriber.
    graphql_shared_fanout: bool = True
    #: Complete plain fields with the short path (app._compat.graphql_executor, an override of
    #: graphql-core's execute_fields); off: Strawberry's own executor, for any doubt about it.
    graphql_fast_executor: bool = True
    #: Websocket ping interval (uvicorn), seconds: dead subscribers are found and reaped.
    ws_ping_interval_seconds: float = Field(default=20.0, gt=0)
    #: Seconds without a pong before uvicorn closes the websocket.
    ws_ping_timeout_seconds: float = Field(default=20.0, gt=0)


class WorkloadDefaultSettings(BaseSettings):
    model_config = _ENV
    #: Secret (keys accessKey/secretKey) that jobs read storage credentials from.
    storage_secret_name: str = "ml-platform-storage"
    #: How long a finished RayJob keeps its cluster so the poller reads the final status.
    ray_ttl_seconds_after_finished: int = Field(default=600, ge=0)
    #: JSON object algorithm -> image, overriding the public defaults.
    workload_images: dict[str, str] = Field(default_factory=dict)
    #: JSON object algorithm -> entrypoint, overriding the defaults.
    workload_entrypoints: dict[str, str] = Field(default_factory=dict)
    #: JSON object PriorityClass name -> lowest job priority (0-1000) it serves, e.g.
    #: {"ml-high": 800, "ml-low": 0}. Empty: jobs get no priorityClassName.
    priority_classes: dict[str, int] = Field(default_factory=dict)


class OperationsSettings(BaseSettings):
    model_config = _ENV
    #: Lines kept per container when a finished job's logs are archived in PostgreSQL.
    log_archive_max_lines: int = Field(default=10_000, ge=1, le=1_000_000)
    #: A finished job whose member stays unreachable this long is archived without logs.
    log_archive_give_up_seconds: float = Field(default=900.0, ge=0)
    #: Upper bound (and default) of ``tailLines`` for live log reads.
    log_read_max_lines: int = Field(default=10_000, ge=1, le=1_000_000)
    #: After the job ends, how long a log follow stream keeps reading final lines, seconds.
    log_follow_drain_seconds: float = Field(default=2.0, ge=0)
    #: After a terminal phase (and archived logs), seconds until the workload, policy and
    #: PVC we created are deleted from Karmada; the row and its history stay.
    workload_retention_seconds: float = Field(default=3600.0, ge=0)
    #: Period of the leader's operations worker (log archive, retention, stop retries).
    operations_interval_seconds: float = Field(default=5.0, gt=0)
    #: Periodic purge: terminal jobs older than this many days are removed with their
    #: events and archived logs (like ``mlplatform purge``). Unset: no periodic purge.
    purge_older_than_days: float | None = Field(default=None, gt=0)
    #: How often the periodic purge runs, seconds.
    purge_interval_seconds: float = Field(default=3600.0, gt=0)


class RestLimitSettings(BaseSettings):
    """Bounds on REST input and on what a job may carry (docs/security.md, "Limits")."""

    model_config = _ENV
    #: Deepest array/object nesting a JSON body may have (400 beyond; checked without recursion).
    max_json_depth: int = Field(default=64, ge=2, le=512)
    #: Largest ``limit`` on GET /api/v1/jobs.
    rest_max_list_limit: int = Field(default=10_000, ge=1, le=1_000_000)
    #: Most hyperparameters (algorithm section plus customHyperparameters) one job may have.
    job_max_hyperparameters: int = Field(default=500, ge=1, le=10_000)
    #: Largest hyperparameter value, bytes of its UTF-8 text.
    job_max_hyperparameter_value_bytes: int = Field(default=4096, ge=16, le=65_536)
    #: Largest workload manifest (JSON bytes); etcd refuses objects over 1.5 MiB, and the
    #: object travels in every watch event and LIST page.
    job_max_manifest_bytes: int = Field(default=262_144, ge=16_384, le=1_048_576)
    #: Longest string one log field may carry; longer ones are cut with a marker first.
    log_max_string_chars: int = Field(default=2048, ge=64, le=1_048_576)
    #: How often a Karmada 409 Conflict at job creation is retried before 503.
    karmada_conflict_retries: int = Field(default=3, ge=0, le=10)


@dataclass
class Settings:
    db: DatabaseSettings = field(default_factory=DatabaseSettings)
    karmada: KarmadaSettings = field(default_factory=KarmadaSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    poller: PollerSettings = field(default_factory=PollerSettings)
    graphql: GraphQLSettings = field(default_factory=GraphQLSettings)
    workloads: WorkloadDefaultSettings = field(default_factory=WorkloadDefaultSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    operations: OperationsSettings = field(default_factory=OperationsSettings)
    limits: RestLimitSettings = field(default_factory=RestLimitSettings)

    @property
    def embedded_karmada(self) -> bool:
        return self.karmada.karmada_kubeconfig is None

    @property
    def cors_origins(self) -> list[str]:
        """Configured origins, else ``*`` only in the embedded mode (loopback, no auth)."""
        if self.server.cors_allow_origins is not None:
            return list(self.server.cors_allow_origins)
        embedded = self.server.is_loopback and self.auth.auth_mode == "none"
        return ["*"] if embedded else []
