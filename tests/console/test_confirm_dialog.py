"""Issue 17: the confirmation cannot be typed through, ``m`` adds to the marks, and
uncertain items are listed apart and sent only on purpose."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Checkbox, Input, Static

from tui.api import Action, ItemRef, Kind
from tui.api.retry import NO_RETRY
from tui.console.app import MySafeApp
from tui.console.dialogs import ConfirmBatch
from tui.ops import BatchPlan
from tui.simulator import Simulator

from support.console import ManualClock, go_to, make_app, model, running, settle
from support.sims import posts, writable


def dialog_of(app: MySafeApp) -> ConfirmBatch:
    screen = app.screen
    assert isinstance(screen, ConfirmBatch)
    return screen


def focused_id(app: MySafeApp) -> str | None:
    widget = app.focused
    return None if widget is None else widget.id


def reason_of(app: MySafeApp) -> str:
    return dialog_of(app).query_one("#confirm-reason", Input).value


async def test_a_reason_typed_after_tab_is_never_sent_by_its_enter(sim: Simulator) -> None:
    """The report: d, tab, "INC-9001 leaked key", enter deactivated the item with an
    empty reason. Tab now reaches the reason; its enter moves on to the button."""
    app = make_app(sim)
    target = writable(sim)[0]
    async with running(app) as pilot:
        await go_to(app, pilot, target)
        await pilot.press("d", "tab", *"INC-9001 leaked key", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmBatch), "enter in the reason sends nothing"
        assert posts(sim) == []
        assert reason_of(app) == "INC-9001 leaked key"
        assert focused_id(app) == "confirm-go"
        await pilot.press("enter")  # on the button: this one sends
        await settle(app, pilot)
        run = app.session.last_finished()
    assert run is not None and run.reason == "INC-9001 leaked key"
    assert posts(sim) == [f"/api/mysafe/password/inactive/{target}"]


async def test_tab_goes_cancel_reason_count_button_and_shift_tab_back(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        await pilot.press("asterisk", "d")
        assert dialog_of(app).typed
        order = ["confirm-cancel", "confirm-reason", "confirm-count", "confirm-go"]
        seen = [focused_id(app)]
        for _ in order[1:]:
            await pilot.press("tab")
            seen.append(focused_id(app))
        assert seen == order
        back = []
        for _ in order[1:]:
            await pilot.press("shift+tab")
            back.append(focused_id(app))
        assert back == order[-2::-1]
        await pilot.press("escape")
    assert posts(sim) == []


async def test_tab_without_a_count_goes_cancel_reason_button(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        await go_to(app, pilot, writable(sim)[0])
        await pilot.press("d")
        seen = [focused_id(app)]
        for _ in range(2):
            await pilot.press("tab")
            seen.append(focused_id(app))
        assert seen == ["confirm-cancel", "confirm-reason", "confirm-go"]
        await pilot.press("escape")
    assert posts(sim) == []


async def test_letters_on_a_button_go_to_the_reason_and_y_n_there_are_letters(
    sim: Simulator,
) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        await go_to(app, pilot, writable(sim)[0])
        await pilot.press("d", *"leak")  # focus was on Cancel
        assert focused_id(app) == "confirm-reason"
        await pilot.press(*" by y and n")
        assert reason_of(app) == "leak by y and n"
        assert isinstance(app.screen, ConfirmBatch), "y and n in the reason are letters"
        await pilot.press("tab")  # the button; letters there go back to the reason
        assert focused_id(app) == "confirm-go"
        await pilot.press(*"!x")
        assert focused_id(app) == "confirm-reason" and reason_of(app) == "leak by y and n!x"
        await pilot.press("enter")
        assert focused_id(app) == "confirm-go" and posts(sim) == []
        await pilot.press("y")  # on a button, y is the documented key
        await settle(app, pilot)
        run = app.session.last_finished()
    assert run is not None and run.reason == "leak by y and n!x"
    assert len(posts(sim)) == 1


async def test_n_on_a_button_cancels(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        await go_to(app, pilot, writable(sim)[0])
        await pilot.press("d", "tab", "tab")
        assert focused_id(app) == "confirm-go"
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmBatch)
    assert posts(sim) == []


async def test_enter_in_the_count_field_never_sends(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        await pilot.press("asterisk", "d")
        dialog = dialog_of(app)
        count = len(dialog.plan.refs)
        await pilot.press(*str(count))  # digits on Cancel go to the count
        assert focused_id(app) == "confirm-count"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmBatch) and posts(sim) == []
        assert focused_id(app) == "confirm-go", "a right count moves on to the button"
        await pilot.press("shift+tab")  # back to the count
        assert focused_id(app) == "confirm-count"
        await pilot.press("backspace", "enter")  # now wrong
        await pilot.pause()
        hint = str(dialog.query_one("#confirm-typed-hint", Static).render())
        assert f"That is not {count}" in hint
        assert focused_id(app) == "confirm-count" and posts(sim) == []
        await pilot.press(*str(count), "enter", "space")  # space on the button sends
        await settle(app, pilot)
    assert len(posts(sim)) == count


async def test_space_on_cancel_cancels(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        await go_to(app, pilot, writable(sim)[0])
        await pilot.press("d", "space")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmBatch)
    assert posts(sim) == []


async def test_the_arming_delay_judges_each_key_by_its_own_time(sim: Simulator) -> None:
    """Keys are stamped as they arrive (here by the test's clock); the dialog arms
    from the stamp of the key that opened it, not from when it was built."""
    clock = ManualClock()
    app = make_app(sim, arming_delay=0.35, monotonic=clock)
    async with running(app) as pilot:
        await go_to(app, pilot, writable(sim)[0])
        await pilot.press("d")
        opened = clock.now
        clock.advance(0.3)
        await pilot.press("y")
        assert isinstance(app.screen, ConfirmBatch), "0.3 s after the key: ignored"
        assert dialog_of(app)._armed_at == opened + 0.35
        said = str(dialog_of(app).query_one("#confirm-keys", Static).render())
        assert said == "y ignored: keys count from 0.35 s after the dialog opens · press it again"
        clock.advance(0.1)
        await pilot.press("y")
        await settle(app, pilot)
    assert len(posts(sim)) == 1


@pytest.mark.parametrize("key", ["escape", "n"])
async def test_cancelling_is_never_too_soon(sim: Simulator, key: str) -> None:
    clock = ManualClock()
    app = make_app(sim, arming_delay=0.35, monotonic=clock)
    async with running(app) as pilot:
        await go_to(app, pilot, writable(sim)[0])
        await pilot.press("d")
        clock.advance(0.05)
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmBatch)
    assert posts(sim) == []


async def test_m_adds_the_failed_items_to_the_marks(sim: Simulator) -> None:
    app = make_app(sim, retry=NO_RETRY)
    async with running(app) as pilot:
        first, second, third, other = writable(sim)[:4]
        for key in (first, second, third):
            await go_to(app, pilot, key)
            await pilot.press("space")
        sim.inject("503")  # Kong never reached the server; not retried here: it fails
        await pilot.press("d", "y")
        await settle(app, pilot)
        batch = app.session.last_finished()
        assert batch is not None and len(batch.failed_refs()) == 1
        failed = batch.failed_refs()[0].identifier
        assert model(app).marked_keys == [failed], "the batch unmarked what it settled"
        await go_to(app, pilot, other)
        await pilot.press("space")
        await pilot.press("m")
        assert set(model(app).marked_keys) == {failed, other}, "old marks kept, failed added"
        await pilot.press("m")
        assert set(model(app).marked_keys) == {failed, other}, "never toggled off"


def uncertain_plan(sim: Simulator) -> tuple[ItemRef, list[ItemRef]]:
    items = {i.identifier: i for i in sim.items("password")}
    keys = writable(sim)[:3]
    refs = [ItemRef(Kind.PASSWORD, key, items[key].name) for key in keys]
    return refs[0], refs[1:]


async def test_uncertain_items_are_listed_apart_and_left_out(sim: Simulator) -> None:
    app = make_app(sim)
    sure, uncertain = uncertain_plan(sim)
    async with running(app) as pilot:
        plan = BatchPlan(Action.DEACTIVATE, [sure], uncertain=uncertain)
        app.main.batches.confirm_and_run(plan)
        await pilot.pause()
        dialog = dialog_of(app)
        text = str(dialog.query_one("#confirm-uncertain", Static).render())
        assert text.startswith("2 uncertain items left out: already inactive")
        for ref in uncertain:
            assert ref.identifier in text
        assert "i includes the uncertain" in str(dialog.query_one("#confirm-keys").render())
        assert not dialog.query_one("#confirm-include", Checkbox).value
        await pilot.press("y")
        await settle(app, pilot)
    assert posts(sim) == [f"/api/mysafe/password/inactive/{sure.identifier}"]


async def test_uncertain_items_are_sent_when_included_with_i(sim: Simulator) -> None:
    app = make_app(sim)
    sure, uncertain = uncertain_plan(sim)
    async with running(app) as pilot:
        app.main.batches.confirm_and_run(BatchPlan(Action.DEACTIVATE, [sure], uncertain=uncertain))
        await pilot.pause()
        dialog = dialog_of(app)
        await pilot.press("i")
        assert dialog.query_one("#confirm-include", Checkbox).value
        assert "Deactivate 3 items?" in str(dialog.query_one("#confirm-title").render())
        await pilot.press("y")
        await settle(app, pilot)
    sent = {path.rsplit("/", 1)[1] for path in posts(sim)}
    assert sent == {sure.identifier, *(r.identifier for r in uncertain)}


async def test_uncertain_items_included_with_the_checkbox(sim: Simulator) -> None:
    app = make_app(sim)
    sure, uncertain = uncertain_plan(sim)
    async with running(app) as pilot:
        app.main.batches.confirm_and_run(BatchPlan(Action.DEACTIVATE, [sure], uncertain=uncertain))
        await pilot.pause()
        dialog = dialog_of(app)
        await pilot.press("tab", "tab")  # Cancel, the reason, the box
        assert focused_id(app) == "confirm-include"
        await pilot.press("space")
        assert dialog.include_uncertain
        await pilot.press("tab")
        assert isinstance(app.focused, Button) and focused_id(app) == "confirm-go"
        await pilot.press("enter")
        await settle(app, pilot)
    assert len(posts(sim)) == 3
