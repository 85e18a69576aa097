"""The conventions of gh, op and clig: prompts on the terminal when stdin is one, even
with stdout in a pipe; ``--no-input`` never prompts; ``-q`` prints only data; the
client secret from a file or stdin, never a flag's value; each command's help lists
only its own exit codes; "not both" for two ways of giving one thing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

from support.cli import invoke, process_env, server_env
from support.servers import ServedSimulator, served
from support.sims import writable, writes
from support.terminals import PipedTerminal


@pytest.fixture
def server() -> Iterator[ServedSimulator]:
    with served() as running:
        yield running


def child_env(tmp_path: Path, server: ServedSimulator) -> dict[str, str]:
    key = {"MYSAFE_CLIENT_ID": DEMO_CLIENT_ID, "MYSAFE_CLIENT_SECRET": DEMO_CLIENT_SECRET}
    return process_env(tmp_path, {**key, "MYSAFE_URL": server.url})


def test_the_prompt_is_on_the_terminal_while_stdout_is_a_pipe(
    tmp_path: Path, server: ServedSimulator
) -> None:
    ids = writable(server.simulator, 2)
    args = ["deactivate", "passwords", "--ids", ",".join(ids), "--format", "json"]
    terminal = PipedTerminal(args, child_env(tmp_path, server))
    terminal.read_until(b"[y/N]: ")
    assert b"Deactivate 2 passwords" in terminal.shown
    terminal.type(b"y\n")
    code, out, err = terminal.finish()
    assert code == 0, err
    assert json.loads(out)["summary"] == {"changed": 2}, "stdout has the data, no prompt"
    assert "[y/N]" not in out + err


def test_no_at_the_prompt_sends_nothing(tmp_path: Path, server: ServedSimulator) -> None:
    ids = writable(server.simulator, 1)
    args = ["deactivate", "passwords", "--ids", ids[0], "--format", "table"]
    terminal = PipedTerminal(args, child_env(tmp_path, server))
    terminal.read_until(b"[y/N]: ")
    terminal.type(b"\n")
    code, out, err = terminal.finish()
    assert (code, out) == (2, "") and "cancelled; nothing was sent" in err
    assert writes(server.simulator) == []


def test_no_input_never_prompts_even_on_a_terminal(tmp_path: Path, server: ServedSimulator) -> None:
    ids = writable(server.simulator, 1)
    args = ["deactivate", "passwords", "--ids", ids[0], "--no-input", "--format", "table"]
    terminal = PipedTerminal(args, child_env(tmp_path, server))
    code, out, err = terminal.finish()
    assert code == 2 and out == "" and b"[y/N]" not in terminal.shown
    assert err.splitlines() == [
        "mysafe-tui: error: --no-input: pass --yes to deactivate without a prompt; nothing was sent"
    ]
    assert writes(server.simulator) == []
    done = PipedTerminal([*args, "--yes"], child_env(tmp_path, server)).finish()
    assert done[0] == 0 and not server.simulator.is_active("password", ids[0])


def test_quiet_prints_only_data(server: ServedSimulator) -> None:
    ids = writable(server.simulator, 2)
    env = server_env(server.url)
    loud = invoke(["deactivate", "passwords", "--ids", ids[0], "--yes", "--format", "table"], env)
    assert "deactivate: 1 deactivated" in loud.stdout
    quiet = invoke(
        ["deactivate", "passwords", "--ids", ids[1], "--yes", "--format", "table", "-q"], env
    )
    assert quiet.exit_code == 0 and quiet.stderr == ""
    header, row = quiet.stdout.splitlines()  # the data, and no summary line
    assert header.startswith("ID") and row.startswith(ids[1])
    assert "deactivate:" not in quiet.stdout


@pytest.mark.parametrize("where", ["file", "stdin"])
def test_the_client_secret_from_a_file_or_stdin(
    server: ServedSimulator, tmp_path: Path, where: str
) -> None:
    env = {**server_env(server.url), "MYSAFE_CLIENT_SECRET": None}
    secret = tmp_path / "secret"
    secret.write_text(DEMO_CLIENT_SECRET + "\n")
    given = str(secret) if where == "file" else "-"
    done = invoke(
        ["list", "passwords", "--client-secret-file", given, "--format", "json"],
        env,
        stdin=DEMO_CLIENT_SECRET + "\n" if where == "stdin" else None,
    )
    assert done.exit_code == 0, done.stderr
    assert len(json.loads(done.stdout)) > 10
    assert DEMO_CLIENT_SECRET not in done.stdout + done.stderr


def test_a_bad_secret_file_is_one_line_without_the_secret(
    server: ServedSimulator, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.write_text("\n")
    for given in (str(empty), str(tmp_path / "missing")):
        done = invoke(
            ["list", "passwords", "--client-secret-file", given, "--format", "table"],
            server_env(server.url),
        )
        assert done.exit_code == 2 and len(done.stderr.splitlines()) == 1
        assert "--client-secret-file" in done.stderr


def test_there_is_no_flag_for_the_secret_itself() -> None:
    done = invoke(["list", "passwords", "--client-secret", "x", "--format", "table"])
    assert done.exit_code == 2 and "no such option" in done.stderr.lower()


def test_stdin_cannot_give_both_the_ids_and_the_secret(server: ServedSimulator) -> None:
    done = invoke(
        ["deactivate", "passwords", "--ids-file", "-", "--client-secret-file", "-", "--yes",
         "--format", "table"],
        server_env(server.url),
        stdin="1\n",
    )  # fmt: skip
    assert done.exit_code == 2 and "not both" in done.stderr


@pytest.mark.parametrize(
    ("command", "codes"),
    [
        (["audit"], ["0", "1", "2", "5"]),
        (["completion"], ["0", "2"]),
        (["list"], ["0", "1", "2", "3", "4", "130"]),
        (["deactivate"], ["0", "1", "2", "3", "4", "130"]),
        (["resume"], ["0", "1", "2", "3", "4", "130"]),
    ],
)
def test_each_command_s_help_lists_its_own_exit_codes(command: list[str], codes: list[str]) -> None:
    text = invoke([*command, "--help"]).stdout
    block = text.split("exit codes:", 1)[1].split("\n\n", 1)[0]
    assert [line.split()[0] for line in block.strip().splitlines()] == codes
