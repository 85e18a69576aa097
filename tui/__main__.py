"""Command-line entry point: ``mysafe-tui``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from tui import __version__
from tui.argtypes import whole_number_between

if TYPE_CHECKING:
    from tui.launch import LaunchOptions

EPILOG = """\
connecting to a server:
  MYSAFE_URL            base URL, e.g. https://senhasegura.example.com (or --url)
  MYSAFE_CLIENT_ID      the access key's client id (or --client-id)
  MYSAFE_CLIENT_SECRET  the access key's client secret (environment only, never a flag)
  MYSAFE_TENANT         tenant, required when the URL is an IP address (or --tenant)

With no server configured, or with --demo, the console runs against an embedded
senhasegura simulator with fake data.
"""


class OneLineParser(argparse.ArgumentParser):
    """Bad input is one line and exit code 2, not a wall of usage text."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


positive_int = whole_number_between(1, 1_000_000)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="mysafe-tui",
        description=(
            "Find, mark and deactivate senhasegura MySafe passwords and API secrets "
            "from the terminal."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"mysafe-tui {__version__}")
    parser.add_argument("--demo", action="store_true", help="run against the embedded simulator")
    parser.add_argument("--profile", help="profile from config.toml (default: $MYSAFE_PROFILE)")
    parser.add_argument(
        "--max-batch",
        type=positive_int,
        help="raise the profile's limit on batch size for this session, on purpose",
    )
    parser.add_argument("--url", help="senhasegura base URL (default: $MYSAFE_URL)")
    parser.add_argument("--client-id", help="access key client id (default: $MYSAFE_CLIENT_ID)")
    parser.add_argument("--tenant", help="tenant (default: $MYSAFE_TENANT)")
    parser.add_argument("--ca-bundle", type=Path, help="PEM file of CAs to trust for the server")
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="skip certificate verification and allow plain http:// (not for production)",
    )
    parser.add_argument(
        "--read-only", action="store_true", help="start without deactivate and undo"
    )
    parser.add_argument(
        "--concurrency", type=positive_int, help="requests in flight during a batch"
    )
    parser.add_argument(
        "--demo-seed", type=int, default=1, help="seed of the demo data (default: 1)"
    )
    parser.add_argument(
        "--demo-items",
        type=positive_int,
        help="demo passwords and API secrets of each kind (default: 40 and 30)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    from tui.simulator.cli import add_simulate_parser

    add_simulate_parser(subparsers)
    return parser


def run_console(args: argparse.Namespace) -> int:
    from tui.launch import UsageError, resolve
    from tui.paths import config_path

    size = (args.demo_items, args.demo_items) if args.demo_items else (40, 30)

    def options_for(profile: str | None) -> LaunchOptions:
        return resolve(
            demo=args.demo,
            url=args.url,
            client_id=args.client_id,
            tenant=args.tenant,
            ca_bundle=args.ca_bundle,
            insecure=args.insecure,
            read_only=args.read_only,
            concurrency=args.concurrency,
            environ=os.environ,
            demo_seed=args.demo_seed,
            demo_size=size,
            profile=profile,
            config_path=config_path(),
            max_batch=args.max_batch,
        )

    try:
        options = options_for(args.profile)
        if options.choices:
            from tui.screens.profile_picker import ProfilePicker

            chosen = ProfilePicker(options.choices, str(config_path())).run()
            if not chosen:
                return 0
            options = options_for(chosen)
    except UsageError as exc:
        print(f"mysafe-tui: error: {exc}", file=sys.stderr)
        return 2
    from tui.applog import open_app_log
    from tui.paths import app_log_path

    secrets = [options.client.client_secret.get_secret_value()] if options.client else []
    open_app_log(app_log_path(), secrets)
    from tui.factory import build_app

    app = build_app(options)
    try:
        app.run()
    finally:
        # The app's unmount already ended any batch; this is the last resort if the
        # event loop itself failed before it could.
        app.session.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "simulate":
        from tui.simulator.cli import run_simulate

        return run_simulate(args)
    return run_console(args)


if __name__ == "__main__":
    sys.exit(main())
