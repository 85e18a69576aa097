"""The ``mysafe-tui`` command group: the console by default, subcommands for scripts.

A bare ``mysafe-tui`` (or one whose first word is an option, ``mysafe-tui --demo``)
runs the default command, the console, as Posting and Elia do with
click-default-group; a word that names no command stays an error. Bad input is one
line on stderr and exit code 2, never click's usage block.

This package never imports Textual or Rich: the console command is passed in by
``tui.__main__``, which is the only place that joins the two.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

import click

from tui import __version__
from tui.cli.errors import (
    EXIT_CODES_HELP,
    PROG,
    CliError,
    ExitCode,
    one_line,
    output_closed,
    report,
)
from tui.cli.options import ENVIRONMENT_HELP

DEFAULT = "console"
_GROUP_OPTIONS = ("--help", "-h", "--version")
#: Set in the context when the console was run for lack of a command name.
_DEFAULTED = "mysafe-tui.defaulted"


def _takes_value(command: click.Command, word: str) -> bool:
    """Whether option ``word`` of ``command`` consumes the next word."""
    if "=" in word:
        return False
    for param in command.params:
        if isinstance(param, click.Option) and word in param.opts + param.secondary_opts:
            return not param.is_flag and not param.count
    return False


#: The commands of the command line, each as ``module:attribute``: imported when
#: named (or listed, for help and completion), never for the console, which
#: would otherwise wait for all of them, pydantic's models included (about 0.2 s).
COMMANDS: dict[str, str] = {
    "list": "tui.cli.listing:list_command",
    "match": "tui.cli.matching:match_command",
    "deactivate": "tui.cli.changing:deactivate",
    "activate": "tui.cli.changing:activate",
    "undo": "tui.cli.changing:undo",
    "resume": "tui.cli.changing:resume",
    "audit": "tui.cli.audit:audit",
    "completion": "tui.cli.completion:completion",
}


class DefaultGroup(click.Group):
    """A group that runs ``DEFAULT`` when no command is named, with one-line errors.

    ``lazy`` names commands by where they are (``module:attribute``), imported the
    first time click asks for them (:meth:`get_command`)."""

    def __init__(self, *args: Any, lazy: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def names(self) -> set[str]:
        """Every command's name, imported or not."""
        return {*self.commands, *self.lazy}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.names())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            module, attribute = self.lazy[cmd_name].split(":")
            # The import statement's way (not importlib's), so that ``-X importtime``
            # names the command's module as it would a plain import.
            loaded = __import__(module, fromlist=[attribute])
            self.add_command(getattr(loaded, attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Completing (click parses resiliently, with the words before the cursor):
        # nothing typed yet means the commands are wanted, not the console's options.
        completing = ctx.resilient_parsing and not args
        if (
            DEFAULT in self.commands
            and not completing
            and (not args or (args[0].startswith("-") and args[0] not in _GROUP_OPTIONS))
        ):
            self._check_order(args)
            args = [DEFAULT, *args]
            ctx.meta[_DEFAULTED] = True
        return super().parse_args(ctx, args)

    def _check_order(self, args: list[str]) -> None:
        """``mysafe-tui --demo list ...``: say where the options go, not "extra argument"."""
        console = self.commands[DEFAULT]
        skip = False
        for index, word in enumerate(args):
            if skip:
                skip = False
            elif word.startswith("-"):
                skip = _takes_value(console, word)
            elif word in self.names():
                reordered = " ".join([*args[index:], *args[:index]])
                raise click.UsageError(
                    f"options go after the command and its arguments: mysafe-tui {reordered}"
                )
            else:
                return

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a reader that closed stdout early ends it quietly, exit 0
        (click's own handling would exit 1, which means "some items failed")."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            output_closed()
            return ExitCode.OK

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run; every failure becomes one line and an exit code (returned or exited)."""
        words = list(args) if args is not None else sys.argv[1:]
        if any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ):
            # A completion script calls back: the completion module registers the
            # fish answers its script reads. The command is lazy (COMMANDS) and not
            # named here, so without this click 8.5 answers in its own fish form.
            import tui.cli.completion  # noqa: F401
        try:
            code = super().main(
                words, prog_name or PROG, complete_var, standalone_mode=False, **extra
            )
        except click.ClickException as error:
            context = error.ctx if isinstance(error, click.UsageError) else None
            where = PROG
            if context is not None and not context.meta.get(_DEFAULTED):
                where = context.command_path
            message = one_line(error.format_message())
            failure = CliError(f"{message} (see --help)")
            code = report(failure, as_json=_json_asked(words), prog=where)
        except click.Abort:
            failure = CliError("interrupted", exit_code=ExitCode.INTERRUPTED, kind="interrupted")
            code = report(failure, as_json=_json_asked(words))
        code = int(code or 0)  # a command returns its exit code; --help and --version None
        if standalone_mode:
            _exit(code)
        return code


def _exit(code: int) -> NoReturn:
    raise SystemExit(code)


def _json_asked(args: list[str]) -> bool:
    """Whether the command line asked for JSON, so errors carry their JSON twin."""
    for index, word in enumerate(args):
        if word.startswith("--format="):
            return word.split("=", 1)[1] in ("json", "jsonl")
        if word == "--format" and index + 1 < len(args):
            return args[index + 1] in ("json", "jsonl")
    return False


HELP = (
    "Find and deactivate senhasegura MySafe passwords and API secrets: the full-screen "
    "console (the default), or commands for scripts. Commands print data on stdout and "
    "errors on stderr, and prompt only on a terminal."
)


def make_cli(
    console: click.Command | None = None,
    others: Sequence[click.Command] = (),
    lazy_others: Mapping[str, str] | None = None,
) -> DefaultGroup:
    """The command group, with ``console`` as the default command when given.

    ``others`` and ``lazy_others`` (by name, ``module:attribute``, imported when
    named) are the commands of the other front ends (the simulator's ``simulate``,
    the browser demo's ``serve``): ``tui.__main__`` joins them, this package never
    imports them."""
    group = DefaultGroup(
        lazy={**COMMANDS, **(lazy_others or {})},
        name=PROG,
        help=HELP,
        epilog=f"{EXIT_CODES_HELP}\n\n{ENVIRONMENT_HELP}",
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s %(version)s")(
        group
    )
    if console is not None:
        group.add_command(console, DEFAULT)
    for command in others:
        group.add_command(command)
    return group
