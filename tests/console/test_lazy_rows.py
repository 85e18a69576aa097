"""Rows built from items on demand (``TableModel.set_source``): the screenful first,
every other row after the first frame, and everything that needs all the rows
(filter, sort, marks, counts) right at once, before they are built."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.strip import Strip

from tui.console.models import TableModel
from tui.console.widgets import Column, ItemTable, Row
from tui.console.widgets.item_table import WIDTH_SAMPLE
from tui.settings.paths import stylesheets

COLUMNS = [Column("id", "ID", width=6), Column("name", "Name", flex=True), Column("tag", "Tag")]
COUNT = 100_000

Item = tuple[int, str, str]


def items(count: int) -> list[Item]:
    return [(i, f"item {i:06d}", "prod" if i % 2 else "dev") for i in range(count)]


class Recording(ItemTable):
    """Says, in order, when a row of the table is drawn and when a row is built."""

    events: list[str]

    def render_line(self, y: int) -> Strip:
        if y >= 1:
            self.events.append("drawn")
        return super().render_line(y)

    def make_row(self, item: Item) -> Row:
        self.events.append("built")
        number, name, tag = item
        return Row(str(number), (str(number), name, tag))


class TableApp(App[None]):
    CSS_PATH = stylesheets()  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        table = Recording(TableModel(), COLUMNS, id="t")
        table.events = []
        yield table

    def load(self, source: list[Item]) -> Recording:
        table = self.query_one(Recording)
        table.events.clear()
        table.model.set_source([str(item[0]) for item in source], source, table.make_row)
        return table


async def test_the_first_frame_is_drawn_before_the_rows_off_screen_are_built() -> None:
    app = TableApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.load(items(COUNT))
        await pilot.pause()  # the first frame, then the rest of the rows
        events = table.events
        assert "drawn" in events
        built_before_drawn = events[: events.index("drawn")].count("built")
        # The columns are sized on a sample; nothing else is built before the frame.
        assert built_before_drawn <= WIDTH_SAMPLE + 40
        assert events.count("built") >= COUNT, "every row is built after the frame"
        assert table.model.row("99999") == Row("99999", ("99999", "item 099999", "prod"))
        assert "item 000000" in table.render_line(1).text


async def test_filter_marks_counts_and_sort_right_after_the_rows_arrive() -> None:
    app = TableApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # Each step runs before any frame: the rows are not built yet when it starts.
        table = app.load(items(COUNT))
        assert (table.model.row_count, table.model.visible_count) == (COUNT, COUNT)
        assert table.model.row("77777") == Row("77777", ("77777", "item 077777", "prod"))
        table.model.toggle_mark_all_visible()
        assert table.model.marked_count == COUNT

        table = app.load(items(COUNT))  # marks of rows that remain are kept
        assert table.model.marked_count == COUNT
        table.model.clear_marks()
        table.model.set_filter("dev")
        assert table.model.visible_count == COUNT // 2
        table.model.toggle_mark_all_visible()
        assert table.model.marked_count == COUNT // 2 and table.model.hidden_marked_count == 0
        assert table.model.marked_keys == [str(i) for i in range(0, COUNT, 2)]
        table.model.set_filter("")
        assert table.model.hidden_marked_count == 0 and table.model.visible_count == COUNT

        table.model.clear_marks()
        table = app.load(items(COUNT))
        table.model.set_sort(1, descending=True)
        assert table.model.visible_keys()[:3] == ["99999", "99998", "99997"]
        await pilot.pause()
        assert "item 099999" in table.render_line(1).text

        # A sort kept across a reload: the new rows arrive sorted.
        table = app.load(items(COUNT))
        assert table.model.visible_keys()[:2] == ["99999", "99998"]
        table.model.set_filter("00001")  # item 000010 to 000019, and item 000001
        assert table.model.visible_keys() == [*map(str, range(19, 9, -1)), "1"]


async def test_a_row_replaced_before_the_others_are_built_stays_replaced() -> None:
    app = TableApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.load(items(1000))
        table.model.update_row("500", ("500", "renamed", "prod"))
        await pilot.pause()  # the other rows built after the frame
        assert table.model.row("500") == Row("500", ("500", "renamed", "prod"))
        table.model.set_filter("renamed")
        assert table.model.visible_keys() == ["500"]


async def test_rows_built_on_demand_are_made_safe_to_draw() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        source = [(0, "x \x1b]52;c;AAAA\x07", "dev"), *items(COUNT)[1:]]
        source[COUNT - 1] = (COUNT - 1, "y \x1b[2J", "prod")
        table = app.load(source)
        await pilot.pause()
        line = table.render_line(1).text
        assert "\x1b" not in line and "␛]52;c;AAAA␇" in line
        far = table.model.row(str(COUNT - 1))  # built after the frame, in bulk
        assert far is not None and far.cells[1] == "y ␛[2J"
