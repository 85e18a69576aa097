"""End to end: the installed program in a real terminal (tmux) against a real socket."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.ops import read_records
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Simulator, SimulatorConfig

from support import leak_reports
from support.servers import ServedSimulator
from support.terminals import TmuxTerminal, program, unique_socket

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def server_terminal_env(url: str, isolated_dirs: Path) -> dict[str, str]:
    """The program's environment in tmux: the server at ``url``, the test's state
    folder, no MYSAFE_* of the machine's."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("MYSAFE_")},
        "MYSAFE_URL": url,
        "MYSAFE_CLIENT_ID": DEMO_CLIENT_ID,
        "MYSAFE_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        "TERM": "xterm-256color",
        "XDG_STATE_HOME": str(isolated_dirs / "xdg_state_home"),
    }


@pytest.fixture
def terminal() -> Iterator[TmuxTerminal]:
    term = TmuxTerminal(unique_socket("tmux"))
    yield term
    term.close()


def test_deactivate_an_item_by_keyboard_over_a_real_socket(
    terminal: TmuxTerminal, isolated_dirs: Path
) -> None:
    sim = Simulator(SimulatorConfig(seed=4, passwords=25, api_secrets=5))
    visible = [i for i in sim.items("password") if i.can_view]
    steps, target = next((n, i) for n, i in enumerate(visible) if i.can_write)
    with ServedSimulator(sim) as served:
        env = server_terminal_env(served.url, isolated_dirs)
        # The secret reaches the program through tmux's environment, not its argv.
        terminal.start(program(), env)
        screen = terminal.screen
        loaded = f"{len(visible)} of {len(visible)} passwords shown"
        terminal.wait_for(lambda: loaded in screen(), "the table")
        assert "127.0.0.1" in screen() and "DEMO" not in screen()
        for _ in range(steps):
            terminal.send("j")
        on_target = re.compile(rf"ID\s+{target.identifier}\s")
        terminal.wait_for(
            lambda: on_target.search(screen()) is not None, "the cursor on the target"
        )
        terminal.send("d")
        terminal.wait_for_dialog("Deactivate 1 item?")
        terminal.send("y")
        terminal.wait_for(
            lambda: not sim.is_active("password", target.identifier), "the deactivation"
        )
        terminal.wait_for(lambda: "deactivated" in screen(), "the result on screen")
        assert DEMO_CLIENT_SECRET not in screen()
        terminal.send("q")
        terminal.wait_for(lambda: not terminal.running(), "the program to quit")
    posts = [p for m, p, s in sim.request_log if m == "POST" and "mysafe" in p]
    assert posts == [f"/api/mysafe/password/inactive/{target.identifier}"]
    trail = isolated_dirs / "xdg_state_home" / "mysafe-tui" / "audit.jsonl"
    records = list(read_records(trail))
    assert [r["phase"] for r in records] == ["batch", "intent", "outcome", "batch_end"]
    outcome = records[2]
    assert outcome["outcome"] == "changed" and outcome["http_status"] == 200
    assert "http://" + outcome["host"] == served.url and outcome["identifier"] == target.identifier
    assert DEMO_CLIENT_SECRET not in trail.read_text()


def test_keys_typed_ahead_all_take_effect(terminal: TmuxTerminal, isolated_dirs: Path) -> None:
    """Issue 9: '/git', enter and '*' sent in one go, the moment the table shows,
    filter and then mark exactly the rows the filter shows (3 runs of 3 lost them)."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MYSAFE_")},
        "TERM": "xterm-256color",
        "XDG_STATE_HOME": str(isolated_dirs / "xdg_state_home"),
    }
    terminal.start([*program(), "--demo"], env)
    terminal.wait_for(lambda: "of 38 passwords shown" in terminal.screen(), "the table")
    # One tmux call: the keys reach the terminal back to back, with no pause.
    terminal.send("/git", "Enter", "*")
    marked = re.compile(r"(\d+) marked · (\d+) of 38 passwords shown · filter: git")

    def all_shown_marked() -> bool:
        found = marked.search(terminal.screen())
        return found is not None and found.group(1) == found.group(2) != "0"

    terminal.wait_for(all_shown_marked, "every row the filter shows to be marked")
    assert "Fetch" not in terminal.screen()  # the enter never reached the table
    terminal.send("q")
    terminal.wait_for(lambda: not terminal.running(), "the program to quit")


def test_triage_from_a_report_to_switched_off_items_in_a_real_terminal(
    terminal: TmuxTerminal, isolated_dirs: Path, tmp_path: Path
) -> None:
    """mysafe-tui triage REPORT: the findings view, values compared after a yes, d,
    the confirmation with the reason proposed, the items off; no leaked value on the
    screen or in the journal."""
    sim = Simulator(SimulatorConfig(seed=4, passwords=25, api_secrets=5))
    target = next(i for i in sim.items("password") if i.can_view and i.can_write and i.active)
    assert target.password
    report = tmp_path / "gitleaks.json"
    report.write_bytes(leak_reports.gitleaks((target.password, "deploy/settings.py", 7)))
    with ServedSimulator(sim) as served:
        env = server_terminal_env(served.url, isolated_dirs)
        terminal.start([*program(), "triage", str(report)], env)
        screen = terminal.screen
        terminal.wait_for(lambda: "stored values to compare" in screen(), "the fetch question")
        terminal.send("y")
        # Both in one look: a capture can fall between the status line and the rows
        # of one frame (seen once in a clean-clone run).
        terminal.wait_for(
            lambda: (
                "1 matched (1 items)" in (shown := screen()) and "deploy/settings.py:7" in shown
            ),
            "the findings view with its finding",
        )
        terminal.send("d")
        terminal.wait_for_dialog("Deactivate 1 item?")
        assert "leak: generic-api-key in deploy/settings.py:7" in screen()
        terminal.send("y")
        terminal.wait_for(
            lambda: not sim.is_active("password", target.identifier), "the deactivation"
        )
        assert target.password not in screen()
        terminal.send("q")
        terminal.wait_for(lambda: not terminal.running(), "the program to quit")
    trail = isolated_dirs / "xdg_state_home" / "mysafe-tui" / "audit.jsonl"
    [batch] = [r for r in read_records(trail) if r["phase"] == "batch"]
    assert batch["findings"][0]["path"] == "deploy/settings.py"
    assert target.password not in trail.read_text()
