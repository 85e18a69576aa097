"""The thin-link mode: when it turns on, and what it changes (issue 11, item 3).

Bytes themselves are measured by ``tests/benchmarks/bench_bandwidth.py``; these
tests check the settings and the repaint decisions that make the bytes smaller.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input

from tui import __main__ as entry
from tui.api import Action, ItemRef, Kind
from tui.console.app import MySafeApp
from tui.console.dialogs import ConfirmBatch
from tui.console.models import TableModel
from tui.console.screens.main.outcome_feed import OutcomeFeed
from tui.console.terminal.driver import LeanLinuxDriver
from tui.console.terminal.link_mode import LinkMode, decide, limit_colours, terminal_colours
from tui.console.widgets import Column, DetailPane, ItemTable, LogPanel, Row
from tui.console.widgets.context_bar import ContextBar
from tui.console.widgets.table_scroll import view_top
from tui.ops import BatchPlan
from tui.settings.launch import LaunchOptions
from tui.settings.paths import stylesheets
from tui.simulator import Simulator, SimulatorConfig

from support.console import idle, make_app, record_progress, wait_until

SLOW = LinkMode(True, "asked for (--slow-link or the profile)")

# -- when the mode is on ------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, "truecolor"),
        ({"TERM": "xterm-256color", "COLORTERM": "24bit"}, "truecolor"),
        ({"TERM": "xterm-256color"}, "256"),
        ({"TERM": "xterm-kitty"}, "256"),
        ({"TERM": "screen-16color"}, "standard"),
        ({"TERM": "xterm"}, "standard"),
        ({"TERM": "vt100", "COLORTERM": "truecolor"}, "truecolor"),
        ({"TERM": "dumb", "COLORTERM": "truecolor"}, None),
    ],
)
def test_the_colour_rule_is_textuals_own(
    environ: dict[str, str], expected: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rule in tui/console/terminal/link_mode.py gives what Textual's console detects."""
    from textual import constants

    if constants.COLOR_SYSTEM != "auto":
        pytest.skip("TEXTUAL_COLOR_SYSTEM was set when Textual was imported")
    for name in ("TERM", "COLORTERM", "TEXTUAL_COLOR_SYSTEM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert terminal_colours(os.environ) == expected
    assert App[None]().console.color_system == expected


def test_the_mode_follows_the_flag_then_the_terminal() -> None:
    truecolor = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}
    few = {"TERM": "xterm-256color"}
    assert not decide(None, truecolor).slow
    assert decide(None, few).slow and "256 colours" in decide(None, few).why
    assert decide(None, {"TERM": "xterm"}).slow
    assert decide(None, {"TEXTUAL_COLOR_SYSTEM": "256", **truecolor}).slow
    assert decide(True, truecolor).slow
    assert not decide(False, few).slow  # --no-slow-link, or slow_link = false


def test_the_mode_lowers_truecolour_before_textual_starts() -> None:
    environ = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}
    limit_colours(decide(None, environ), environ)
    assert "TEXTUAL_COLOR_SYSTEM" not in environ
    limit_colours(decide(True, environ), environ)
    assert environ["TEXTUAL_COLOR_SYSTEM"] == "256"
    assert terminal_colours(environ) == "256"


class Launched(Exception):
    """Raised by the stand-in for build_app: the console would start here."""


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What ``mysafe-tui`` would start the console with (nothing is drawn)."""
    seen: dict[str, Any] = {}

    def build_app(options: LaunchOptions, *, link: LinkMode, triage: object = None) -> None:
        seen.update(options=options, link=link, colours=os.environ.get("TEXTUAL_COLOR_SYSTEM"))
        raise Launched

    monkeypatch.setattr("tui.console.factory.build_app", build_app)
    monkeypatch.setattr("tui.console.applog.open_app_log", lambda *args, **kwargs: None)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("TEXTUAL_COLOR_SYSTEM", raising=False)
    return seen


def start(arguments: list[str]) -> None:
    with pytest.raises(Launched):
        entry.main(arguments)


def test_the_console_flag_turns_the_mode_on_and_lowers_the_colours(
    launched: dict[str, Any],
) -> None:
    start(["--demo"])
    assert not launched["link"].slow and launched["colours"] is None
    start(["--demo", "--slow-link"])
    assert launched["link"].slow and launched["colours"] == "256"


def test_a_few_colour_terminal_turns_the_mode_on_unless_told_not_to(
    launched: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLORTERM")
    start(["--demo"])
    assert launched["link"].slow and "256 colours" in launched["link"].why
    start(["--demo", "--no-slow-link"])
    assert not launched["link"].slow


PROFILE = """
[profiles.branch]
url = "https://vault.example.com"
client_id = "branch-id"
slow_link = {value}
"""


def config(text: str) -> Path:
    folder = Path(os.environ["XDG_CONFIG_HOME"]) / "mysafe-tui"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text)
    return folder / "config.toml"


def test_the_profile_key_turns_the_mode_on_and_the_flag_overrides_it(
    launched: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MYSAFE_CLIENT_SECRET", "s3cret")
    config(PROFILE.format(value="true"))
    start([])
    assert launched["link"].slow and launched["colours"] == "256"
    start(["--no-slow-link"])
    assert not launched["link"].slow
    config(PROFILE.format(value="false"))
    monkeypatch.delenv("COLORTERM")  # few colours, but the profile says no
    start([])
    assert not launched["link"].slow


def test_a_bad_profile_key_is_one_line_and_exit_code_2(
    launched: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(PROFILE.format(value='"sometimes"'))
    assert entry.main([]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and str(path) in error and "slow_link" in error


# -- what the mode changes in the console ------------------------------------------


def slow_app(sim: Simulator, **kwargs: Any) -> MySafeApp:
    return make_app(sim, link=SLOW, **kwargs)


async def test_the_header_says_so_and_nothing_animates(sim: Simulator) -> None:
    app = slow_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(app)
        await pilot.pause()
        assert "SLOW LINK" in str(app.main.query_one(ContextBar).content)
        assert app.animation_level == "none"
        assert all(table.jump_scroll for table in app.main.query(ItemTable))
        assert all(pane.follow_settle > 0 for pane in app.main.query(DetailPane))
        assert app.main.batches.feed.every == OutcomeFeed.SLOW_LINK_EVERY
        assert app.driver_class is LeanLinuxDriver  # (a test's driver is Textual's headless one)
        log = app.main.query_one(LogPanel).all_lines()
        assert any("Slow-link mode: asked for" in line for line in log)
    plain = make_app(sim)
    async with plain.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "SLOW LINK" not in str(plain.main.query_one(ContextBar).content)
        assert plain.animation_level != "none"
        assert not any(table.jump_scroll for table in plain.main.query(ItemTable))
        assert plain.driver_class is not LeanLinuxDriver


async def blinking(sim: Simulator, link: LinkMode | None) -> list[bool]:
    """Whether each input of the confirmation blinks once it has the focus."""
    refs = [ItemRef(Kind.PASSWORD, str(i), f"item {i}") for i in range(1, 21)]
    app = make_app(sim, link=link)
    blinks = []
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(app)
        app.push_screen(ConfirmBatch(BatchPlan(Action.DEACTIVATE, refs), arming_delay=0))
        await pilot.pause()
        for name in ("#confirm-reason", "#confirm-count"):
            field = app.screen.query_one(name, Input)
            field.focus()
            await wait_until(pilot, lambda: app.focused is field)  # noqa: B023
            await pilot.pause()
            blinks.append(field.cursor_blink)
    return blinks


async def test_no_input_blinks_in_the_mode(sim: Simulator) -> None:
    assert await blinking(sim, SLOW) == [False, False]
    assert await blinking(sim, None) == [True, True]


# -- jump scrolling -----------------------------------------------------------------


def test_the_view_turns_a_page_less_two_lines() -> None:
    # 20 rows show, of 1 000: off the bottom the view moves 18 (the two rows the
    # cursor left stay in sight above it, as in less), off the top 18 back.
    assert view_top(20, 0, 20, 1000, jump=True) == 18
    assert view_top(20, 0, 20, 1000, jump=False) == 1
    assert view_top(19, 0, 20, 1000, jump=True) is None  # still shown: no move
    assert view_top(59, 40, 20, 1000, jump=True) is None
    assert view_top(39, 40, 20, 1000, jump=True) == 22
    assert view_top(39, 40, 20, 1000, jump=False) == 39
    # A page down moves as far as it must; never past the end or the start.
    assert view_top(100, 0, 20, 1000, jump=True) == 81
    assert view_top(995, 980, 20, 1000, jump=True) is None
    assert view_top(999, 975, 20, 1000, jump=True) == 980
    assert view_top(3, 8, 20, 1000, jump=True) == 0
    # A view of two lines or fewer still moves a line at least.
    assert view_top(2, 0, 2, 1000, jump=True) == 1


class OneTable(App[None]):
    CSS_PATH = stylesheets()  # type: ignore[assignment]

    def __init__(self, jump: bool) -> None:
        super().__init__()
        self.jump = jump

    def compose(self) -> ComposeResult:
        columns = [Column("id", "ID", width=6), Column("name", "Name", flex=True)]
        yield ItemTable(TableModel(), columns, id="t", jump_scroll=self.jump)

    def on_mount(self) -> None:
        table = self.query_one(ItemTable)
        table.model.set_rows([Row(str(i), (str(i), f"item {i}")) for i in range(1000)])
        table.focus()


@pytest.mark.parametrize("jump", [True, False])
async def test_j_past_the_last_row_shown_turns_a_page_less_two_lines(jump: bool) -> None:
    app = OneTable(jump)
    async with app.run_test(size=(60, 21)) as pilot:
        await pilot.pause()
        table = app.query_one(ItemTable)
        shown = table.scrollable_content_region.height - 1  # rows under the header
        step = shown - 2
        await pilot.press(*["j"] * (shown - 1))
        assert table.scroll_offset.y == 0
        await pilot.press("j")  # off the bottom
        await pilot.pause()
        assert table.model.cursor_key == str(shown)
        assert table.scroll_offset.y == (step if jump else 1)
        await pilot.press(*["j"] * (step - 1))
        await pilot.pause()
        assert table.scroll_offset.y == step  # jumped there at once, or crept there
        await pilot.press(*["k"] * shown)  # back off the top
        await pilot.pause()
        assert table.model.cursor_key == str(step - 1)
        assert table.scroll_offset.y == (0 if jump else step - 1)


# -- the batch progress in the mode -------------------------------------------------


async def test_the_batch_progress_repaints_at_most_twice_a_second() -> None:
    sim = Simulator(SimulatorConfig(seed=5, passwords=400, api_secrets=1))
    sim.faults.latency = 0.01  # 400 items, 4 at a time: about a second of batch
    app = slow_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(app)
        await pilot.pause()
        assert app.main.batches.feed.every == OutcomeFeed.SLOW_LINK_EVERY
        assert app.driver_class is LeanLinuxDriver  # (a test's driver is Textual's headless one)
        shown = record_progress(app)
        await pilot.press("asterisk", "d")
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch)
        total = len(dialog.plan.refs)
        began = time.monotonic()
        await pilot.press(*str(total), "enter", "enter")
        await idle(app)
        elapsed = time.monotonic() - began
        run = app.session.last_finished()
        assert run is not None and run.done == total
    # One repaint per half second at most, plus the first and the last.
    assert 0 < len(shown) <= elapsed / OutcomeFeed.SLOW_LINK_EVERY + 2
