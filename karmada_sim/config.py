"""Configuration of the embedded simulated Karmada.

Plain dataclasses so the simulator stays independent of the product's settings: it imports
nothing from the product (an import-linter contract in pyproject.toml).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class MemberConfig:
    """One simulated member cluster."""

    name: str
    region: str = "us-east-1"
    zones: list[str] = field(default_factory=lambda: ["us-east-1a"])
    provider: str = "simulated"
    labels: dict[str, str] = field(default_factory=dict)
    nodes: int = 4
    cpu_per_node: int = 16
    memory_gib_per_node: int = 64
    gpus_per_node: int = 0
    kubernetes_version: str = "v1.31.4"
    # Which workload APIs are installed (drives Cluster.status.apiEnablements).
    operators: tuple[str, ...] = ("kuberay", "training-operator", "mpi-operator")
    ready: bool = True


@dataclass
class TimingConfig:
    """How long simulated workloads spend in each stage (seconds)."""

    initializing_seconds: float = 1.0
    running_seconds: float = 3.0
    log_line_interval_seconds: float = 0.5
    status_sync_seconds: float = 0.2


@dataclass
class SimulatorConfig:
    members: list[MemberConfig] = field(
        default_factory=lambda: [
            MemberConfig(name="member1", region="us-east-1", zones=["us-east-1a"]),
            MemberConfig(
                name="member2", region="eu-west-1", zones=["eu-west-1b"], gpus_per_node=8
            ),
        ]
    )
    timing: TimingConfig = field(default_factory=TimingConfig)
    # Bearer token the API server expects; None disables authentication.
    token: str | None = "sim-token"
    # kubectl never sends a bearer token over plain http: allow anonymous GET/LIST/WATCH.
    allow_anonymous_reads: bool = False
    # Namespaces and Secrets present on a fresh simulator, so the quick start (README) works
    # with no setup.
    namespaces: tuple[str, ...] = ("default",)
    storage_secret_name: str = "ml-platform-storage"
    # Upstream reference data (CRDs, Karmada interpreters): a directory, "builtin" to force the
    # built-in model, or None to auto-detect (karmada_sim/reference.py: precedence).
    reference_dir: str | None = None
    # How many resourceVersions of history a watch may resume from before 410 Gone.
    watch_history: int = 10_000
