"""Issue 9's findings, each driven as the operator met it: keys, then what shows."""

from __future__ import annotations

from textual import events
from textual.widgets import Button, Footer, Input, Static

from tui.console.app import MySafeApp, utc_now
from tui.console.dialogs import ConfirmBatch, ConfirmFetch
from tui.console.screens.first_run import FirstRunScreen
from tui.console.widgets import DetailPane, ItemTable, LogPanel
from tui.simulator import Simulator, SimulatorConfig

from support.console import idle, make_app, running, spy_toasts, wait_until


def burst(app: MySafeApp, *keys: str) -> None:
    """Keys arriving in one read, as a fast typist or a paste sends them: all queued
    before the first is handled (Pilot.press would wait after each)."""
    names = {"/": "slash", "*": "asterisk", " ": "space", "\r": "enter", "\x1b": "escape"}
    for key in keys:
        for char in key if len(key) == 1 or key in names else [key]:
            name = names.get(char, char)
            printable = char if len(char) == 1 and char.isprintable() else None
            app.post_message(events.Key(name, printable))


def status(app: MySafeApp) -> str:
    return str(app.main.query_one("#status-line").render())


def gets_of_items(sim: Simulator) -> list[str]:
    return [
        p for m, p, _ in sim.request_log if m == "GET" and p.rstrip("/").split("/")[-1].isdigit()
    ]


# -- keys are never lost or redirected ------------------------------------------------


async def test_keys_typed_ahead_after_the_table_appears_all_take_effect(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        table = app.main.table()
        burst(app, "/", "g", "i", "t", "\r", "*")
        await wait_until(pilot, lambda: table.model.marked_count > 0)
        assert table.model.filter_query == "git"
        assert table.model.marked_count == table.model.visible_count > 0
        assert gets_of_items(sim) == []  # the enter went to the filter, not a fetch


async def test_keys_typed_while_the_list_loads_reach_the_table() -> None:
    sim = Simulator(SimulatorConfig(seed=1, passwords=40, api_secrets=5))
    sim.faults.latency = 0.3
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.main.table()
        await wait_until(pilot, lambda: "Loading passwords" in table.waiting_for)
        assert "loading passwords" in status(app)
        burst(app, "/", "v", "a", "u", "l", "t", "\r")
        await wait_until(pilot, lambda: table.model.row_count > 0)
        await pilot.pause()
        assert table.model.filter_query == "vault"
        assert 0 < table.model.visible_count < table.model.row_count


# -- the detail pane ------------------------------------------------------------------


async def test_at_80x24_enter_opens_a_full_screen_detail_view_that_scrolls(
    sim: Simulator,
) -> None:
    app = make_app(sim)
    async with running(app, (80, 24)) as pilot:
        await pilot.press("v", "y")
        await idle(app)
        await pilot.pause()
        pane = app.main.detail()
        assert app.main.maximized is pane and app.focused is pane
        assert pane.region.height >= 18  # the fetched view is readable, not 4 lines
        assert "Shared with" in pane.text()
        await pilot.resize_terminal(80, 12)
        await pilot.pause()
        assert pane.labels.render_line(0).text.startswith("ID ")
        await pilot.press("j", "j")
        await pilot.pause()
        assert pane.values.scroll_offset.y == 2
        # The labels scroll with the values: the third label is on top now.
        assert pane.labels.render_line(0).text.startswith("URL ")
        await pilot.press("escape")
        assert app.main.maximized is None and isinstance(app.focused, ItemTable)
        assert not app.main.batches.session.running  # esc closed the view, nothing else


async def test_the_detail_pane_is_focusable_and_scrolls_at_120x40(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        await pilot.press("enter")
        assert isinstance(app.focused, DetailPane)
        await pilot.press("escape")
        assert isinstance(app.focused, ItemTable)


# -- toasts ---------------------------------------------------------------------------


async def test_toasts_stay_off_the_status_line_and_a_dialog_clears_them(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app, (80, 24)) as pilot:
        app.say("one", severity="warning")
        app.say("two", severity="warning")
        await pilot.pause()
        toasts = list(app.screen.query("Toast"))
        assert toasts
        status_region = app.main.query_one("#status-line").region
        assert all(not t.region.overlaps(status_region) for t in toasts)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmBatch)
        await pilot.pause()
        assert not app._notifications
        cancel = app.screen.query_one("#confirm-cancel", Button)
        assert cancel.region.height > 0


async def test_every_toast_of_the_demo_says_demo(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        await pilot.press("d")
        await pilot.press("y")
        await idle(app)
        await pilot.pause()
        titles = [n.title for n in app._notifications]
        assert titles and all(title.startswith("DEMO") for title in titles)
        # and the single item's toast names the item
        key = app.main.model().cursor_key
        assert any("Password" in title for title in titles), (titles, key)


# -- help, clocks ---------------------------------------------------------------------


async def test_help_scrolls_with_j_and_its_keys_line_is_on_screen_at_80x24(
    sim: Simulator,
) -> None:
    app = make_app(sim)
    async with running(app, (80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        body = app.screen.query_one("#help-body")
        keys = app.screen.query_one("#help-keys", Static)
        assert keys.region.bottom <= 24 and keys.region.height > 0
        await pilot.press("j", "j", "j")
        assert body.scroll_offset.y == 3
        await pilot.press("k")
        assert body.scroll_offset.y == 2


async def test_one_clock_utc_marked_everywhere(sim: Simulator) -> None:
    assert utc_now().utcoffset() is not None and utc_now().utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    app = make_app(sim)
    async with running(app) as pilot:
        await pilot.press("l")
        assert "UTC" in str(app.main.query_one(LogPanel).border_title)
        await pilot.press("e")
        assert "UTC" in str(app.screen.query_one("#errors-title", Static).render())


# -- refusals say why -----------------------------------------------------------------


async def test_read_only_keys_say_why(sim: Simulator) -> None:
    app = make_app(sim, read_only=True)
    toasts = spy_toasts(app)
    async with running(app) as pilot:
        for key in ("d", "u", "x"):
            await pilot.press(key)
        assert not isinstance(app.screen, ConfirmBatch)
        assert toasts.texts().count("read-only") == 3
        assert "READ-ONLY: d, a, u, x, R refused" in status(app)


async def test_r_and_d_on_the_other_tab_during_a_batch_say_why() -> None:
    sim = Simulator(SimulatorConfig(seed=1, passwords=40, api_secrets=10))
    app = make_app(sim, concurrency=2)
    toasts = spy_toasts(app)
    async with running(app) as pilot:
        sim.faults.latency = 0.2
        await pilot.press("asterisk", "d")
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch)
        await pilot.press(*str(len(dialog.plan.refs)), "enter", "enter")
        await wait_until(pilot, lambda: app.session.running is not None)
        loads = len([1 for m, p, _ in sim.request_log if m == "GET"])
        await pilot.press("r")
        await pilot.press("2", "d")
        assert "Refresh refused: a batch is running" in toasts.texts()
        assert "Deactivate refused: a batch is running" in toasts.texts()
        assert len([1 for m, p, _ in sim.request_log if m == "GET"]) == loads
        await pilot.press("1", "escape")
        await idle(app)


# -- marks ----------------------------------------------------------------------------


async def test_a_server_filter_that_drops_marks_says_so(sim: Simulator) -> None:
    app = make_app(sim)
    toasts = spy_toasts(app)
    async with running(app) as pilot:
        await pilot.press("space", "space", "space")
        assert app.main.model().marked_count == 3
        app.main.server_filters[app.main.kind] = {"name": "zzz-no-such-item"}
        app.main.load(app.main.kind)
        await idle(app)
        await pilot.pause()
        assert "3 marked passwords are not in the new list and were unmarked" in toasts.texts()


async def test_marks_on_the_other_tab_show_in_the_status_line(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        await pilot.press("2", "space", "space", "1")
        assert "2 on the API secrets tab" in status(app)


async def test_items_left_out_as_not_editable_are_unmarked_after_the_batch(
    sim: Simulator,
) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        table = app.main.table()
        await pilot.press("asterisk", "d")
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch) and dialog.plan.refused
        hint = str(dialog.query_one("#confirm-typed-hint", Static).render())
        assert hint.startswith(f"Type {len(dialog.plan.refs)} and press enter")
        refused = str(dialog.query_one("#confirm-refused", Static).render())
        assert refused.startswith(f"{len(dialog.plan.refused)} items are left out")
        await pilot.press(*str(len(dialog.plan.refs)), "enter", "enter")
        await idle(app)
        await pilot.pause()
        assert table.model.marked_count == 0


# -- layout ---------------------------------------------------------------------------


async def test_names_get_room_and_dropped_columns_are_named(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app, (80, 24)) as pilot:
        table = app.main.table()
        assert "Tags" in table.hidden_columns
        header = table.render_line(0).text
        assert "Tags" in header and "in details" in header
        await pilot.press("2")
        secrets = app.main.table()
        assert "Tags" not in [c.label for c in secrets.columns]  # the list has no tags


async def test_the_footer_keeps_help_and_log_when_resume_shows(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app, (80, 24)) as pilot:
        app.main.batches.interrupted = [object()]  # type: ignore[list-item]
        app.main.refresh_bindings()
        await pilot.pause()
        footer = app.main.query_one(Footer)
        shown = " ".join(str(key.render()) for key in footer.query("FooterKey"))
        for wanted in ("?", "l", "R"):
            assert wanted in shown, shown
        assert all(key.region.right <= 80 for key in footer.query("FooterKey"))


# -- the demo -------------------------------------------------------------------------


async def test_nothing_configured_opens_on_a_plain_demo_screen(sim: Simulator) -> None:
    app = make_app(sim, first_run=True)
    async with running(app, (80, 24)) as pilot:
        assert isinstance(app.screen, FirstRunScreen)
        text = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "DEMO" in text and "MYSAFE_URL" in text and "fake" in text
        await pilot.press("enter")
        assert not isinstance(app.screen, FirstRunScreen)
    app = make_app(sim, first_run=True)
    async with running(app) as pilot:
        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running)


async def test_start_up_warnings_are_told(sim: Simulator) -> None:
    app = make_app(sim, warnings=("10.0.0.5 is an IP address and no tenant is set",))
    toasts = spy_toasts(app)
    async with running(app):
        assert "no tenant" in toasts.texts()


# -- fetch asks first -----------------------------------------------------------------


async def test_a_double_enter_after_a_filter_fetches_nothing(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        await pilot.press("slash", *"git", "enter", "enter", "enter")
        await pilot.pause()
        assert gets_of_items(sim) == []
        assert not isinstance(app.screen, ConfirmFetch)
        assert isinstance(app.focused, (DetailPane, Input, ItemTable))


async def test_escape_cancels_a_slow_list_load() -> None:
    sim = Simulator(SimulatorConfig(seed=1, passwords=40, api_secrets=5))
    sim.faults.latency = 30.0
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.main.table()
        await wait_until(pilot, lambda: "Loading passwords" in table.waiting_for)
        await pilot.press("escape")
        await wait_until(pilot, lambda: "cancelled" in table.waiting_for)
        await idle(app)
        assert not app.main.loaded[app.main.kind]
