"""The detail pane repaints the cells whose text changed, nothing else (issue 11).

A cursor move changes the values of the pane, not its labels: repainting whole
lines cost about 2.4 KB per move at 120x40, most of a cursor move's bytes.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.geometry import Region

from tui.api import ItemSummary, Kind
from tui.console.widgets import DetailPane
from tui.console.widgets.detail_pane import DetailLabels, DetailValues
from tui.console.widgets.detail_rows import changed_cells
from tui.settings.paths import stylesheets


def test_the_changed_cells_run_from_the_first_difference_to_the_longer_end() -> None:
    assert changed_cells("Name  abc", "Name  abc") is None
    assert changed_cells("Name  abc", "Name  abd") == (8, 9)
    assert changed_cells("Name  abc", "Name  a") == (7, 9)
    assert changed_cells("", "Name") == (0, 4)
    assert changed_cells("Name  東京 a", "Name  東京 b") == (11, 12)  # wide cells counted


class Pane(App[None]):
    CSS_PATH = stylesheets()  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        yield DetailPane(id="pane")


def item(identifier: str, name: str) -> ItemSummary:
    return ItemSummary(
        kind=Kind.PASSWORD, identifier=identifier, name=name, username="ops", url="https://x"
    )


async def test_the_detail_pane_repaints_only_the_changed_cells(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = Pane()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(DetailPane)
        pane.show_summary(item("1", "GitHub prod admin"))
        await pilot.pause()
        regions: list[Region] = []
        labels: list[Region] = []
        values, original = pane.values, pane.values.refresh

        def spy(*changed: Region, **kwargs: Any) -> DetailValues:
            regions.extend(changed)
            return original(*changed, **kwargs)

        def labels_spy(*changed: Region, **kwargs: Any) -> DetailLabels:
            labels.extend(changed)
            return pane.labels

        monkeypatch.setattr(values, "refresh", spy)
        monkeypatch.setattr(pane.labels, "refresh", labels_spy)
        pane.show_summary(item("1", "GitHub prod admin"))
        await pilot.pause()
        assert regions == []  # the same text: nothing repainted
        pane.show_summary(item("2", "GitHub prod service"))
        await pilot.pause()
        # Two values changed (Identifier, Name); each from its first changed cell on,
        # in the values' own column: the labels are not repainted at all.
        assert [(r.y, r.x) for r in regions] == [(0, 0), (1, len("GitHub prod "))]
        assert regions[1].width == len("service")
        assert labels == []
        assert "GitHub prod service" in pane.text()


class Settling(App[None]):
    CSS_PATH = stylesheets()  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        yield DetailPane(id="pane", follow_settle=DetailPane.SLOW_LINK_SETTLE)


async def test_in_the_thin_link_mode_the_pane_follows_the_row_the_moves_end_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A held key moves many rows a second: the pane shows the first at once, then
    only the row the moves end on, once they settle (the timer's call is made by
    hand here: no test waits for a clock)."""
    app = Settling()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(DetailPane)
        shown: list[str] = []
        original = pane.show_item

        def spy(summary: ItemSummary | None, any_items: bool, *reached: Any) -> None:
            shown.append(summary.identifier if summary else "-")
            original(summary, any_items, *reached)

        monkeypatch.setattr(pane, "show_item", spy)
        pane.follow(item("1", "first"), True)
        for number in range(2, 10):
            pane.follow(item(str(number), f"row {number}"), True)
        await pilot.pause()
        assert shown == ["1"] and "first" in pane.text()
        pane.settle()  # what the settle timer does once the moves stop
        await pilot.pause()
        assert shown == ["1", "9"] and "row 9" in pane.text()
        pane.settle()  # nothing new held: nothing repainted
        assert shown == ["1", "9"]
        # A fetched item shown meanwhile is newer than a row held back.
        pane.follow(item("10", "ten"), True)
        pane.follow(item("11", "eleven"), True)
        pane.show_nothing("Fetching…")
        pane.settle()
        assert "Fetching" in pane.text()


async def test_after_a_scrollbar_goes_the_next_move_still_repaints_only_the_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Text longer than the pane brings a scrollbar; the next, shorter item takes
    it away. The values are wrapped at the width they will have, not the one the
    scrollbar leaves now: else the move after is a full repaint (the first cursor
    move after start-up cost 4.6 KB instead of 1 KB)."""
    app = Pane()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(DetailPane)
        pane.show_nothing("a long message " * 200)
        await pilot.pause()
        pane.show_summary(item("1", "GitHub prod admin"))
        await pilot.pause()
        assert pane.values.virtual_size.width == pane.values.scrollable_content_region.width
        calls: list[tuple[Region, ...]] = []
        values, original = pane.values, pane.values.refresh

        def spy(*changed: Region, **kwargs: Any) -> DetailValues:
            calls.append(changed)
            return original(*changed, **kwargs)

        monkeypatch.setattr(values, "refresh", spy)
        pane.show_summary(item("2", "GitHub prod admin"))
        await pilot.pause()
        assert calls == [(Region(0, 0, 1, 1),)]  # the identifier's cell, nothing more


async def test_the_wheel_over_the_labels_scrolls_the_pane() -> None:
    app = Pane()
    async with app.run_test(size=(40, 8)) as pilot:
        pane = app.query_one(DetailPane)
        pane.show_summary(item("1", "GitHub prod admin"))
        await pilot.pause()
        labels = pane.labels

        def wheel(event: type[events.MouseScrollDown | events.MouseScrollUp]) -> None:
            labels.post_message(event(labels, 1, 1, 0, 1, 0, False, False, False))

        wheel(events.MouseScrollDown)
        await pilot.pause()
        assert pane.values.scroll_offset.y == 1
        assert labels.render_line(0).text.startswith("Name ")
        wheel(events.MouseScrollUp)
        await pilot.pause()
        assert pane.values.scroll_offset.y == 0


async def test_a_wrapped_value_keeps_its_lines_so_the_labels_stay_put(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A name that wraps takes two lines; the next, shorter one keeps them (a blank
    line under it), so no label moves from row to row (issue 23: each label pushed
    down and back up was repainted, with every value under it)."""
    app = Pane()
    async with app.run_test(size=(40, 24)) as pilot:
        pane = app.query_one(DetailPane)
        pane.show_summary(item("1", "GitHub prod admin " * 3))  # wraps
        await pilot.pause()
        wrapped = [pane.labels.render_line(y).text.strip() for y in range(8)]
        labels: list[Region] = []

        def labels_spy(*changed: Region, **kwargs: Any) -> DetailLabels:
            labels.extend(changed)
            return pane.labels

        monkeypatch.setattr(pane.labels, "refresh", labels_spy)
        pane.show_summary(item("2", "GitHub"))
        await pilot.pause()
        assert labels == []
        assert [pane.labels.render_line(y).text.strip() for y in range(8)] == wrapped
        assert wrapped[:3] == ["ID", "Name", ""]
        assert "GitHub" in pane.text()
