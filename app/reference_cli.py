"""``mlplatform reference fetch``: the simulator's upstream reference data into the user cache.

The downloading and checking live in ``karmada_sim.reference_fetch`` (shared with
``python -m karmada_sim reference fetch``); without the [simulator] extra the command says so.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

SIMULATOR_MISSING = (
    "the simulated Karmada is not installed: pip install 'ml-platform[simulator]'"
)


def _missing(_args: argparse.Namespace) -> int:
    sys.stderr.write(SIMULATOR_MISSING + "\n")
    return 2


def add_reference_commands(commands: Any) -> None:
    """Add ``reference fetch`` to the ``mlplatform`` subcommands."""
    try:
        from karmada_sim.reference_fetch import add_reference_parser
    except ImportError:  # installed without the [simulator] extra
        reference = commands.add_parser("reference", help="the upstream k8s reference data")
        actions = reference.add_subparsers(dest="reference_command", required=True)
        actions.add_parser("fetch").set_defaults(handler=_missing)
        return
    add_reference_parser(commands)
