"""The console hears the core's batches as messages (tui/console/screens/main/batch_events.py):
in order, items in bunches, the end after its items (issue 19)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from textual.message import Message

from tui.api import Action, ItemRef, Kind, RateLimitNotice
from tui.console.dialogs import ConfirmBatch
from tui.console.screens.main.batch_events import (
    BUNCH_SECONDS,
    BatchFinished,
    BatchStarted,
    ItemsSettled,
    JournalFailed,
    PostingListener,
    RateLimited,
)
from tui.console.widgets import LogPanel
from tui.ops import BatchPlan, BatchRun, ItemOutcome, Result
from tui.simulator import Simulator, SimulatorConfig

from support.console import make_app, running, settle, spy_toasts, wait_until


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    def post_message(self, message: Message) -> bool:
        self.messages.append(message)
        return True


def batch(batch_id: str, count: int) -> tuple[BatchRun, list[ItemOutcome]]:
    refs = [ItemRef(Kind.PASSWORD, str(n)) for n in range(count)]
    run = BatchRun(batch_id, BatchPlan(Action.DEACTIVATE, refs), "", datetime.now(UTC))
    return run, [ItemOutcome(ref, Action.DEACTIVATE, Result.CHANGED, "ok") for ref in refs]


async def test_items_travel_together_in_order_and_the_end_comes_after_them() -> None:
    inbox = Inbox()
    listener = PostingListener(inbox)
    run, outcomes = batch("b1", 5)
    listener.batch_started(run)
    for outcome in outcomes[:3]:
        listener.item_done(run, outcome)
    await asyncio.sleep(BUNCH_SECONDS * 2)  # the three go as one message
    assert [len(m.outcomes) for m in inbox.messages if isinstance(m, ItemsSettled)] == [3]
    for outcome in outcomes[3:]:
        listener.item_done(run, outcome)
    listener.journal_failed("disk full")  # the two before it are told first
    listener.batch_finished(run)
    kinds = [type(m) for m in inbox.messages]
    assert kinds == [BatchStarted, ItemsSettled, ItemsSettled, JournalFailed, BatchFinished]
    settled = [m for m in inbox.messages if isinstance(m, ItemsSettled)]
    assert [o.ref.identifier for m in settled for o in m.outcomes] == ["0", "1", "2", "3", "4"]
    assert [len(m.outcomes) for m in settled] == [3, 2]


async def test_outcomes_of_two_batches_are_never_mixed_in_one_message() -> None:
    inbox = Inbox()
    listener = PostingListener(inbox)
    first, first_outcomes = batch("b1", 2)
    second, second_outcomes = batch("b2", 2)
    listener.item_done(first, first_outcomes[0])
    listener.item_done(second, second_outcomes[0])
    listener.item_done(first, first_outcomes[1])
    await asyncio.sleep(BUNCH_SECONDS * 2)
    settled = [m for m in inbox.messages if isinstance(m, ItemsSettled)]
    assert [(m.run.batch_id, len(m.outcomes)) for m in settled] == [
        ("b1", 1),
        ("b2", 1),
        ("b1", 1),
    ]


def test_with_no_loop_left_an_item_is_told_at_once() -> None:
    inbox = Inbox()
    run, [outcome] = batch("b1", 1)
    PostingListener(inbox).item_done(run, outcome)
    assert [type(m) for m in inbox.messages] == [ItemsSettled]


async def test_a_rate_limit_is_told_after_the_items_before_it() -> None:
    inbox = Inbox()
    listener = PostingListener(inbox)
    run, [outcome] = batch("b1", 1)
    notice = RateLimitNotice(2.0, 8, 16, "r-1")
    listener.item_done(run, outcome)
    listener.rate_limited(run, notice)
    assert [type(m) for m in inbox.messages] == [ItemsSettled, RateLimited]
    told = inbox.messages[-1]
    assert isinstance(told, RateLimited) and told.notice is notice and told.run is run


async def test_the_console_says_rate_limited_once_in_a_toast_and_the_log() -> None:
    sim = Simulator(SimulatorConfig(passwords=30, api_secrets=0))
    app = make_app(sim)
    async with running(app) as pilot:
        toasts = spy_toasts(app)
        # Every third request limited from now on, asking a wait of 0 s.
        sim.faults.rate_limit_every = 3
        sim.faults.rate_limit_wait = 0
        await pilot.press("asterisk", "d")
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch)
        await pilot.press(*str(len(dialog.plan.refs)), "enter", "enter")
        history = app.session.history
        await wait_until(pilot, lambda: bool(history) and history[-1].finished)
        await settle(app, pilot)
        [run] = history
        assert run.state == "done" and run.rate_limits
        warnings = [(severity, text) for severity, text in toasts if "ate limited" in text]
        assert len(warnings) == 1 and warnings[0][0] == "warning"
        assert warnings[0][1].startswith("Rate limited, waiting 0 s as the gateway asked")
        lines = app.main.query_one("#log", LogPanel).all_lines()
        assert sum("rate limited, waiting 0 s" in line for line in lines) == 1


async def test_the_screen_hears_a_batch_and_the_app_does_not() -> None:
    heard: list[type[Message]] = []
    sim = Simulator(SimulatorConfig(seed=3, passwords=6, api_secrets=0))
    app = make_app(sim)
    batch_messages = (BatchStarted, ItemsSettled, BatchFinished)
    async with running(app) as pilot:
        original = app.post_message

        def spy(message: Message) -> bool:  # a message bubbles up by being posted
            if isinstance(message, batch_messages):
                heard.append(type(message))
            return original(message)

        app.post_message = spy  # type: ignore[method-assign]
        await pilot.press("d")
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch)
        await pilot.press("y")
        await wait_until(pilot, lambda: app.session.last_finished() is not None)
        await settle(app, pilot)
        log = app.main.query_one("#log", LogPanel).all_lines()
    assert any("Batch " in line for line in log), "the screen heard the batch"
    assert heard == [], "nothing bubbled up to the app"
