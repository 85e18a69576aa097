"""Command-line entry point: `mysafe-tui`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tui import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mysafe-tui",
        description=(
            "Find, mark and deactivate senhasegura MySafe passwords and API secrets "
            "from the terminal."
        ),
    )
    parser.add_argument("--version", action="version", version=f"mysafe-tui {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    from tui.simulator.cli import add_simulate_parser

    add_simulate_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "simulate":
        from tui.simulator.cli import run_simulate

        return run_simulate(args)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
