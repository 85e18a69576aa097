"""Kill the real program (SIGKILL) mid-batch; the audit trail says what was done,
and the next start offers to finish what was left."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tui.audit import AuditContext, AuditTrail, interrupted_batches, read_audit
from tui.dialogs import ConfirmBatch
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Simulator, SimulatorConfig
from tui.widgets import LogPanel

from conftest import make_app
from pty_terminal import Terminal, clean_env
from served import ServedSimulator

pytestmark = pytest.mark.e2e


async def test_a_killed_batch_is_known_and_resumable(isolated_dirs: Path) -> None:
    sim = Simulator(SimulatorConfig(seed=2, passwords=40, api_secrets=2))
    planned = [i.identifier for i in sim.items("password") if i.can_view and i.can_write]
    state = isolated_dirs / "xdg_state_home"
    trail = state / "mysafe-tui" / "audit.jsonl"
    with ServedSimulator(sim) as served:
        sim.faults.latency = 0.15  # two at a time: about 3 s for the whole batch
        env = clean_env(
            MYSAFE_URL=served.url,
            MYSAFE_CLIENT_ID=DEMO_CLIENT_ID,
            MYSAFE_CLIENT_SECRET=DEMO_CLIENT_SECRET,
            XDG_STATE_HOME=str(state),
        )
        terminal = Terminal(["--concurrency", "2"], env)
        try:
            visible = sum(1 for i in sim.items("password") if i.can_view)
            terminal.read_until(f"of {visible} passwords shown".encode())
            terminal.send(b"*")
            terminal.send(b"d")
            terminal.read_until(f"Type {len(planned)}".encode())
            time.sleep(0.5)  # the dialog ignores keys for a moment after it opens
            terminal.send(str(len(planned)).encode() + b"\r")
            deadline = time.monotonic() + 20
            while sum(not sim.is_active("password", k) for k in planned) < 4:
                assert time.monotonic() < deadline, "the batch never started"
                time.sleep(0.05)
        finally:
            terminal.stop(kill=True)  # SIGKILL: no chance to write anything more
        sim.faults.latency = 0.0

        records = list(read_audit(trail))
        outcomes = {r["identifier"]: r for r in records if r["phase"] == "outcome"}
        intents = {r["identifier"] for r in records if r["phase"] == "intent"}
        for identifier, record in outcomes.items():
            if record["outcome"] == "deactivated":
                assert not sim.is_active("password", identifier), "the trail says done: it is"
        for identifier in planned:
            if not sim.is_active("password", identifier):
                assert identifier in intents, "nothing was changed without an intent first"
        [interrupted] = interrupted_batches(trail)
        left = {r.identifier for r in interrupted.left}
        assert interrupted.total == len(planned)
        assert left == set(planned) - {
            i for i, r in outcomes.items() if r["outcome"] == "deactivated"
        }
        assert left, "killed mid-batch: something was left"

        # The next start: told what was left, R marks it, d finishes the job.
        audit = AuditTrail(trail, AuditContext.current("default", "127.0.0.1"))
        app = make_app(sim, audit=audit, demo=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert any(
                "was interrupted" in line
                for line in app.main.query_one("#log", LogPanel).all_lines()
            )
            await pilot.press("R")
            table = app.main.table()
            still_listed = [k for k in left if sim.is_active("password", k)]
            assert sorted(table.marked_keys) == sorted(still_listed)
            await pilot.press("d")
            dialog = app.screen
            assert isinstance(dialog, ConfirmBatch)
            if dialog.typed:
                await pilot.press(*str(len(dialog.plan.refs)), "enter")
            else:
                await pilot.press("y")
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert all(not sim.is_active("password", k) for k in planned)
        assert interrupted_batches(trail) == [], "resumed: no longer reported as interrupted"
