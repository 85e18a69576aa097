"""End to end: the installed program in a real terminal (tmux) against a real socket."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tui.ops import read_records
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Simulator, SimulatorConfig

from served import ServedSimulator

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
SESSION = "mysafe-e2e"


def tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], capture_output=True, text=True, check=False, timeout=10
    ).stdout


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}; the screen shows:\n{screen()}")


@pytest.fixture
def terminal() -> Iterator[None]:
    tmux("kill-session", "-t", SESSION)
    yield
    tmux("kill-session", "-t", SESSION)


def program() -> list[str]:
    installed = shutil.which("mysafe-tui")
    return [installed] if installed else [sys.executable, "-m", "tui"]


def test_deactivate_an_item_by_keyboard_over_a_real_socket(
    terminal: None, isolated_dirs: Path
) -> None:
    sim = Simulator(SimulatorConfig(seed=4, passwords=25, api_secrets=5))
    visible = [i for i in sim.items("password") if i.can_view]
    steps, target = next((n, i) for n, i in enumerate(visible) if i.can_write)
    with ServedSimulator(sim) as served:
        env = {
            "MYSAFE_URL": served.url,
            "MYSAFE_CLIENT_ID": DEMO_CLIENT_ID,
            "MYSAFE_CLIENT_SECRET": DEMO_CLIENT_SECRET,
            "TERM": "xterm-256color",
            "XDG_STATE_HOME": str(isolated_dirs / "xdg_state_home"),
        }
        command = " ".join(
            [
                "env",
                *(f"{k}={shlex.quote(v)}" for k, v in env.items()),
                *map(shlex.quote, program()),
            ]
        )
        tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "40", command)
        loaded = f"{len(visible)} of {len(visible)} passwords shown"
        wait_for(lambda: loaded in screen(), "the table")
        assert "127.0.0.1" in screen() and "DEMO" not in screen()
        for _ in range(steps):
            tmux("send-keys", "-t", SESSION, "j")
        on_target = re.compile(rf"Identifier\s+{target.identifier}\s")
        wait_for(lambda: on_target.search(screen()) is not None, "the cursor on the target")
        tmux("send-keys", "-t", SESSION, "d")
        wait_for(lambda: "Deactivate 1 item?" in screen(), "the confirmation")
        time.sleep(0.5)  # the dialog ignores keys for a moment after it opens
        tmux("send-keys", "-t", SESSION, "y")
        wait_for(lambda: not sim.is_active("password", target.identifier), "the deactivation")
        wait_for(lambda: "deactivated" in screen(), "the result on screen")
        assert DEMO_CLIENT_SECRET not in screen()
        tmux("send-keys", "-t", SESSION, "q")
        wait_for(lambda: SESSION not in tmux("list-sessions"), "the program to quit")
    posts = [p for m, p, s in sim.request_log if m == "POST" and "mysafe" in p]
    assert posts == [f"/api/mysafe/password/inactive/{target.identifier}"]
    trail = isolated_dirs / "xdg_state_home" / "mysafe-tui" / "audit.jsonl"
    records = list(read_records(trail))
    assert [r["phase"] for r in records] == ["batch", "intent", "outcome", "batch_end"]
    outcome = records[2]
    assert outcome["outcome"] == "deactivated" and outcome["http_status"] == 200
    assert outcome["host"] == "127.0.0.1" and outcome["identifier"] == target.identifier
    assert DEMO_CLIENT_SECRET not in trail.read_text()
