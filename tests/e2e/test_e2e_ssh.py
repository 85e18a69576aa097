"""End to end over a real SSH login: OpenSSH's ``ssh -tt`` to OpenSSH's ``sshd`` on
loopback, in tmux, running the installed program as an operator would.

The program's environment (XDG folders, the server's URL and credentials) travels
inside the SSH session (``SendEnv``/``AcceptEnv``), never on a command line.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.ops import load_batches, read_records
from tui.ops.records import pid_alive
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Simulator, SimulatorConfig

from support.journals import assert_the_journal_tells_every_request
from support.servers import ServedSimulator
from support.sims import sent_posts
from support.sshd_server import Sshd, why_no_sshd
from support.terminals import TmuxTerminal, program, unique_socket

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
SHOWN = re.compile(r"(\d+) of (\d+) passwords shown")


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[Sshd]:
    """OpenSSH's sshd on 127.0.0.1 with throwaway keys; skipped where it cannot run."""
    reason = why_no_sshd()
    if reason is not None:
        pytest.skip(reason)
    server = Sshd(tmp_path / "sshd")
    yield server
    server.close()


@pytest.fixture
def terminal() -> Iterator[TmuxTerminal]:
    term = TmuxTerminal(unique_socket("ssh"))
    yield term
    term.close()


def client_env(**extra: str) -> dict[str, str]:
    """The ssh client's environment: this test's XDG folders, no stray MYSAFE_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYSAFE_")}
    env["TERM"] = "xterm-256color"
    env.update(extra)
    return env


def shown(terminal: TmuxTerminal) -> tuple[int, int] | None:
    match = SHOWN.search(terminal.screen())
    return (int(match[1]), int(match[2])) if match else None


def test_filter_mark_and_deactivate_through_sshd(
    sshd: Sshd, terminal: TmuxTerminal, isolated_dirs: Path
) -> None:
    terminal.start(sshd.client([*program(), "--demo"]), client_env())
    terminal.wait_for(lambda: (s := shown(terminal)) is not None and s[0] == s[1], "the table")
    assert "DEMO" in terminal.screen()
    total = shown(terminal)
    terminal.send("/")
    terminal.wait_for_text("a|b either")
    terminal.type("payroll")
    terminal.send("Enter")
    terminal.wait_for(lambda: shown(terminal) not in (None, total), "the filter")
    filtered = shown(terminal)
    assert filtered is not None and 0 < filtered[0] <= 10
    terminal.send("*")
    terminal.send("d")
    terminal.wait_for_dialog(f"Deactivate {filtered[0]} items?")
    terminal.send("y")
    terminal.wait_for_text("deactivated")
    terminal.send("q")
    terminal.wait_for(lambda: not terminal.running(), "the program and the login to end")

    trail = isolated_dirs / "xdg_state_home" / "mysafe-tui" / "demo-audit.jsonl"
    [batch] = load_batches(trail)
    assert batch.state == "done", batch.summary
    outcomes = [r for r in read_records(trail) if r["phase"] == "outcome"]
    assert len(outcomes) == filtered[0]
    assert all(r["outcome"] == "changed" and r["http_status"] == 200 for r in outcomes)
    assert all("payroll" in str(r["name"]).lower() for r in outcomes)
    assert "Accepted publickey" in sshd.log_text(), "the login went through sshd"


@pytest.fixture
def slow_sim() -> Simulator:
    sim = Simulator(SimulatorConfig(seed=2, passwords=40, api_secrets=2))
    sim.faults.latency = 0.25  # two at a time: about 4 s for the whole batch
    return sim


def test_a_dropped_link_mid_batch_hangs_up_the_program_and_every_request_is_told(
    sshd: Sshd, terminal: TmuxTerminal, isolated_dirs: Path, slow_sim: Simulator
) -> None:
    sim = slow_sim
    state = isolated_dirs / "xdg_state_home" / "mysafe-tui"
    trail = state / "audit.jsonl"
    planned = [i.identifier for i in sim.items("password") if i.can_view and i.can_write]
    with ServedSimulator(sim) as served:
        env = client_env(
            MYSAFE_URL=served.url,
            MYSAFE_CLIENT_ID=DEMO_CLIENT_ID,
            MYSAFE_CLIENT_SECRET=DEMO_CLIENT_SECRET,
        )
        command = sshd.client([*program(), "--concurrency", "2"])
        assert DEMO_CLIENT_SECRET not in " ".join(command)
        terminal.start(command, env)
        terminal.wait_for(lambda: (s := shown(terminal)) is not None and s[0] == s[1], "the table")
        terminal.send("*")
        terminal.send("d")
        terminal.wait_for_dialog(f"Type {len(planned)}")
        terminal.type(str(len(planned)))
        terminal.send("Enter")
        # enter in the count moves on to the button; enter there sends.
        terminal.wait_for_text("y or enter deactivates")
        terminal.send("Enter")
        terminal.wait_for(
            lambda: sum(not sim.is_active("password", k) for k in planned) >= 4,
            "the batch to be under way",
        )
        [started] = load_batches(trail)
        pid = started.pid  # the program on the far side of the link
        assert isinstance(pid, int) and not started.ended

        os.kill(terminal.pane_pid(), signal.SIGKILL)  # the ssh client: the link drops
        terminal.wait_for(lambda: not pid_alive(pid), "the program to end")

    log = (state / "log" / "mysafe-tui.log").read_text()
    assert "SIGHUP received: quitting safely." in log, log[-2000:]
    assert_the_journal_tells_every_request(sim, trail)
    [batch] = load_batches(trail)
    assert batch.state == "interrupted", batch.summary
    assert batch.left(), "cut short: something is left to resume"
    sent = sent_posts(sim)
    assert 4 <= len(sent) < len(planned)
    told = {key[1] for key in batch.results}
    assert set(sent) <= told, "every request sent has an outcome on record"
