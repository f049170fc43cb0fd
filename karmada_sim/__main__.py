"""``python -m karmada_sim``: the simulated Karmada on its own, until interrupted."""

from __future__ import annotations

import argparse
import sys

from karmada_sim.standalone import run_from_args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The standalone simulator's options (shared with ``mlplatform simulate``)."""
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=6443)
    parser.add_argument("--clusters", type=int, default=2)
    parser.add_argument("--gpus-per-cluster", help="comma-separated GPUs per node, per cluster")
    parser.add_argument(
        "--kubeconfig", default="karmada-sim.kubeconfig", help="where to write the kubeconfig"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m karmada_sim", description=__doc__)
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
