"""Run the simulated Karmada on its own (`mlplatform simulate`), until interrupted."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from karmada_sim.config import MemberConfig, SimulatorConfig
from karmada_sim.runtime import EmbeddedSimulator

_REGIONS = (("us-east-1", "us-east-1a"), ("eu-west-1", "eu-west-1b"), ("ap-south-1", "ap-south-1a"))


def standalone_config(clusters: int, gpus_per_cluster: list[int] | None) -> SimulatorConfig:
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
    # kubectl sends no bearer token over plain http: let it read anonymously.
    return SimulatorConfig(members=members, allow_anonymous_reads=True)


def run_standalone(
    port: int,
    clusters: int,
    gpus_per_cluster: list[int] | None,
    kubeconfig_path: str,
    host: str = "127.0.0.1",
) -> None:
    """Serve a simulated Karmada on host:port and write its kubeconfig; blocks until SIGINT/TERM."""
    stop = threading.Event()

    def _signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    sim = EmbeddedSimulator(standalone_config(clusters, gpus_per_cluster), port=port, host=host)
    try:
        sim.start()
        path = sim.write_kubeconfig(kubeconfig_path)
        print(f"simulated Karmada API server: {sim.url}")
        print(f"kubeconfig: {path}  (kubectl --kubeconfig {path} get clusters)")
        print(f"control API: {sim.url}/_sim/healthz  - Ctrl-C to stop")
        stop.wait()
    finally:
        sim.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_from_args(args: argparse.Namespace) -> int:
    """Run with the options of ``karmada_sim.__main__.add_arguments``."""
    gpus = [int(g) for g in args.gpus_per_cluster.split(",")] if args.gpus_per_cluster else None
    run_standalone(args.port, args.clusters, gpus, args.kubeconfig, host=args.host)
    return 0
