"""Run the simulated Karmada on its own (`mlplatform simulate`), until interrupted.

It serves HTTPS by default (karmada_sim/tls.py): kubectl sends its bearer token only over TLS,
so plain http (`--insecure-http`) allows reads only from kubectl.
"""

from __future__ import annotations

import argparse
import signal
import tempfile
import threading
from pathlib import Path
from types import FrameType

from karmada_sim.config import MemberConfig, SimulatorConfig
from karmada_sim.runtime import EmbeddedSimulator

_REGIONS = (("us-east-1", "us-east-1a"), ("eu-west-1", "eu-west-1b"), ("ap-south-1", "ap-south-1a"))


def standalone_config(
    clusters: int,
    gpus_per_cluster: list[int] | None,
    reference_dir: str | None = None,
    *,
    insecure_http: bool = False,
) -> SimulatorConfig:
    """A config with `clusters` members; member i gets gpus_per_cluster[i] GPUs in total."""
    if clusters < 1:
        raise ValueError("clusters must be at least 1")
    gpus = list(gpus_per_cluster or [])
    if len(gpus) > clusters:
        raise ValueError("more --gpus-per-cluster values than clusters")
    members = []
    for i in range(clusters):
        region, zone = _REGIONS[i % len(_REGIONS)]
        total = gpus[i] if i < len(gpus) else 0
        nodes = 4 if total % 4 == 0 else 1  # whole GPUs per node
        members.append(
            MemberConfig(
                name=f"member{i + 1}",
                region=region,
                zones=[zone],
                nodes=nodes,
                gpus_per_node=total // nodes,
            )
        )
    # Over plain http kubectl sends no bearer token: only then are anonymous reads allowed.
    return SimulatorConfig(
        members=members, allow_anonymous_reads=insecure_http, reference_dir=reference_dir
    )


def run_standalone(
    port: int,
    clusters: int,
    gpus_per_cluster: list[int] | None,
    kubeconfig_path: str,
    host: str = "127.0.0.1",
    *,
    reference_dir: str | None = None,
    insecure_http: bool = False,
    tls_dir: str | None = None,
) -> None:
    """Serve a simulated Karmada on host:port and write its kubeconfig; blocks until SIGINT/TERM."""
    stop = threading.Event()

    def _signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    with tempfile.TemporaryDirectory(prefix="karmada-sim-tls-") as scratch:
        certs: str | Path | None = None if insecure_http else (tls_dir or Path(scratch))
        config = standalone_config(
            clusters, gpus_per_cluster, reference_dir, insecure_http=insecure_http
        )
        sim = EmbeddedSimulator(config, port=port, host=host, tls_dir=certs)
        try:
            sim.start()
            path = sim.write_kubeconfig(kubeconfig_path)
            print(f"simulated Karmada API server: {sim.url}"
                  + ("  (plain http: kubectl can only read)" if insecure_http else ""))
            print(sim.simulator.reference.describe())
            print(f"kubeconfig: {path}  (kubectl --kubeconfig {path} get clusters)")
            print(f"control API: {sim.url}/_sim/healthz  - Ctrl-C to stop", flush=True)
            stop.wait()
        finally:
            sim.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def run_from_args(args: argparse.Namespace) -> int:
    """Run with the options of ``karmada_sim.__main__.add_arguments``."""
    gpus = [int(g) for g in args.gpus_per_cluster.split(",")] if args.gpus_per_cluster else None
    run_standalone(
        args.port,
        args.clusters,
        gpus,
        args.kubeconfig,
        host=args.host,
        reference_dir=getattr(args, "reference_dir", None),
        insecure_http=getattr(args, "insecure_http", False),
        tls_dir=getattr(args, "tls_dir", None),
    )
    return 0
