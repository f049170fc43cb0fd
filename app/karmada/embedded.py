"""Which Karmada the server talks to: the configured one, or an embedded simulated one.

The only module of the product that imports the simulator (``karmada_sim``, the
``[simulator]`` extra), and only when no ``KARMADA_KUBECONFIG`` is set.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from app.karmada.client import KarmadaClient
from app.settings import Settings

log = logging.getLogger(__name__)

SIMULATOR_MISSING = (
    "no KARMADA_KUBECONFIG is set and the simulated Karmada is not installed: "
    "pip install 'ml-platform[simulator]', or point KARMADA_KUBECONFIG at a Karmada API server"
)


@contextlib.asynccontextmanager
async def karmada_client(settings: Settings) -> AsyncIterator[KarmadaClient]:
    """The configured Karmada, or an embedded simulated one."""
    timeout = settings.karmada.karmada_request_timeout_seconds
    if not settings.embedded_karmada:
        client = await KarmadaClient.from_kubeconfig(
            str(settings.karmada.karmada_kubeconfig), timeout=timeout
        )
        try:
            yield client
        finally:
            await client.close()
        return
    try:
        from karmada_sim.config import MemberConfig, SimulatorConfig
        from karmada_sim.runtime import EmbeddedSimulator
    except ImportError as exc:
        raise RuntimeError(SIMULATOR_MISSING) from exc

    defaults = SimulatorConfig()
    members = defaults.members[: settings.karmada.simulator_clusters]
    for i in range(len(members), settings.karmada.simulator_clusters):
        members.append(MemberConfig(name=f"member{i + 1}"))
    simulator = EmbeddedSimulator(SimulatorConfig(members=members))
    await asyncio.to_thread(simulator.start)
    with tempfile.TemporaryDirectory(prefix="mlplatform-sim-") as tmp:
        kubeconfig = simulator.write_kubeconfig(Path(tmp) / "kubeconfig")
        client = await KarmadaClient.from_kubeconfig(str(kubeconfig), timeout=timeout)
        log.info("embedded simulated Karmada at %s", simulator.url)
        try:
            yield client
        finally:
            await client.close()
            await asyncio.to_thread(simulator.stop)


def add_simulate_arguments(parser: argparse.ArgumentParser) -> None:
    """``mlplatform simulate``'s options: the simulator's own (``python -m karmada_sim``)."""
    try:
        from karmada_sim.__main__ import add_arguments
    except ImportError:  # installed without the [simulator] extra: say so when it is run
        parser.set_defaults(simulator_missing=True)
        return
    add_arguments(parser)


def run_standalone_simulator(args: argparse.Namespace) -> int:
    """Run the simulated Karmada on its own until interrupted (``mlplatform simulate``)."""
    if getattr(args, "simulator_missing", False):
        sys.stderr.write(SIMULATOR_MISSING + "\n")
        return 2
    from karmada_sim.standalone import run_from_args

    return run_from_args(args)
