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
from typing import Any

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
    options: dict[str, Any] = {
        "timeout": timeout,
        "trust_env": settings.karmada.karmada_trust_env,
        "lookup_cache_seconds": settings.karmada.karmada_lookup_cache_seconds,
    }
    if not settings.embedded_karmada:
        client = await KarmadaClient.from_kubeconfig(
            str(settings.karmada.karmada_kubeconfig), **options
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
    simulator = EmbeddedSimulator(
        SimulatorConfig(members=members, reference_dir=settings.karmada.k8s_reference_dir)
    )
    await asyncio.to_thread(simulator.start)
    with tempfile.TemporaryDirectory(prefix="mlplatform-sim-") as tmp:
        kubeconfig = simulator.write_kubeconfig(Path(tmp) / "kubeconfig")
        client = await KarmadaClient.from_kubeconfig(str(kubeconfig), **options)
        log.info(
            "embedded simulated Karmada at %s; %s",
            simulator.url,
            simulator.simulator.reference.describe(),
        )
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


def embedded_reference_source(settings: Settings) -> dict[str, Any] | None:
    """Where the embedded simulator would read its upstream reference data from (None: the
    simulator is not installed)."""
    try:
        from karmada_sim.reference import resolve_source
    except ImportError:
        return None
    return resolve_source(settings.karmada.k8s_reference_dir).as_dict()


def _simulator_missing(_args: argparse.Namespace) -> int:
    sys.stderr.write(SIMULATOR_MISSING + "\n")
    return 2


def add_reference_commands(commands: Any) -> None:
    """``mlplatform reference fetch``: the simulator's upstream reference data into the user
    cache (the downloading and checking are ``karmada_sim.reference_fetch``'s)."""
    try:
        from karmada_sim.reference_fetch import add_reference_parser
    except ImportError:  # installed without the [simulator] extra: say so when it is run
        reference = commands.add_parser("reference", help="the upstream k8s reference data")
        actions = reference.add_subparsers(dest="reference_command", required=True)
        actions.add_parser("fetch").set_defaults(handler=_simulator_missing)
        return
    add_reference_parser(commands)
