"""Shell completion: click's own protocol answers for bash, zsh and fish with the
commands, options and choices, the default group leaves the console out while
completing, and ``completion SHELL`` prints a script each real shell loads and runs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from support.cli import invoke, process_env, program_on_path, run_tui

COMPLETE = "_MYSAFE_TUI_COMPLETE"


def answers(shell: str, line: str) -> list[str]:
    """What the program answers a shell completing ``line`` (the word after the last
    space is the one being completed), as click's script asks it."""
    words = line.split(" ")
    env = {COMPLETE: f"{shell}_complete", "COMP_WORDS": line}
    # bash and zsh give the index of the word being completed; fish gives the word.
    env["COMP_CWORD"] = words[-1] if shell == "fish" else str(len(words) - 1)
    done = invoke([], env=env)
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    if shell == "bash":
        return [entry.split(",", 1)[1] for entry in lines]
    return lines[1::3]  # zsh and fish: type, value, help for each item


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_offers_commands_options_and_choices(shell: str) -> None:
    assert answers(shell, "mysafe-tui de") == ["deactivate"]
    commands = answers(shell, "mysafe-tui ")
    assert {"list", "deactivate", "activate", "undo", "resume", "audit", "completion"} <= set(
        commands
    )
    # The group's options, not the console's: nothing typed is not the console.
    assert set(answers(shell, "mysafe-tui --")) == {"--help", "--version"}
    assert answers(shell, "mysafe-tui list ") == ["passwords", "secrets"]
    assert answers(shell, "mysafe-tui list passwords --format ") == [
        "table",
        "json",
        "jsonl",
        "csv",
    ]
    assert "--ids-file" in answers(shell, "mysafe-tui deactivate passwords --ids")
    # An option first still means the console, as on the command line.
    assert answers(shell, "mysafe-tui --demo --slow") == ["--slow-link"]


def test_a_fresh_program_answers_fish_in_its_scripts_form(tmp_path: Path) -> None:
    # The script's call back in a new process, where no command is imported yet (they
    # are lazy): the answer must still be the three lines the script reads, not the
    # form of whichever click is installed (8.5's ``plain,deactivate<TAB>...``).
    env = {COMPLETE: "fish_complete", "COMP_WORDS": "mysafe-tui de", "COMP_CWORD": "de"}
    done = run_tui([], process_env(tmp_path, env))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "plain",
        "deactivate",
        "deactivate passwords or API secrets by id",
    ]


def test_a_bare_command_still_opens_the_console_not_the_completion() -> None:
    # Completion changes nothing outside it: the console stays the default command
    # (here refused: an option of no command).
    done = invoke(["--no-such-option"])
    assert done.exit_code == 2 and "no such option" in done.output.lower()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_the_script_for_each_shell(shell: str, tmp_path: Path) -> None:
    done = run_tui(["completion", shell], process_env(tmp_path))
    assert done.returncode == 0 and done.stderr == ""
    assert COMPLETE in done.stdout and "_mysafe_tui_completion" in done.stdout


def test_completion_of_an_unknown_shell_is_one_line_and_exit_2() -> None:
    done = invoke(["completion", "tcsh"])
    assert done.exit_code == 2
    assert done.output.count("\n") == 1 and "tcsh" in done.output


def shell_or_skip(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (apt-get install {name})")
    return path


def in_shell(argv: list[str], tmp_path: Path) -> str:
    env = program_on_path(tmp_path, process_env(tmp_path))
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout


def test_bash_completes_with_the_script_sourced(tmp_path: Path) -> None:
    bash = shell_or_skip("bash")
    script = (
        'source <(mysafe-tui completion bash); COMP_WORDS=(mysafe-tui list passwords --format ""); '
        'COMP_CWORD=4; _mysafe_tui_completion mysafe-tui; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    assert in_shell([bash, "-c", script], tmp_path).split() == ["table", "json", "jsonl", "csv"]


def test_fish_completes_with_the_script_sourced(tmp_path: Path) -> None:
    fish = shell_or_skip("fish")
    script = "mysafe-tui completion fish | source; complete -C 'mysafe-tui de'"
    out = in_shell([fish, "--no-config", "-c", script], tmp_path)
    assert out.splitlines() == ["deactivate\tdeactivate passwords or API secrets by id"]


def test_zsh_loads_the_script_and_registers_it(tmp_path: Path) -> None:
    zsh = shell_or_skip("zsh")
    script = (
        "autoload -U compinit; compinit -u -D; source <(mysafe-tui completion zsh); "
        "print -r -- ${_comps[mysafe-tui]}"
    )
    assert in_shell([zsh, "-f", "-c", script], tmp_path).strip() == "_mysafe_tui_completion"
