"""The virtual table on its own: repaints, filter, marks, literal text, 100 000 rows."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.strip import Strip

from tui.console.models import TableModel
from tui.console.widgets import Column, ItemTable, Row
from tui.settings.paths import stylesheets

COLUMNS = [Column("id", "ID", width=6), Column("name", "Name", flex=True), Column("tag", "Tag")]


class CountingTable(ItemTable):
    rendered: list[int]

    def render_line(self, y: int) -> Strip:
        self.rendered.append(y)
        return super().render_line(y)


class TableApp(App[None]):
    CSS_PATH = stylesheets()  # type: ignore[assignment]

    def __init__(self, rows: list[Row]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = CountingTable(TableModel(), COLUMNS, id="t")
        table.rendered = []
        yield table

    def on_mount(self) -> None:
        self.query_one(CountingTable).model.set_rows(self.rows)
        self.query_one(CountingTable).focus()


def rows(count: int) -> list[Row]:
    return [Row(str(i), (str(i), f"item {i}", "prod" if i % 2 else "dev")) for i in range(count)]


async def test_a_cursor_move_repaints_two_lines_not_the_screen() -> None:
    app = TableApp(rows(1000))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.query_one(CountingTable)
        table.rendered.clear()
        await pilot.press("down")
        await pilot.pause()
        assert sorted(set(table.rendered)) == [1, 2], table.rendered
        assert table.model.cursor_key == "1"


async def test_filter_marks_and_hidden_marks_on_100k_rows() -> None:
    app = TableApp(rows(100_000))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.query_one(CountingTable)
        assert table.model.row_count == 100_000
        table.model.toggle_mark("3")
        table.model.set_filter("dev")
        assert table.model.visible_count == 50_000
        assert table.model.hidden_marked_count == 1
        table.model.toggle_mark_all_visible()
        assert table.model.marked_count == 50_001
        table.model.toggle_mark_all_visible()
        assert table.model.marked_keys == ["3"]
        table.model.set_filter("item 99999")
        assert table.model.visible_keys() == ["99999"]


async def test_text_is_literal_and_the_empty_state_quotes_the_filter() -> None:
    app = TableApp([Row("1", ("1", "[bold]x[/] \x1b]52;c;AAAA\x07", "t"))])
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(CountingTable)
        line = table.render_line(1).text
        assert "[bold]x[/]" in line and "\x1b" not in line and "␛]52;c;AAAA␇" in line
        table.model.set_filter("[red]nothing")
        await pilot.pause()
        assert "No items match the filter '[red]nothing'" in table.render_line(1).text
