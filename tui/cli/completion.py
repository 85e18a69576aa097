"""``completion SHELL``: the script that makes bash, zsh or fish complete commands,
options and choices, by click's own shell completion.

The script calls the program back with ``_MYSAFE_TUI_COMPLETE`` set; click answers
from the commands' parameters, so completion never drifts from the commands. The
default group leaves the console out while completing (``tui.cli.main``), so
``mysafe-tui <TAB>`` offers the commands.
"""

from __future__ import annotations

import sys

import click
from click.shell_completion import (
    CompletionItem,
    FishComplete,
    add_completion_class,
    get_completion_class,
)

from tui.cli.errors import PROG, CliError, ExitCode, exit_codes_help, report

SHELLS = ("bash", "zsh", "fish")

INSTALL_HELP = """\\b
install:
  bash  eval "$(mysafe-tui completion bash)"     in ~/.bashrc (bash 4.4 or later)
  zsh   eval "$(mysafe-tui completion zsh)"      in ~/.zshrc, after compinit
  fish  mysafe-tui completion fish > ~/.config/fish/completions/mysafe-tui.fish"""


#: Click 8.4's fish script splits each answer on a newline that its template writes
#: raw, which breaks the script; click answers three lines per item (type, value,
#: help), which fish's command substitution already splits: take them by threes.
FISH_SOURCE = """\
function %(complete_func)s;
    set -l response (env %(complete_var)s=fish_complete COMP_WORDS=(commandline -cp) \\
        COMP_CWORD=(commandline -t) %(prog_name)s);
    while set -q response[3];
        set -l kind $response[1];
        set -l value $response[2];
        set -l help $response[3];
        set -e response[1..3];
        if test "$kind" = dir;
            __fish_complete_directories $value;
        else if test "$kind" = file;
            __fish_complete_path $value;
        else if test "$kind" = plain;
            if test "$help" != _;
                printf '%%s\\t%%s\\n' $value $help;
            else;
                printf '%%s\\n' $value;
            end;
        end;
    end;
end;

complete --no-files --command %(prog_name)s --arguments "(%(complete_func)s)";
"""


class FishCompletion(FishComplete):
    """Click's fish completion, with a script that reads its answers (above) and
    answers in the form that script reads, whichever click is installed (8.5 moved
    to one ``type,value<TAB>help`` line per item)."""

    source_template = FISH_SOURCE

    def format_completion(self, item: CompletionItem) -> str:
        """Three lines per item: type, value, help (``_`` for none), each one line."""
        help_text = " ".join((item.help or "").split()) or "_"
        return f"{item.type}\n{item.value}\n{help_text}"


add_completion_class(FishCompletion, "fish")


def complete_var(prog: str) -> str:
    """The variable click's script sets when it calls the program back."""
    return "_" + prog.replace("-", "_").upper() + "_COMPLETE"


def completion_script(root: click.Command, shell: str, prog: str = PROG) -> str:
    """The completion script of ``root`` for ``shell``."""
    make = get_completion_class(shell)
    if make is None:  # click.Choice has checked it; kept for a typed answer
        raise CliError(f"no completion for {shell!r}; choose from {', '.join(SHELLS)}")
    try:
        return make(root, {}, prog, complete_var(prog)).source()
    except RuntimeError as exc:  # click's bash check: bash older than 4.4
        raise CliError(str(exc)) from None


@click.command(
    "completion",
    short_help="print the shell completion script (bash, zsh or fish)",
    epilog=f"{INSTALL_HELP}\n\n"
    + exit_codes_help(
        ExitCode.OK,
        ExitCode.USAGE,
        words={ExitCode.OK: "the script was printed", ExitCode.USAGE: "bad usage"},
    ),
    help=(
        "Print the script that makes SHELL complete mysafe-tui's commands, options and "
        "their choices (click's shell completion). Load it from your shell's start-up "
        "file, as below."
    ),
)
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> int:
    root = ctx.find_root()
    try:
        script = completion_script(root.command, shell)
    except CliError as error:
        return report(error, as_json=False)
    sys.stdout.write(script.rstrip("\n") + "\n")
    sys.stdout.flush()
    return ExitCode.OK
