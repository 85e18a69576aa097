"""Exit codes and the one-line error every command prints on stderr.

stdout carries data only. A failure is one line on stderr; with ``--format json``
or ``jsonl`` it is followed by one JSON object, ``{"error": {...}}``, so a script
that parses stderr does not have to parse English.
"""

from __future__ import annotations

import io
import json
import os
import sys
from enum import IntEnum
from typing import TextIO

import click

from tui.api import (
    AuthenticationError,
    BadRouteError,
    ConfigurationError,
    ConnectionFailedError,
    MySafeError,
    RequestTimeoutError,
    TLSVerificationError,
)
from tui.base.safe_text import safe_text
from tui.ops.guards import Refusal, Why

PROG = "mysafe-tui"


class ExitCode(IntEnum):
    """What the process exit status means (the same for every subcommand)."""

    #: Every item ended changed or already so; an empty list is success too.
    OK = 0
    #: Some items failed, are in doubt, were not attempted or were refused.
    FAILED = 1
    #: Usage, configuration or a guard's refusal: nothing was sent.
    USAGE = 2
    #: The server could not be reached, or its certificate was not trusted.
    CONNECTION = 3
    #: The client id or secret was refused, or the token was.
    AUTHENTICATION = 4
    #: ``audit --verify``: the journal's chain is broken, or the head asked for is
    #: not in it (only ``audit`` ends with it).
    CHAIN_BROKEN = 5
    #: A signal (INT, TERM, HUP, QUIT, USR1, USR2, ALRM): what was sent has its
    #: outcome written first.
    INTERRUPTED = 130


#: What each exit code means, in the words of a command's help.
EXIT_CODE_WORDS: dict[ExitCode, str] = {
    ExitCode.OK: "every item ended changed or already so (an empty list too)",
    ExitCode.FAILED: "some items failed, are in doubt, were not attempted or were refused",
    ExitCode.USAGE: "bad usage or configuration, or a guard refused: nothing was sent",
    ExitCode.CONNECTION: "the server could not be reached, or its TLS certificate is not trusted",
    ExitCode.AUTHENTICATION: "authentication failed (client id or secret refused, token refused)",
    ExitCode.CHAIN_BROKEN: "audit --verify: the journal's chain is broken, or the --head given "
    "is not proven",
    ExitCode.INTERRUPTED: "interrupted by a signal (INT, TERM, HUP, QUIT, ...): outcomes of "
    "what was sent are written first",
}


def exit_codes_help(*codes: ExitCode, words: dict[ExitCode, str] | None = None) -> str:
    """The ``exit codes:`` block of a command's help: only the codes it can end with
    (all of them when none is named), in its own words where ``words`` gives them."""
    chosen = codes or tuple(ExitCode)
    told = {**EXIT_CODE_WORDS, **(words or {})}
    lines = [f"  {int(code):<4} {told[code]}" for code in sorted(chosen)]
    return "\b\nexit codes:\n" + "\n".join(lines)


#: Every exit code but audit's own (the group's help, and the commands that send batches).
EXIT_CODES_HELP = exit_codes_help(*(code for code in ExitCode if code is not ExitCode.CHAIN_BROKEN))


class CliError(Exception):
    """A failure that ends the command: one line, an exit code, a machine kind."""

    def __init__(
        self,
        message: str,
        *,
        exit_code: ExitCode = ExitCode.USAGE,
        kind: str = "usage",
        http_status: int | None = None,
        code: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.kind = kind
        self.http_status = http_status
        self.code = code
        self.request_id = request_id


def refused(message: str) -> CliError:
    """A guard kept the batch back before anything was sent."""
    return CliError(message, kind="refused")


def refusal_error(refusal: Refusal, *, hint: str = "") -> CliError:
    """The core's refusal in the command line's words (the only place they are
    chosen): how a flag lifts the guard, and that nothing was sent."""
    name = refusal.profile
    if refusal.why is Why.PRODUCTION_LOCKED:
        return refused(
            f"profile {name} is production and starts read-only: pass "
            f"--unlock-production {name} (with --yes) to write; nothing was sent"
        )
    if refusal.why is Why.UNLOCK_NOT_PRODUCTION:
        return refused(
            f"profile {name} is not a production profile; leave --unlock-production out; "
            "nothing was sent"
        )
    if refusal.why is Why.UNLOCK_WRONG_NAME:
        return refused(f"--unlock-production must name the profile, {name!r}; nothing was sent")
    message = refusal.message
    if refusal.why is Why.REASON_REQUIRED:
        message += " Pass --reason TEXT;"
    if hint:
        message += f" {hint}"
    if "nothing was sent" not in message.lower():
        message += " nothing was sent." if message.endswith(";") else " Nothing was sent."
    return refused(message)


def from_api_error(error: MySafeError) -> CliError:
    """The exit code and kind of a client failure that stops the whole command."""
    exit_code, kind = ExitCode.FAILED, "api"
    if isinstance(error, AuthenticationError):
        exit_code, kind = ExitCode.AUTHENTICATION, "authentication"
    elif isinstance(error, TLSVerificationError):
        exit_code, kind = ExitCode.CONNECTION, "tls"
    elif isinstance(error, ConnectionFailedError | RequestTimeoutError):
        exit_code, kind = ExitCode.CONNECTION, "connection"
    elif isinstance(error, BadRouteError):
        # Kong's "no route": a wrong URL or tenant (or, on some versions, bad auth).
        exit_code, kind = ExitCode.CONNECTION, "route"
    elif isinstance(error, ConfigurationError):
        exit_code, kind = ExitCode.USAGE, "config"
    return CliError(
        str(error),
        exit_code=exit_code,
        kind=kind,
        http_status=error.status,
        code=error.code,
        request_id=error.request_id,
    )


def one_line(text: str) -> str:
    """``text`` as one printable line (server text may hold anything)."""
    # Split first: newlines (click's "Choose from:" list) become spaces, not symbols.
    return safe_text(" ".join(text.split()))


def report(
    error: CliError, *, as_json: bool, prog: str = PROG, stream: TextIO | None = None
) -> int:
    """Print ``error`` on stderr (and its JSON twin when asked); return its exit code."""
    out = stream or sys.stderr
    out.write(f"{prog}: error: {one_line(error.message)}\n")
    if as_json:
        payload = {
            "error": {
                "kind": error.kind,
                "message": one_line(error.message),
                "http_status": error.http_status,
                "code": error.code,
                "request_id": error.request_id,
            }
        }
        out.write(json.dumps(payload, ensure_ascii=True) + "\n")
    out.flush()
    return int(error.exit_code)


def output_closed() -> None:
    """stdout's reader went away (``| head -1``): what is still buffered, and anything
    written later, goes to /dev/null, so neither a later write nor the interpreter's
    last flush fails. The command then ends with exit 0: a closed pipe is how a
    reader says it has what it wanted, not an error."""
    try:
        sink = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(sink, sys.stdout.fileno())
        finally:
            os.close(sink)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass  # a stdout without a descriptor (a test's): nothing left to fail


#: Set in the root context's meta by ``-q``/``--quiet``.
QUIET = "mysafe-tui.quiet"


def quiet() -> bool:
    """Whether ``-q`` asked for data only (no notes, no summary lines)."""
    context = click.get_current_context(silent=True)
    return context is not None and bool(context.find_root().meta.get(QUIET))


def note(message: str) -> None:
    """A line for the person at the terminal (a count, a summary) on stderr, not a
    warning; ``-q`` silences it."""
    if quiet():
        return
    sys.stderr.write(f"{PROG}: {one_line(message)}\n")
    sys.stderr.flush()


def warn(message: str, *, always: bool = False) -> None:
    """A note on stderr that does not end the command; ``-q`` silences it unless
    ``always`` (a warning about safety: certificate checks off)."""
    if quiet() and not always:
        return
    sys.stderr.write(f"{PROG}: warning: {one_line(message)}\n")
    sys.stderr.flush()
