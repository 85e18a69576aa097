"""What the screen shows, pinned as SVG snapshots (fixed theme, seeded data, no clock).

Run ``pytest --snapshot-update`` only after looking at the report of the diff.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot

from tui.simulator import Simulator, SimulatorConfig

from support.console import idle, make_app

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
Snap = Callable[..., bool]


def fresh_sim() -> Simulator:
    return Simulator(SimulatorConfig(seed=1, passwords=40, api_secrets=30))


async def loaded(pilot: Pilot[None]) -> None:
    await idle(pilot.app)
    await pilot.pause()


def then(
    *steps: Callable[[Pilot[None]], Awaitable[None]],
) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        for step in steps:
            await step(pilot)
            await loaded(pilot)

    return run


def keys(*names: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def press(pilot: Pilot[None]) -> None:
        await pilot.press(*names)

    return press


@pytest.mark.parametrize("size", SIZES)
def test_main_screen(snap_compare: Snap, size: str) -> None:
    """Demo mode: the passwords table, the detail pane, the footer."""
    assert snap_compare(make_app(fresh_sim()), terminal_size=SIZES[size], run_before=then())


@pytest.mark.parametrize("size", SIZES)
def test_detail_pane_after_fetch(snap_compare: Snap, size: str) -> None:
    """v asked, y fetched the full item: secret values masked, shares listed; at
    80x24 the detail view fills the screen so all of it can be read."""
    app = make_app(fresh_sim())
    steps = then(keys("down", "v"), keys("y"))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steps)


@pytest.mark.parametrize("size", SIZES)
def test_fetch_asks_first(snap_compare: Snap, size: str) -> None:
    """v: the fetch dialog says senhasegura audits the view."""
    app = make_app(fresh_sim())
    assert snap_compare(app, terminal_size=SIZES[size], run_before=then(keys("down", "v")))


@pytest.mark.parametrize("size", SIZES)
def test_dry_run_dialog(snap_compare: Snap, size: str) -> None:
    """D: a dialog that cannot be taken for the real one (no red, "Write")."""
    app = make_app(fresh_sim())
    steps = then(keys("space", "space", "space", "D"))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steps)


@pytest.mark.parametrize("size", SIZES)
def test_read_only_refused_key(snap_compare: Snap, size: str) -> None:
    """Read-only: d is greyed in the footer and, pressed, says why in a toast."""
    app = make_app(fresh_sim(), read_only=True)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=then(keys("d")))


@pytest.mark.parametrize("size", SIZES)
def test_sorted_and_filtered_table(snap_compare: Snap, size: str) -> None:
    """s twice: sorted by name (shown in the header); a filter with an alternative."""
    app = make_app(fresh_sim())
    steps = then(keys("s", "s", "slash", *"prod|git", "enter"))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steps)


@pytest.mark.parametrize("size", SIZES)
def test_filtered_by_a_hidden_field(snap_compare: Snap, size: str) -> None:
    """tag:prod keeps rows through a field no column shows: the detail pane's first line
    says which, and with what (issue 21)."""
    app = make_app(fresh_sim())
    steps = then(keys("slash", *"tag:prod", "enter"))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steps)


@pytest.mark.parametrize("size", SIZES)
def test_first_run_screen(snap_compare: Snap, size: str) -> None:
    """Nothing configured: the first screen says it is a demo and how to connect."""
    app = make_app(fresh_sim(), first_run=True)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=then())


@pytest.mark.parametrize("size", SIZES)
def test_confirm_one(snap_compare: Snap, size: str) -> None:
    """The dialog for one item: its name, its keys, focus on Cancel."""
    app = make_app(fresh_sim())
    assert snap_compare(app, terminal_size=SIZES[size], run_before=then(keys("d")))


@pytest.mark.parametrize("size", SIZES)
def test_confirm_many_with_hidden_and_refused(snap_compare: Snap, size: str) -> None:
    """Many items: the list, how many the filter hides, who may not be edited, the typed count."""
    app = make_app(fresh_sim())
    steps = then(keys("asterisk", "slash", *"prod", "enter", "d"))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steps)


@pytest.mark.parametrize("size", SIZES)
def test_finished_mixed_batch_with_log(snap_compare: Snap, size: str) -> None:
    """A batch with every kind of outcome, its summary toast and the log panel open."""
    sim = fresh_sim()
    app = make_app(sim)

    async def mark_and_go(pilot: Pilot[None]) -> None:
        table = app.main.table()
        keys_shown = table.model.visible_keys()[:7]
        for key in keys_shown:
            table.model.move_cursor_to(key)
            await pilot.press("space")
        # What changed on the server since the list was read:
        writable = [k for k in keys_shown if sim.get("password", k).can_write]
        refused, gone, inactive, broken = writable[1:5]
        sim.get("password", refused).can_write = False  # 1006
        sim.delete("password", gone)  # 1005
        sim.set_active("password", inactive, False)  # already inactive
        table.model.move_cursor_to(keys_shown[0])
        await pilot.press("d")
        # Applied, its answer a 500; the retry finds it already so: uncertain.
        sim.inject(*(["500-applied"] if broken else []))
        await pilot.press("y")

    steps = then(mark_and_go, keys("l"))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steps)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare: Snap, size: str) -> None:
    """? lists every key."""
    app = make_app(fresh_sim())
    assert snap_compare(app, terminal_size=SIZES[size], run_before=then(keys("question_mark")))


@pytest.mark.parametrize("size", SIZES)
def test_demo_without_colour(
    snap_compare: Snap, monkeypatch: pytest.MonkeyPatch, size: str
) -> None:
    """NO_COLOR: marks, cursor and results still readable (glyphs and words, not colour)."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(fresh_sim())
    steps = then(keys("space", "space", "down"))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steps)


async def triage_on_sample(pilot: Pilot[None]) -> None:
    """The demo's sample report opened, its values compared: what the findings view
    shows (its worker waits on the view, so this waits on the screen, not on idle)."""
    from tui.console.dialogs import ConfirmValues
    from tui.console.screens.triage import TriageScreen

    app = pilot.app

    async def until(condition: Callable[[], bool]) -> None:
        for _ in range(2000):
            if condition():
                return
            await pilot.pause(0.01)
        raise AssertionError("the condition never held")

    await until(lambda: isinstance(app.screen, ConfirmValues))
    await pilot.press("y")

    def compared() -> bool:
        screen = app.screen
        result = screen.state.result if isinstance(screen, TriageScreen) else None
        return result is not None and result.fetches_done > 0

    await until(compared)
    app.clear_notifications()  # the toast would cover the rows it speaks of
    # Three frames, not one: in one clean-clone run the picture came out the same
    # to the eye but not to the byte (the SVG's id is a hash of every segment, its
    # mouse metadata included), as if taken while a widget was still redrawn.
    for _ in range(3):
        await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_findings_view(snap_compare: Snap, size: str) -> None:
    """mysafe-tui triage --demo --sample: each finding with the items that hold its
    value (marked), how they matched, and the unmatched finding apart."""
    app = make_app(fresh_sim())
    app.triage_on_start = "sample"
    assert snap_compare(app, terminal_size=SIZES[size], run_before=triage_on_sample)
