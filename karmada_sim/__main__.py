"""``python -m karmada_sim``: the simulated Karmada on its own, until interrupted.

``python -m karmada_sim reference fetch`` downloads the pinned upstream reference data instead.
"""

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
    parser.add_argument(
        "--reference-dir",
        help="k8s reference directory, or 'builtin' for the built-in model "
        "(default: $K8S_REFERENCE_DIR, ../shared/k8s-reference, the fetched cache, built-in)",
    )
    parser.add_argument(
        "--insecure-http",
        action="store_true",
        help="serve plain http instead of HTTPS (kubectl then sends no token: reads only)",
    )
    parser.add_argument(
        "--tls-dir",
        help="keep the generated CA here and reuse it on the next start "
        "(default: a new CA in a temporary directory each start)",
    )


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list[:1] == ["reference"]:
        from karmada_sim.reference_fetch import add_reference_parser

        parser = argparse.ArgumentParser(prog="python -m karmada_sim")
        add_reference_parser(parser.add_subparsers(dest="command", required=True))
        args = parser.parse_args(args_list)
        return int(args.handler(args))
    parser = argparse.ArgumentParser(prog="python -m karmada_sim", description=__doc__)
    add_arguments(parser)
    return run_from_args(parser.parse_args(args_list))


if __name__ == "__main__":
    sys.exit(main())
