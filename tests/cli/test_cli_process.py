"""The command line as a real process: pipes, signals, exit codes, and no Textual."""

from __future__ import annotations

import json
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tui.ops import Result, load_batches
from tui.simulator import FaultConfig, Simulator, SimulatorConfig

from support.cli import process_env, run_tui, start_tui
from support.servers import ServedSimulator, closed_port, served
from support.sims import writable, writes

ROOT = Path(__file__).resolve().parents[2]
DEMO = {"MYSAFE_CLIENT_ID": "mysafe-demo", "MYSAFE_CLIENT_SECRET": "demo-secret-not-for-production"}


def test_the_command_line_imports_neither_textual_nor_rich(tmp_path: Path) -> None:
    done = run_tui(
        ["list", "passwords", "--demo", "--format", "json"],
        process_env(tmp_path),
        python=["-X", "importtime"],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(json.loads(done.stdout)) > 10
    modules = [
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    ]
    assert "tui.cli.listing" in modules and "httpx" in modules
    loaded = [m for m in modules if m.split(".")[0] in ("textual", "rich")]
    assert loaded == []


def test_the_contract_that_the_cli_never_reaches_the_console(tmp_path: Path) -> None:
    # A contract of its own here (pyproject's are another change's): tui.cli may not
    # import Textual, Rich or a console module, even lazily. The factory's build_app
    # imports the console, and the command line only calls build_session.
    config = tmp_path / "importlinter.ini"
    config.write_text(
        "[importlinter]\nroot_packages =\n    tui\ninclude_external_packages = True\n"
        "exclude_type_checking_imports = True\n\n"
        "[importlinter:contract:cli]\nname = The command line does not reach the console\n"
        "type = forbidden\nsource_modules =\n    tui.cli\nforbidden_modules =\n"
        "    textual\n    rich\n    tui.console.app\n    tui.console.screens\n    tui.console.widgets\n    tui.console.dialogs\n"
        "ignore_imports =\n    tui.console.factory -> tui.console.app\n"
    )
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.skip("import-linter is not installed")
    done = subprocess.run(
        [str(lint), "--config", str(config), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


def test_list_jsonl_piped_into_deactivate(tmp_path: Path) -> None:
    with served() as server:
        sim = server.simulator
        env = process_env(tmp_path, {"MYSAFE_URL": server.url, **DEMO})
        command = [sys.executable, "-m", "tui"]
        lister = subprocess.Popen(
            [*command, "list", "passwords", "--tag", "prod", "--format", "jsonl"],
            stdout=subprocess.PIPE,
            env=env,
        )
        changer = subprocess.run(
            [*command, "deactivate", "passwords", "--ids-file", "-", "--yes", "--format", "json"],
            stdin=lister.stdout,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert lister.stdout is not None
        lister.stdout.close()
        assert lister.wait(timeout=30) == 0
    result = json.loads(changer.stdout)
    tagged = [i for i in sim.items("password") if "prod" in i.tags and i.can_view]
    assert len(result["items"]) == len(tagged) > 0
    outcomes = {item["identifier"]: item["outcome"] for item in result["items"]}
    for item in tagged:
        assert outcomes[item.identifier] == ("changed" if item.can_write else "refused")
    assert changer.returncode == (1 if "refused" in outcomes.values() else 0)
    assert len(writes(sim)) == sum(1 for i in tagged if i.can_write)


@pytest.mark.parametrize(
    ("secret", "code", "kind"), [("wrong-secret", 4, "authentication"), (None, 3, "connection")]
)
def test_exit_codes_of_a_real_process(
    tmp_path: Path, secret: str | None, code: int, kind: str
) -> None:
    with served() as server:
        url = server.url if secret else f"http://127.0.0.1:{closed_port()}"
        extra = {**DEMO, "MYSAFE_URL": url}
        if secret:
            extra["MYSAFE_CLIENT_SECRET"] = secret
        args = ["deactivate", "passwords", "--ids", "2,3", "--yes", "--format", "jsonl"]
        done = run_tui(args, process_env(tmp_path, extra))
        assert writes(server.simulator) == []
    assert done.returncode == code
    assert done.stdout == ""
    first, second = done.stderr.splitlines()
    assert first.startswith("mysafe-tui: error: ") and "Traceback" not in done.stderr
    assert json.loads(second)["error"]["kind"] == kind


def test_without_yes_off_a_terminal_nothing_is_sent(tmp_path: Path) -> None:
    with served() as server:
        env = process_env(tmp_path, {**DEMO, "MYSAFE_URL": server.url})
        done = run_tui(["deactivate", "passwords", "--ids", "2", "--format", "table"], env)
        assert server.simulator.request_log == []
    assert done.returncode == 2 and "pass --yes" in done.stderr


def test_sigint_stops_the_batch_writes_every_outcome_and_exits_130(tmp_path: Path) -> None:
    slow = SimulatorConfig(seed=1, faults=FaultConfig(latency=0.05))
    with ServedSimulator(Simulator(slow)) as server:
        ids = writable(server.simulator, 24)
        env = process_env(tmp_path, {**DEMO, "MYSAFE_URL": server.url})
        args = ["deactivate", "passwords", "--ids", ",".join(ids), "--yes", "--format", "jsonl"]
        child = start_tui([*args, "--concurrency", "2"], env)
        assert child.stdout is not None and child.stderr is not None
        first = child.stdout.readline()  # the first outcome: the batch is under way
        child.send_signal(signal.SIGINT)
        # Not communicate(): it reads the raw pipe and would lose what readline buffered.
        rest, errors = child.stdout.read(), child.stderr.read()
        child.wait(timeout=30)
    assert child.returncode == 130, errors
    lines = [json.loads(line) for line in (first + rest).splitlines()]
    outcomes = {line["identifier"]: line["outcome"] for line in lines}
    assert sorted(outcomes) == sorted(ids), "every item has an outcome line"
    assert "not_attempted" in outcomes.values() and "changed" in outcomes.values()
    assert "interrupted by SIGINT" in errors.splitlines()[0]
    journal = Path(env["XDG_STATE_HOME"]) / "mysafe-tui" / "audit.jsonl"
    (batch,) = load_batches(journal)
    assert batch.state == "interrupted" and not batch.unanswered
    assert {key[1]: result.value for key, result in batch.results.items()} == outcomes
    assert Result.NOT_ATTEMPTED in batch.results.values()


def test_the_installed_script_runs_the_same_command_line(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("mysafe-tui")
    if not script.exists():
        pytest.skip("the mysafe-tui script is not installed next to this Python")
    done = subprocess.run(
        [str(script), "list", "secrets", "--demo", "--format", "jsonl", "--fields", "identifier"],
        capture_output=True,
        text=True,
        env=process_env(tmp_path),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert all(set(json.loads(line)) == {"identifier"} for line in done.stdout.splitlines())


@pytest.mark.parametrize("output_format", ["jsonl", "json", "csv", "table"])
def test_a_reader_that_stops_early_ends_the_command_quietly(
    tmp_path: Path, output_format: str
) -> None:
    # `| head -1` closes the pipe long before 5000 items are written: exit 0 and
    # nothing on stderr, so a script under `set -o pipefail` goes on.
    tui = shlex.join([sys.executable, "-m", "tui"])
    line = (
        f"set -o pipefail; {tui} list passwords --demo --demo-items 5000 "
        f"--format {output_format} | head -1"
    )
    done = subprocess.run(
        ["bash", "-c", line],
        capture_output=True,
        text=True,
        env=process_env(tmp_path),
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert len(done.stdout.splitlines()) == 1
