"""Options every command shares: where to connect (as the console), and the format.

The connection options are the console's own, so ``mysafe-tui --profile prod`` and
``mysafe-tui list passwords --profile prod`` reach the same server with the same
guards. There is no option for the client secret: it comes from the environment,
the keyring or the 0600 config file (``tui.settings.launch``), never from the command line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

import click

from tui.base.argtypes import whole_number_between
from tui.cli.errors import CliError
from tui.settings.launch import LaunchOptions, UsageError, resolve
from tui.settings.paths import config_path

F = TypeVar("F", bound=Callable[..., Any])

positive_int = whole_number_between(1, 1_000_000)

ENVIRONMENT_HELP = """\b
connecting to a server:
  MYSAFE_URL            base URL, e.g. https://senhasegura.example.com (or --url)
  MYSAFE_CLIENT_ID      the access key's client id (or --client-id)
  MYSAFE_CLIENT_SECRET  the access key's client secret (environment only, never a flag)
  MYSAFE_TENANT         tenant, required when the URL is an IP address (or --tenant)
  MYSAFE_PROFILE        a profile of config.toml (or --profile)

The names of the official senhasegura tools work too: SENHASEGURA_URL,
SENHASEGURA_CLIENT_ID, SENHASEGURA_CLIENT_SECRET, SENHASEGURA_TENANT. When both
names are set, MYSAFE_* wins (a warning names both if they differ).

Commands need a server (--url, --profile, MYSAFE_URL or a profile in config.toml);
with none they stop with exit code 2, and a client id or secret without a server
is an error too. --demo runs against an embedded senhasegura simulator with fake
data (a fresh one for every command)."""

_CONNECTION: list[Callable[[F], F]] = [
    click.option("--demo", is_flag=True, help="run against the embedded simulator"),
    click.option("--profile", help="profile from config.toml (default: $MYSAFE_PROFILE)"),
    click.option("--url", help="senhasegura base URL (default: $MYSAFE_URL)"),
    click.option("--client-id", help="access key client id (default: $MYSAFE_CLIENT_ID)"),
    click.option("--tenant", help="tenant (default: $MYSAFE_TENANT)"),
    click.option(
        "--ca-bundle",
        type=click.Path(path_type=Path),
        help="PEM file of CAs to trust for the server",
    ),
    click.option(
        "--insecure",
        is_flag=True,
        help="skip certificate verification and allow plain http:// (not for production)",
    ),
    click.option("--read-only", is_flag=True, help="refuse every write"),
    click.option("--concurrency", type=positive_int, help="requests in flight during a batch"),
    click.option(
        "--max-batch",
        type=positive_int,
        help="raise the profile's limit on batch size for this run, on purpose",
    ),
    click.option("--demo-seed", type=int, default=1, help="seed of the demo data (default: 1)"),
    click.option(
        "--demo-items",
        type=positive_int,
        help="demo passwords and API secrets of each kind (default: 40 and 30)",
    ),
]


def connection_options(function: F) -> F:
    """Add the connection options (read them back with :meth:`Connection.take`)."""
    for option in reversed(_CONNECTION):
        function = option(function)
    return function


@dataclass(frozen=True, slots=True)
class Connection:
    """The connection options as given (None: not given)."""

    demo: bool = False
    profile: str | None = None
    url: str | None = None
    client_id: str | None = None
    tenant: str | None = None
    ca_bundle: Path | None = None
    insecure: bool = False
    read_only: bool = False
    concurrency: int | None = None
    max_batch: int | None = None
    demo_seed: int = 1
    demo_items: int | None = None

    @classmethod
    def take(cls, values: dict[str, Any]) -> Connection:
        """The connection options out of a command's keyword arguments (removed there)."""
        names = [field.name for field in fields(cls)]
        return cls(**{name: values.pop(name) for name in names if name in values})

    def launch_options(
        self,
        profile: str | None = None,
        environ: Mapping[str, str] | None = None,
        slow_link: bool | None = None,
        *,
        implicit_demo: bool = False,
    ) -> LaunchOptions:
        """Flags over environment over config, as for the console; UsageError if bad.

        ``slow_link`` is the console's ``--slow-link/--no-slow-link`` (None: not given).
        ``implicit_demo``: with nothing configured, the demo instead of an error (the
        console's first run; commands leave it False and need ``--demo``).
        """
        size = (self.demo_items, self.demo_items) if self.demo_items else (40, 30)
        return resolve(
            demo=self.demo,
            url=self.url,
            client_id=self.client_id,
            tenant=self.tenant,
            ca_bundle=self.ca_bundle,
            insecure=self.insecure,
            read_only=self.read_only,
            concurrency=self.concurrency,
            environ=os.environ if environ is None else environ,
            demo_seed=self.demo_seed,
            demo_size=size,
            profile=profile if profile is not None else self.profile,
            config_path=config_path(),
            max_batch=self.max_batch,
            slow_link=slow_link,
            implicit_demo=implicit_demo,
        )

    def resolve(self) -> LaunchOptions:
        """The options for a command, which cannot pick a profile interactively and
        never falls back to the simulator: no server named and no ``--demo`` is exit 2."""
        try:
            options = self.launch_options()
        except UsageError as exc:
            raise CliError(str(exc), kind="config") from None
        if options.choices:
            raise CliError(
                f"several profiles ({', '.join(options.choices)}) and none chosen: pass "
                "--profile NAME, set MYSAFE_PROFILE, or set default_profile in config.toml",
                kind="config",
            )
        warnings = list(options.warnings)
        if options.client is not None and options.client.tls.insecure:
            warnings.append(
                f"certificate verification is off for {options.client.base_url} (insecure): "
                "anyone on the path can read the token and what is sent"
            )
        for warning in warnings:
            print(f"mysafe-tui: warning: {warning}", file=sys.stderr)
        return options


# -- formats ---------------------------------------------------------------------------

TABLE, JSON, JSONL, CSV = "table", "json", "jsonl", "csv"


def format_option(*choices: str) -> Callable[[F], F]:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        help=(
            "output format (default: table on a terminal, json otherwise); "
            "table is for people and may change"
        ),
    )


def chosen_format(value: str | None) -> str:
    """The format asked for, or table on a terminal and json in a pipe."""
    if value:
        return value
    return TABLE if sys.stdout.isatty() else JSON


def wants_json(output_format: str | None) -> bool:
    return output_format in (JSON, JSONL)


def interactive() -> bool:
    """Prompts only when a person can answer and see them (stdin and stdout are terminals)."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False
