"""A large batch through the console: the screen keeps up without repainting per answer."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from tui.console.dialogs import ConfirmBatch
from tui.console.screens.main.outcome_feed import OutcomeFeed
from tui.console.widgets import BatchBar, ItemTable, StatusLine
from tui.console.widgets.log_panel import LogPanel
from tui.simulator import Simulator, SimulatorConfig

from support.console import (
    app_log_at,
    idle,
    make_app,
    record_progress,
    running,
    slow_batch_app,
    start_slow_batch,
    wait_until,
)


async def test_a_batch_of_2000_repaints_its_progress_a_bounded_number_of_times() -> None:
    sim = Simulator(SimulatorConfig(seed=5, passwords=2600, api_secrets=1))
    app = make_app(sim, concurrency=16)
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(app)
        await pilot.pause()
        shown = record_progress(app)
        await pilot.press("asterisk", "d")
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch)
        total = len(dialog.plan.refs)
        assert total >= 2000
        began = time.monotonic()
        await pilot.press(*str(total), "enter", "enter")
        await idle(app)
        elapsed = time.monotonic() - began
        await pilot.pause()
        run = app.session.last_finished()
        assert run is not None and run.done == total and run.state == "done"
        # Every row and the log were told, though the screen was updated in bulk.
        table = app.main.query_one("#table-password", ItemTable)
        assert table.model.marked_count == 0, "every item settled and was unmarked"
        panel = app.main.query_one("#log", LogPanel)
        # The panel is hidden (as by default): no line was handed over (each
        # hand-over is a layout pass); they all wait for it to be shown.
        assert not panel.display and not panel.lines
        log = panel.all_lines()
        assert sum("deactivated" in line for line in log) >= total
    # At most one progress update per SHOW_EVERY, plus the first and the last:
    # without coalescing it was one per answer, 2 000 of them.
    assert 0 < len(shown) <= elapsed / OutcomeFeed.SHOW_EVERY + 2
    assert len(shown) < total / 10


async def test_a_hidden_log_takes_its_lines_when_shown_keeping_the_newest() -> None:
    class LogApp(App[None]):
        def compose(self) -> ComposeResult:
            yield LogPanel(lambda: datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))

    app = LogApp()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(LogPanel)
        panel.display = False
        await pilot.pause()
        for number in range(LogPanel.HIDDEN_HOLD + 10):
            panel.add(f"line {number}")
        panel.flush()  # what its timer does
        assert not panel.lines, "nothing handed to a hidden log"
        panel.display = True
        await wait_until(pilot, lambda: bool(panel.lines))
        last = LogPanel.HIDDEN_HOLD + 9
        assert len(panel.lines) == LogPanel.MAX_LINES
        assert panel.lines[-1] == f"03:04:05 line {last}"
        assert panel.lines[0] == f"03:04:05 line {last - LogPanel.MAX_LINES + 1}"
        panel.add("shown")
        panel.flush()
        assert panel.lines[-1] == "03:04:05 shown"


async def test_a_running_batch_shows_in_the_status_lines_place_and_resizes_nothing() -> None:
    sim, app = slow_batch_app()
    async with running(app, size=(100, 30)) as pilot:
        status = app.main.query_one(StatusLine)
        table = app.main.query_one("#table-password", ItemTable)
        row, table_size = status.region.y, table.size
        # No bar until a batch begins (it is built then: the first frame does not pay it).
        assert status.display and not app.main.query(BatchBar)
        await start_slow_batch(app, sim, pilot)
        await wait_until(pilot, lambda: bool(app.main.query(BatchBar)))
        bar = app.main.query_one(BatchBar)
        await wait_until(pilot, lambda: bar.display and bar.region.height == 1)
        assert not status.display
        assert bar.region.y == row, "the bar takes the status line's row"
        assert table.size == table_size, "the tables keep their size"
        assert "esc stops" in str(app.main.query_one("#batch-label", Static).render())
        await pilot.press("escape")
        await idle(app)
        # Shown again, and laid out (a region is given at the next layout pass).
        await wait_until(
            pilot, lambda: status.display and not bar.display and status.region.height == 1
        )
        assert status.region.y == row and table.size == table_size
        assert "marked" in str(status.render())


async def test_the_bar_is_built_while_the_confirmation_is_read_and_stays_hidden() -> None:
    sim, app = slow_batch_app()
    async with running(app, size=(100, 30)) as pilot:
        status = app.main.query_one(StatusLine)
        await pilot.press("asterisk", "d")
        assert isinstance(app.screen, ConfirmBatch)
        # Built behind the dialog: the batch's start only shows it (no mount, no
        # second layout pass then).
        await wait_until(pilot, lambda: bool(app.main.query(BatchBar)))
        await pilot.press("escape")  # cancelled: nothing sent, the status line stays
        await idle(app)
        assert not isinstance(app.screen, ConfirmBatch)
        bar = app.main.query_one(BatchBar)
        assert not bar.display and status.display and status.region.height == 1
        sim.faults.latency = 0.25
        await pilot.press("d")  # the rows are still marked
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch)
        await pilot.press(*str(len(dialog.plan.refs)), "enter", "enter")
        await wait_until(pilot, lambda: bar.display and bar.region.height == 1)
        assert app.main.query_one(BatchBar) is bar, "the same bar, shown"
        await pilot.press("escape")  # the batch stopped
        await idle(app)


async def test_a_finished_batch_is_in_the_app_log_without_waiting_for_its_flush(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The panel's flush never comes in this test: only the batch's end can write.
    monkeypatch.setattr(LogPanel, "FLUSH_EVERY", 3600.0)
    with app_log_at(tmp_path / "app.log") as path:
        sim = Simulator(SimulatorConfig(seed=5, passwords=60, api_secrets=1))
        app = make_app(sim, concurrency=4)
        async with app.run_test(size=(120, 40)) as pilot:
            await idle(app)
            await pilot.pause()
            await pilot.press("asterisk", "d")
            dialog = app.screen
            assert isinstance(dialog, ConfirmBatch)
            total = len(dialog.plan.refs)
            if dialog.typed:
                await pilot.press(*str(total), "enter", "enter")
            else:
                await pilot.press("y")
            await idle(app)
            await pilot.pause()
            run = app.session.last_finished()
            assert run is not None and run.done == total
            written = path.read_text()
            panel = app.main.query_one("#log", LogPanel).all_lines()
    # Every line of the panel, in its order: the outcomes and the batch's summary.
    told = [line.split(" INFO ", 1)[1] for line in written.splitlines()]
    assert told == [line.split(" ", 1)[1] for line in panel]
    assert sum("deactivated" in line for line in told) >= total
    assert any(line.startswith(f"Batch {run.batch_id}: ") for line in told)
