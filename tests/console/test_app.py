"""The console driven as an operator would: Pilot, keys, the simulator's state."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from textual.widget import Widget
from textual.widgets import Button, Static

from tui.api import Kind
from tui.api.retry import NO_RETRY
from tui.console.app import MySafeApp
from tui.console.dialogs import ConfirmBatch, ConfirmFetch
from tui.console.screens.help import HelpScreen
from tui.console.screens.main.screen import MainScreen
from tui.console.widgets import DetailPane, LogPanel
from tui.simulator import Simulator, SimulatorConfig

from support.console import (
    ManualClock,
    go_to,
    label_counts,
    make_app,
    model,
    running,
    settle,
    spy_toasts,
    table,
    wait_until,
)
from support.sims import posts, writable


def focused(app: MySafeApp) -> Widget | None:
    """The focused widget, read afresh (an `isinstance` on `app.focused` would stick)."""
    return app.focused


def status_line(app: MySafeApp) -> str:
    return str(app.main.query_one("#status-line").render())


# -- loading and looking --------------------------------------------------------------


async def test_demo_opens_with_both_tables_and_a_clear_demo_badge(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        context = str(app.main.query_one("#context-bar").render())
        assert "DEMO" in context
        assert "MYSAFE_URL" in str(app.main.query_one("#demo-hint").render())
        visible = sum(1 for i in sim.items("password") if i.can_view)
        assert model(app).row_count == visible
        await pilot.press("2")
        assert app.main.kind.value == "api_secret"
        assert model(app).row_count == sum(1 for i in sim.items("api_secret") if i.can_view)
        await pilot.press("1")
        assert app.main.kind.value == "password"


async def test_v_asks_then_fetches_the_item_and_masks_its_secrets(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        key = model(app).cursor_key
        assert key is not None
        fetched = ("GET", f"/api/mysafe/password/{key}", 200)
        # enter (twice, as after a filter) opens the pane: an audited view is never
        # fetched without asking.
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        assert fetched not in sim.request_log
        assert isinstance(focused(app), DetailPane)
        await pilot.press("escape", "v")
        assert isinstance(app.screen, ConfirmFetch)
        assert "audit" in " ".join(str(w.render()) for w in app.screen.query(Static))
        await pilot.press("n")
        await settle(app, pilot)
        assert fetched not in sim.request_log
        await pilot.press("v", "y")
        await settle(app, pilot)
        shown = app.main.detail().text()
        item = sim.get("password", key)
        assert "Fetched from the server" in shown
        assert "hidden" in shown
        assert item.password is not None and item.password not in shown
        assert fetched in sim.request_log


async def test_server_text_is_shown_literally_and_never_raw(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        await pilot.press("slash", *"payroll", "enter")
        await pilot.pause()
        lines = [table(app).render_line(y).text for y in range(3)]
        assert any("[bold]Payroll[/] admin" in line for line in lines), lines
        await pilot.press("escape", "slash", *"clipboard", "enter")
        await pilot.pause()
        line = table(app).render_line(1).text
        assert "clipboard ␛]52;c;ZXZp" in line
        assert "\x1b" not in line and "\x07" not in line
        detail = app.main.detail().text()
        assert "clipboard ␛]52;c;ZXZpbA==␇ thief" in detail
        svg = app.export_screenshot()
        assert "\x1b" not in svg


# -- filter and marks -----------------------------------------------------------------


async def test_filter_as_you_type_enter_keeps_escape_clears(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        total = model(app).visible_count
        await pilot.press("slash")
        assert app.main.filter_mode.active and focused(app) is table(app)
        await pilot.press(*"github")
        assert 0 < model(app).visible_count < total
        await pilot.press("enter")
        assert focused(app) is table(app)
        assert model(app).filter_query == "github"
        assert "filter: github" in status_line(app)
        await pilot.press("escape")
        assert model(app).filter_query == "" and model(app).visible_count == total


async def test_marks_glyphs_mark_all_and_marks_hidden_by_the_filter(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        first = model(app).cursor_key
        await pilot.press("space")
        assert first is not None and model(app).is_marked(first)
        assert table(app).render_line(1).text.startswith("● ")
        assert "1 marked" in status_line(app)
        await pilot.press("slash", *"zzz-no-such-item", "enter")
        assert "1 marked (1 hidden by the filter)" in status_line(app)
        await pilot.press("escape", "slash", *"prod", "enter")
        shown = model(app).visible_count
        await pilot.press("asterisk")
        assert model(app).marked_count >= shown
        await pilot.press("asterisk")
        hidden_before = model(app).hidden_marked_count
        assert model(app).marked_count == hidden_before


async def test_d_typed_into_the_filter_changes_nothing(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        await pilot.press("slash", *"dud", "space", "asterisk", "u", "x")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmBatch)
        assert model(app).marked_count == 0
        assert posts(sim) == []
        assert model(app).filter_query == "dud *ux"
        assert "/ dud *ux" in str(app.main.query_one("#filter").render())


# -- deactivate -----------------------------------------------------------------------


async def test_deactivate_one_with_y_and_the_servers_message(sim: Simulator) -> None:
    app = make_app(sim)
    toasts = spy_toasts(app)
    async with running(app) as pilot:
        target = writable(sim)[0]
        await go_to(app, pilot, target)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmBatch)
        assert app.screen.focused is not None and app.screen.focused.id == "confirm-cancel"
        await pilot.press("y")
        await settle(app, pilot)
        assert not sim.is_active("password", target)
        assert model(app).status_of(target) == "deactivated"
        assert ("information", "Password successfully deactivated") in toasts


async def test_cancel_with_n_or_escape_sends_nothing(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        await go_to(app, pilot, writable(sim)[0])
        for key in ("n", "escape"):
            await pilot.press("d")
            assert isinstance(app.screen, ConfirmBatch)
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmBatch)
    assert posts(sim) == []


async def test_a_held_key_cannot_confirm_the_dialog(sim: Simulator) -> None:
    clock = ManualClock()
    app = make_app(sim, arming_delay=0.35, monotonic=clock)
    async with running(app) as pilot:
        await go_to(app, pilot, writable(sim)[0])
        await pilot.press("d", "y", "y", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmBatch), "keys right after opening are ignored"
        clock.advance(0.3)
        await pilot.press("y")
        assert isinstance(app.screen, ConfirmBatch), "still within the arming delay"
        clock.advance(0.1)
        await pilot.press("y")
        await settle(app, pilot)
    assert len(posts(sim)) == 1


async def test_many_items_need_the_count_typed(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        await pilot.press("asterisk", "d")
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch) and dialog.typed
        count = len(dialog.plan.refs)
        assert count > 10
        assert dialog.plan.refused, "read-only items are called out and left out"
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmBatch), "y alone is not enough above 10"
        await pilot.press(*str(count + 1), "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmBatch), "a wrong count does not confirm"
        await pilot.press(*str(count), "enter", "enter")
        await settle(app, pilot)
    assert len(posts(sim)) == count
    refused = {ref.identifier for ref in dialog.plan.refused}
    assert all(sim.is_active("password", key) for key in refused)
    assert not any(path.endswith(f"/{key}") for key in refused for path in posts(sim))


async def test_stop_during_a_batch_reports_the_rest_as_not_attempted() -> None:
    sim = Simulator(SimulatorConfig(passwords=60, api_secrets=0))
    app = make_app(sim, concurrency=2)
    toasts = spy_toasts(app)
    async with running(app) as pilot:
        sim.faults.latency = 0.25  # 48 items, 2 at a time: about 6 s if not stopped
        await pilot.press("asterisk", "d")
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch)
        await pilot.press(*str(len(dialog.plan.refs)), "enter", "enter")
        await wait_until(
            pilot, lambda: app.session.running is not None and app.session.running.done >= 1
        )
        await pilot.press("escape")
        await settle(app, pilot)
        batch = app.session.last_finished()
        assert batch is not None and batch.state == "stopped"
        counts = label_counts(batch)
        assert counts["deactivated"] >= 1 and counts["not attempted"] >= 1
        assert counts["deactivated"] + counts["not attempted"] == batch.total
        assert len(posts(sim)) == counts["deactivated"]
        assert any("not attempted" in text for _, text in toasts)
        # Not attempted items stay marked for the next try; those left out as not
        # editable are unmarked (nothing more can be done with them).
        assert model(app).marked_count == counts["not attempted"]


async def test_read_only_offers_no_writes_and_sends_none(sim: Simulator) -> None:
    app = make_app(sim, read_only=True)
    async with running(app) as pilot:
        assert "READ-ONLY" in str(app.main.query_one("#context-bar").render())
        await pilot.press("space", "d", "u", "x")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmBatch)
        assert app.main.check_action("deactivate", ()) is None
    assert posts(sim) == []


async def test_undo_reactivates_exactly_what_the_batch_changed(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        a, b, c = writable(sim)[:3]
        sim.set_active("password", c, False)  # already inactive before the batch
        for key in (a, b, c):
            await go_to(app, pilot, key)
            await pilot.press("space")
        await pilot.press("d", "y")
        await settle(app, pilot)
        assert model(app).status_of(c) == "already inactive"
        await pilot.press("u")
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch)
        assert [r.identifier for r in dialog.plan.refs] == [a, b]
        await pilot.press("y")
        await settle(app, pilot)
    assert sim.is_active("password", a) and sim.is_active("password", b)
    assert not sim.is_active("password", c)


async def test_failed_items_can_be_retried_and_re_marked(sim: Simulator) -> None:
    app = make_app(sim, retry=NO_RETRY)
    toasts = spy_toasts(app)
    async with running(app) as pilot:
        keys = writable(sim)[:3]
        for key in keys:
            await go_to(app, pilot, key)
            await pilot.press("space")
        sim.inject("503")  # Kong never reached the server; not retried here: it fails
        await pilot.press("d", "y")
        await settle(app, pilot)
        batch = app.session.last_finished()
        assert batch is not None and len(batch.failed_refs()) == 1
        failed = batch.failed_refs()[0].identifier
        assert model(app).status_of(failed) == "failed"
        assert "x retries failed" in toasts.texts()
        await pilot.press("m")
        assert model(app).marked_keys == [failed]
        await pilot.press("x", "y")
        await settle(app, pilot)
    assert all(not sim.is_active("password", key) for key in keys)


# -- errors ---------------------------------------------------------------------------


async def test_errors_become_toasts_log_lines_and_history(sim: Simulator) -> None:
    app = make_app(sim, read_timeout=0.3)
    toasts = spy_toasts(app)
    async with running(app) as pilot:
        gone, refused, flaky, slow = writable(sim)[:4]
        sim.delete("password", gone)  # deleted on the server after listing
        sim.get("password", refused).can_write = False  # permission changed after listing
        for key, expected in (
            (gone, "1005: Password not found"),
            (refused, "1006: User does not have access"),
        ):
            await go_to(app, pilot, key)
            await pilot.press("d", "y")
            await settle(app, pilot)
            assert any(sev == "error" and expected in text for sev, text in toasts), toasts
        await go_to(app, pilot, flaky)
        sim.inject("502", "502", "502")
        await pilot.press("d", "y")
        await settle(app, pilot)
        assert "An invalid response was received from the upstream server" in toasts.texts()
        # Three 502s: the gateway may have passed the request on; it is in doubt,
        # and is offered again (x, R) rather than reported as failed.
        assert model(app).status_of(flaky) == "in doubt"
        sim.faults.hang = 1.0  # longer than the client's 0.3 s read timeout
        await go_to(app, pilot, slow)
        sim.inject("hang", "hang", "hang")
        await pilot.press("d", "y")
        await settle(app, pilot)
        assert "Timed out" in toasts.texts()
        assert len(app.errors) == 4
        await pilot.press("e")
        await pilot.pause()
        history = str(app.screen.query_one("#errors-body Static").render())
        assert "1006: User does not have access" in history and "request" in history
        await pilot.press("escape")
        await pilot.press("l")
        log = app.main.query_one("#log", LogPanel)
        assert log.display and any("1005: Password not found" in line for line in log.all_lines())


async def test_authentication_failure_is_a_clear_message_not_a_crash(sim: Simulator) -> None:
    app = make_app(sim, secret="wrong-secret")
    toasts = spy_toasts(app)
    async with running(app) as pilot:
        assert any("Client authentication failed" in text for _, text in toasts)
        assert "wrong-secret" not in toasts.texts()
        await pilot.press("r", "2", "1")
        await settle(app, pilot)
        assert app.is_running


async def test_a_batch_with_faults_ends_with_every_item_known() -> None:
    from tui.simulator import FaultConfig

    sim = Simulator(SimulatorConfig(passwords=80, api_secrets=0))
    app = make_app(sim, concurrency=4)
    async with running(app) as pilot:
        faults = FaultConfig(error_rate=0.2, drop_rate=0.1, seed=3)
        sim.config.faults = faults
        sim.injector.config = faults
        sim.injector.reseed(3)
        await pilot.press("asterisk", "d")
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch)
        await pilot.press(*str(len(dialog.plan.refs)), "enter", "enter")
        await settle(app, pilot)
        batch = app.session.last_finished()
        assert batch is not None and batch.done == batch.total
        for outcome in batch.outcomes.values():
            label = model(app).status_of(outcome.ref.identifier)
            assert label is not None
            if label.startswith("deactivated") or label == "already inactive":
                assert not sim.is_active("password", outcome.ref.identifier)
        assert app.is_running


async def test_quit_asks_first_while_a_batch_runs() -> None:
    sim = Simulator(SimulatorConfig(passwords=30, api_secrets=0))
    app = make_app(sim, concurrency=1)
    async with running(app) as pilot:
        sim.faults.latency = 0.25
        await pilot.press("asterisk", "d")
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch)
        await pilot.press(*str(len(dialog.plan.refs)), "enter", "enter")
        await wait_until(pilot, lambda: app.session.running is not None)
        await pilot.press("q")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmQuit"
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running
        await pilot.press("escape")
        await settle(app, pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_help_lists_every_key(sim: Simulator, size: tuple[int, int]) -> None:
    app = make_app(sim)
    async with running(app, size) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = help_text(app.screen)
        for key in ("/", "space", "*", "d", "u", "x", "m", "r", "f", "q", "?", "l", "e", "ctrl+p"):
            assert f"  {key} " in text, key
        # The filter's language too, as list --help has it (one source: tui.ops.filtering).
        assert "Filter language (/)" in text
        for form in ("a|b", "!x", "#42", "tag:x", "user:x", "code:x"):
            assert form in text, form


def help_text(screen: HelpScreen) -> str:
    console = Console(file=io.StringIO(), width=120, color_system=None)
    console.print(screen.grid)
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]


async def test_server_side_filters_ask_the_server(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        total = model(app).row_count
        await pilot.press("f")
        await pilot.pause()
        assert type(app.screen).__name__ == "ServerFilterDialog"
        await pilot.press(*"database", "enter")
        await settle(app, pilot)
        assert 0 < model(app).row_count < total
        assert "server: tag=database" in status_line(app)
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#sf-clear", Button).press()
        await settle(app, pilot)
        assert model(app).row_count == total


async def test_the_command_palette_offers_every_action_with_its_key(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app):
        titles = {command.title for command in app.get_system_commands(app.main)}
    for title in (
        "Filter · /",
        "Mark · space",
        "Mark all · *",
        "Deactivate · d",
        "Undo · u",
        "Retry failed · x",
        "Re-mark failed · m",
        "Refresh · r",
        "Server filter · f",
        "Passwords · 1",
        "API secrets · 2",
        "Sort · s",
        "Copy ID · c",
        "Fetch item · v",
        "Log · l",
        "Errors · e",
        "Keys · ?",
    ):
        assert title in titles, title


@pytest.mark.parametrize(("size", "expected"), [((80, 24), "-narrow"), ((120, 40), "-wide")])
async def test_the_width_class_is_set_before_the_first_frame(
    sim: Simulator,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
    expected: str,
) -> None:
    """The main screen has its width class when it mounts, so the first frame is laid
    out for the terminal's width and Textual's first resize restyles nothing."""
    at_mount: list[set[str]] = []
    restyled: list[int] = []
    original_mount, original_update = MainScreen.on_mount, MainScreen.update_node_styles

    def on_mount(self: MainScreen) -> None:
        at_mount.append(set(self.classes))
        original_mount(self)

    def update_node_styles(self: MainScreen, animate: bool = True) -> None:
        restyled.append(len(at_mount))
        original_update(self, animate)

    monkeypatch.setattr(MainScreen, "on_mount", on_mount)
    monkeypatch.setattr(MainScreen, "update_node_styles", update_node_styles)
    app = make_app(sim)
    async with running(app, size=size):
        assert at_mount == [{expected}]
        assert app.main.has_class(expected)
        # Once mounted, the screen is restyled once, as every screen is when it is
        # shown (Textual's screen resume); not a second time for its width class.
        assert restyled.count(1) == 1


async def test_the_api_secrets_come_after_the_first_frame_or_when_asked_for(
    sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The API secrets' table and pane are not in the first frame (they are not on
    show); asked for before they were mounted, they are mounted then, with the rows
    their model already holds, and take the focus."""
    mounted_at_start: list[bool] = []
    original_mount = MainScreen.on_mount

    def on_mount(self: MainScreen) -> None:
        original_mount(self)
        mounted_at_start.append(self.table(Kind.API_SECRET).is_mounted)

    async def not_yet(self: MainScreen) -> None:
        """The mount after the first frame has not come yet."""

    monkeypatch.setattr(MainScreen, "on_mount", on_mount)
    monkeypatch.setattr(MainScreen, "_mount_the_rest", not_yet)
    app = make_app(sim)
    async with running(app) as pilot:
        assert mounted_at_start == [False]
        assert not app.main.table(Kind.API_SECRET).is_mounted
        assert app.main.model(Kind.API_SECRET).row_count > 0  # the list is in, not drawn
        await pilot.press("2")
        await settle(app, pilot)
        table_ = app.main.table(Kind.API_SECRET)
        assert table_.is_mounted and app.focused is table_
        first = app.main.model(Kind.API_SECRET).item(app.main.model(Kind.API_SECRET).cursor_key)
        assert first is not None
        assert first.name in app.main.detail(Kind.API_SECRET).text()
        assert first.name in "\n".join(
            line.text for line in table_.render_lines(table_.size.region)
        )


async def test_the_api_secrets_are_mounted_after_the_first_frame(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app):
        assert app.main.table(Kind.API_SECRET).is_mounted
        assert app.main.detail(Kind.API_SECRET).is_mounted
        assert app.main.query_one("#table-api_secret") is app.main.table(Kind.API_SECRET)
