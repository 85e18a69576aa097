"""Issue 17: on a loaded machine, ``d`` then ``y`` typed 150 ms later confirmed a
batch the operator never saw (the arming delay counted from when the dialog was
built). The real program in a real terminal (tmux), its event loop made slow on purpose
before the dialog is shown: the ``y`` is judged by its own time stamp and ignored,
every time."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.ops import read_records
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Simulator, SimulatorConfig

from support.terminals import TmuxTerminal, unique_socket

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

#: The program as installed, with the confirmation's mounting made slow: the event
#: loop is blocked for 0.8 s after the dialog is built and before it is drawn (a
#: loaded machine, for this test only; the production code is untouched).
SLOW_DIALOG = """
import sys, time
from tui.console.dialogs.confirm_batch import ConfirmBatch
mount = ConfirmBatch.on_mount
def slow_mount(self):
    time.sleep(0.8)
    mount(self)
ConfirmBatch.on_mount = slow_mount
from tui.__main__ import main
sys.argv[0] = "mysafe-tui"
sys.exit(main())
"""


def steps_to_a_writable_row() -> int:
    """Rows from the top to the first the demo lets one deactivate (its default data)."""
    sim = Simulator(
        SimulatorConfig(
            seed=1,
            passwords=40,
            api_secrets=30,
            client_id=DEMO_CLIENT_ID,
            client_secret=DEMO_CLIENT_SECRET,
        )
    )
    visible = [i for i in sim.items("password") if i.can_view]
    return next(n for n, i in enumerate(visible) if i.can_write and i.active)


@pytest.fixture
def terminal() -> Iterator[TmuxTerminal]:
    term = TmuxTerminal(unique_socket("typeahead"))
    yield term
    term.close()


@pytest.mark.parametrize("attempt", range(3))
def test_y_typed_150_ms_after_d_never_confirms_on_a_slow_machine(
    attempt: int, terminal: TmuxTerminal, isolated_dirs: Path
) -> None:
    state = isolated_dirs / "xdg_state_home"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MYSAFE_")},
        "TERM": "xterm-256color",
        "XDG_STATE_HOME": str(state),
    }
    terminal.start([sys.executable, "-c", SLOW_DIALOG, "--demo"], env)
    screen = terminal.screen
    terminal.wait_for(lambda: "of 38 passwords shown" in screen(), "the table")
    terminal.send(*["Down"] * steps_to_a_writable_row())
    terminal.send("d")
    time.sleep(0.15)  # the operator's second key, 150 ms after the first
    terminal.send("y")
    terminal.wait_for(lambda: "Deactivate 1 item?" in screen(), "the dialog")
    # Keys are handled in order: once n has closed the dialog, the y was handled.
    terminal.send("n")
    terminal.wait_for(lambda: "Deactivate 1 item?" not in screen(), "the dialog to close")
    terminal.send("l")
    terminal.wait_for(lambda: "Cancelled: deactivate 1" in screen(), "the cancellation")
    assert "deactivated" not in screen()
    terminal.send("q")
    terminal.wait_for(lambda: not terminal.running(), "the program to quit")
    trail = state / "mysafe-tui" / "audit.jsonl"
    records = list(read_records(trail)) if trail.exists() else []
    assert [r["phase"] for r in records if r["phase"] in ("batch", "intent", "outcome")] == []
