"""Options every command shares: where to connect (as the console), and the format.

The connection options are the console's own, so ``mysafe-tui --profile prod`` and
``mysafe-tui list passwords --profile prod`` reach the same server with the same
guards. The client secret is never a flag's value: it comes from a file
(``--client-secret-file FILE``, ``-`` for stdin), the environment, the keyring or
the 0600 config file (``tui.settings.launch``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import click

from tui.base.argtypes import whole_number_between
from tui.cli.errors import QUIET, CliError, warn
from tui.settings.launch import LaunchOptions, UsageError, resolve
from tui.settings.paths import config_path

F = TypeVar("F", bound=Callable[..., Any])

positive_int = whole_number_between(1, 1_000_000)

ENVIRONMENT_HELP = """\b
connecting to a server:
  MYSAFE_URL            base URL, e.g. https://senhasegura.example.com (or --url)
  MYSAFE_CLIENT_ID      the access key's client id (or --client-id)
  MYSAFE_CLIENT_SECRET  the access key's client secret (or --client-secret-file FILE,
                        - for stdin; never a flag value)
  MYSAFE_TENANT         tenant, required when the URL is an IP address (or --tenant)
  MYSAFE_PROFILE        a profile of config.toml (or --profile)
  MYSAFE_AUDIT_SYSLOG   udp://host:port or tcp://host:port: a copy of every journal
                        record sent there (RFC 5424), as the profile's audit_syslog

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
        "--client-secret-file",
        metavar="FILE",
        help="read the client secret from FILE's first line (- for stdin); never a flag value",
    ),
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


class Connection(NamedTuple):
    """The connection options as given (None: not given)."""

    demo: bool = False
    profile: str | None = None
    url: str | None = None
    client_id: str | None = None
    tenant: str | None = None
    client_secret_file: str | None = None
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
        return cls(**{name: values.pop(name) for name in cls._fields if name in values})

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
        environ = os.environ if environ is None else environ
        if self.client_secret_file is not None:
            # A flag over the environment: the file's secret as if it were there.
            secret = read_secret_file(self.client_secret_file)
            environ = {
                **{k: v for k, v in environ.items() if k != "SENHASEGURA_CLIENT_SECRET"},
                "MYSAFE_CLIENT_SECRET": secret,
            }
        return resolve(
            demo=self.demo,
            url=self.url,
            client_id=self.client_id,
            tenant=self.tenant,
            ca_bundle=self.ca_bundle,
            insecure=self.insecure,
            read_only=self.read_only,
            concurrency=self.concurrency,
            environ=environ,
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
            warn(warning, always="insecure" in warning)
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


#: Where prompts are written and read: the terminal itself, so that a prompt shows
#: and is answered with stdout in a pipe (as gh and op do).
TERMINAL = "/dev/tty"
#: Set in the root context's meta by ``--no-input``.
NO_INPUT = "mysafe-tui.no-input"


def interactive() -> bool:
    """Prompts only when a person can answer them: stdin is a terminal, the terminal
    can be opened, and ``--no-input`` was not given. stdout may be a pipe."""
    if no_input():
        return False
    try:
        if not sys.stdin.isatty():
            return False
        descriptor = os.open(TERMINAL, os.O_RDWR | os.O_NOCTTY)
    except (AttributeError, ValueError, OSError):  # closed streams, no terminal
        return False
    os.close(descriptor)
    return True


def no_input() -> bool:
    context = click.get_current_context(silent=True)
    return context is not None and bool(context.find_root().meta.get(NO_INPUT))


def ask(question: str) -> bool:
    """``question [y/N]`` on the terminal; True for yes. KeyboardInterrupt or EOFError
    when the operator interrupts it or the terminal ends."""
    terminal = os.open(TERMINAL, os.O_RDWR | os.O_NOCTTY)
    try:
        os.write(terminal, f"{question} [y/N]: ".encode("utf-8", "replace"))
        answer = b""
        while not answer.endswith(b"\n"):
            # The terminal's line discipline hands over a whole line (or an end).
            got = os.read(terminal, 1024)
            if not got:
                raise EOFError
            answer += got
    finally:
        os.close(terminal)
    return answer.decode("utf-8", "replace").strip().lower() in ("y", "yes")


def _set_meta(key: str) -> Callable[[click.Context, click.Parameter, bool], bool]:
    def callback(context: click.Context, _param: click.Parameter, value: bool) -> bool:
        if value:
            context.find_root().meta[key] = True
        return value

    return callback


def quiet_option(function: F) -> F:
    """``-q``/``--quiet``: data only on stdout, no notes on stderr."""
    return click.option(
        "--quiet",
        "-q",
        is_flag=True,
        expose_value=False,
        callback=_set_meta(QUIET),
        help="print only data: no notes on stderr, no summary line (errors still show)",
    )(function)


def no_input_option(function: F) -> F:
    """``--no-input``: never prompt."""
    return click.option(
        "--no-input",
        is_flag=True,
        expose_value=False,
        callback=_set_meta(NO_INPUT),
        help="never prompt, even on a terminal (give --yes to act)",
    )(function)


#: A client secret file is one line, a few hundred bytes at most.
MAX_SECRET_BYTES = 64 * 1024


def read_secret_file(given: str, stdin: Any = None) -> str:
    """The client secret in ``given`` (``-``: stdin): its first line, whitespace
    trimmed; a UsageError (never the secret itself) when it cannot be used."""
    shown = "--client-secret-file - (stdin)" if given == "-" else f"--client-secret-file {given!r}"
    try:
        if given == "-":
            stream = stdin if stdin is not None else sys.stdin
            text = stream.read(MAX_SECRET_BYTES + 1)
        else:
            with Path(given).open("r", encoding="utf-8") as handle:
                text = handle.read(MAX_SECRET_BYTES + 1)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or type(exc).__name__
        raise UsageError(f"cannot read {shown}: {why}") from None
    if len(text) > MAX_SECRET_BYTES:
        raise UsageError(f"{shown} is too big to hold a client secret")
    lines = text.splitlines()
    secret = lines[0].strip() if lines else ""
    if not secret:
        raise UsageError(f"{shown} is empty: its first line must be the client secret")
    return secret
