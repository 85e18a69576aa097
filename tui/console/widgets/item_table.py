"""A virtual table on Textual's line API, for safes of 100 000 items.

Textual's DataTable builds every row up front (about 13 s for 100 000 rows here)
and removes rows one by one. This table keeps the rows as plain tuples, renders
only the lines on screen, filters by swapping a list of row indices, and on a
cursor move repaints the two lines that changed, nothing else.

Every cell is server text: it passes through ``safe_text`` and is drawn as
Segments, so markup is never parsed and no control sequence reaches the terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.console.widgets.table_columns import Column, Row, fit, fit_widths
from tui.console.widgets.table_data import T, TableData
from tui.console.widgets.table_lines import NO_MARK, empty_text, header_text, hidden_labels
from tui.console.widgets.table_scroll import view_top

__all__ = ["Column", "ItemTable", "Row"]

MARK_GLYPH = "● "
GUTTER = 2
#: Rows sampled to size the columns (sizing on all 100 000 would cost a frame).
WIDTH_SAMPLE = 1000


class ItemTable(TableData, ScrollView, can_focus=True):
    """Rows of items with a cursor, marks, a filter and a per-row status."""

    COMPONENT_CLASSES = {
        "item-table--header",
        "item-table--cursor",
        "item-table--marked",
        "item-table--status-ok",
        "item-table--status-error",
        "item-table--empty",
    }

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, tooltip="Previous row"),
        Binding("down,j", "cursor_down", "Down", show=False, tooltip="Next row"),
        Binding("pageup", "page_up", "Page up", show=False, tooltip="A page up"),
        Binding("pagedown", "page_down", "Page down", show=False, tooltip="A page down"),
        Binding("home,g", "first", "First", show=False, tooltip="First row"),
        Binding("end,G", "last", "Last", show=False, tooltip="Last row"),
        Binding(
            "enter",
            "activate",
            "Details",
            show=False,
            tooltip="Into the detail pane (full screen on a narrow terminal); fetches nothing",
        ),
    ]

    # -- what the table tells the screen ---------------------------------------------

    class CursorMoved(Message):
        """The row under the cursor changed (key is None when nothing is shown)."""

        def __init__(self, table: ItemTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> ItemTable:
            return self.table

    class MarksChanged(Message):
        """The marks changed: how many, and how many of them the filter hides."""

        def __init__(self, table: ItemTable, marked: int, hidden: int) -> None:
            super().__init__()
            self.table = table
            self.marked = marked
            self.hidden = hidden

        @property
        def control(self) -> ItemTable:
            return self.table

    class Activated(Message):
        """enter on a row: the operator wants to read it in full."""

        def __init__(self, table: ItemTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> ItemTable:
            return self.table

    def __init__(
        self, columns: Sequence[Column], *, id: str | None = None, jump_scroll: bool = False
    ) -> None:
        super().__init__(id=id)
        #: The view moves by half a page when the cursor leaves it (table_scroll).
        self.jump_scroll = jump_scroll
        self._init_data()
        self.columns = list(columns)
        self._widths: list[int] = []
        self._shown: list[int] = []
        self._laid_out_for = -1
        self._cache: LRUCache[tuple[int, int, bool, bool], Strip] = LRUCache(1024)
        self._last_posted: str | None = None
        #: Said where the rows go while there are none yet ("Loading passwords…").
        #: Not Textual's ``loading``: that takes the focus away, and keys typed
        #: while a list loads must still reach the table.
        self.waiting_for = ""

    # -- data -----------------------------------------------------------------------

    def set_waiting(self, message: str) -> None:
        self.waiting_for = message
        self._cache.clear()
        self.refresh()

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Replace every row (marks and statuses of rows that remain are kept)."""
        cursor_key = self.cursor_key  # before the old index list stops matching
        self._store_rows(rows)
        self._rows_replaced(cursor_key)

    def set_source(
        self, keys: Sequence[str], items: Sequence[T], make_row: Callable[[T], Row]
    ) -> None:
        """``set_rows`` of ``make_row`` of each item, ``keys`` the rows' keys in order:
        the rows on screen are built first, the others after the first frame (or
        as soon as something needs them all: a sort, a filter)."""
        cursor_key = self.cursor_key
        self._store_source(keys, items, make_row)
        self._rows_replaced(cursor_key)

    def _rows_replaced(self, cursor_key: str | None) -> None:
        self.waiting_for = ""
        self._laid_out_for = -1
        self._apply_filter(keep=cursor_key)
        self._post_marks()
        # The rest of the rows and the filter's index wait for the first screen.
        self.call_after_refresh(self.filter_index)

    def update_row(self, key: str, cells: Sequence[str]) -> None:
        if self._store_row(key, cells):
            self._refresh_key(key)

    def set_status(self, key: str, label: str | None, *, ok: bool = True) -> None:
        """A short word at the end of the row: what became of the item."""
        if self._store_status(key, label, ok):
            self._laid_out_for = -1
            self._cache.clear()
            self.refresh()
        else:
            self._refresh_key(key)

    # -- filter ---------------------------------------------------------------------

    def set_filter(self, query: str) -> None:
        """Show the rows ``query`` matches (the language: ``table_query``)."""
        if query == self._filter:
            return
        self._filter = query
        self._apply_filter(keep=self.cursor_key)
        self._post_marks()

    def _apply_filter(self, keep: str | None) -> None:
        self._select(keep)
        self._cache.clear()
        self.virtual_size = Size(0, len(self._visible) + 1)  # width 0: never a horizontal bar
        self.scroll_to(y=0, animate=False, immediate=True)
        self._scroll_to_cursor()
        self.refresh()
        self._post_cursor()

    # -- sort -----------------------------------------------------------------------

    @property
    def sort_label(self) -> str:
        """The sort as the header shows it ("" for the server's order)."""
        if self.sort is None:
            return ""
        column, descending = self.sort
        return f"{self.columns[column].label} {'▼' if descending else '▲'}"

    def set_sort(self, column: int | None, descending: bool = False) -> None:
        self._sort = None if column is None else (column, descending)
        self._sort_rows()
        self._apply_filter(keep=self.cursor_key)

    def cycle_sort(self) -> None:
        """Sort by the next column shown; after the last, back to the server's order."""
        self._layout(self.scrollable_content_region.width)
        shown = self._shown or list(range(len(self.columns)))
        current = self.sort[0] if self.sort is not None else None
        if current is None:
            self.set_sort(shown[0])
        elif current in shown and shown.index(current) + 1 < len(shown):
            self.set_sort(shown[shown.index(current) + 1])
        else:
            self.set_sort(None)

    def reverse_sort(self) -> None:
        """Flip the sort's direction (sorting by the first column if there is none)."""
        column, descending = self.sort if self.sort is not None else (0, False)
        self.set_sort(column, not descending)

    @property
    def hidden_columns(self) -> list[str]:
        """Labels of the columns too wide for the terminal (the detail pane has them)."""
        return hidden_labels(self.columns, self._shown)

    # -- marks ----------------------------------------------------------------------

    def toggle_mark(self, key: str) -> None:
        if not self._flip_mark(key):
            return
        self._refresh_key(key)
        self._post_marks()

    def mark(self, keys: Iterable[str]) -> int:
        """Mark rows, never unmarking one (one repaint); how many were newly marked."""
        added = self._mark(keys)
        if added:
            self._repaint_marks()
        return added

    def unmark(self, keys: Iterable[str]) -> None:
        """Unmark many rows at once (one repaint, one MarksChanged)."""
        if self._unmark(keys):
            self._repaint_marks()

    def invert_marks_visible(self) -> None:
        self._invert_visible_marks()
        self._repaint_marks()

    def toggle_mark_all_visible(self) -> None:
        self._flip_visible_marks()
        self._repaint_marks()

    def clear_marks(self) -> None:
        self._marks.clear()
        self._repaint_marks()

    def _repaint_marks(self) -> None:
        self._cache.clear()
        self.refresh()
        self._post_marks()

    def _post_marks(self) -> None:
        self.post_message(self.MarksChanged(self, self.marked_count, self.hidden_marked_count))

    # -- cursor ---------------------------------------------------------------------

    def move_cursor_to(self, key: str) -> bool:
        position = self._visible_position(key)
        if position is None:
            return False
        self._move(position)
        return True

    def move_cursor_down(self) -> None:
        self._move(self._cursor + 1)

    def _move(self, position: int) -> None:
        if not self._visible:
            return
        position = max(0, min(position, len(self._visible) - 1))
        if position == self._cursor:
            return
        old = self._cursor
        self._cursor = position
        if not self._scroll_to_cursor():
            self._refresh_position(old)
            self._refresh_position(position)
        self._post_cursor()

    def _body_height(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _scroll_to_cursor(self) -> bool:
        """Scroll so the cursor is shown; True when the view moved."""
        top = int(self.scroll_offset.y)
        height, count = self._body_height(), len(self._visible)
        new_top = view_top(self._cursor, top, height, count, jump=self.jump_scroll)
        if new_top is None:
            return False
        self.scroll_to(y=new_top, animate=False, immediate=True)
        self.refresh()
        return True

    def _post_cursor(self) -> None:
        key = self.cursor_key
        if key != self._last_posted:
            self._last_posted = key
            self.post_message(self.CursorMoved(self, key))

    def action_cursor_up(self) -> None:
        self._move(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._move(self._cursor + 1)

    def action_page_up(self) -> None:
        self._move(self._cursor - self._body_height())

    def action_page_down(self) -> None:
        self._move(self._cursor + self._body_height())

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(len(self._visible) - 1)

    def action_activate(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Activated(self, key))

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self._move(int(self.scroll_offset.y) + event.y - 1)

    def notify_style_update(self) -> None:  # focus or theme: cached rows are out of style
        super().notify_style_update()
        self._cache.clear()

    def on_resize(self) -> None:
        self.virtual_size = Size(0, len(self._visible) + 1)  # width 0: never a horizontal bar
        self._scroll_to_cursor()

    def _refresh_position(self, position: int) -> None:
        y = position - int(self.scroll_offset.y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.scrollable_content_region.width, 1))

    def _refresh_key(self, key: str) -> None:
        """Repaint one row: only its own cached lines are forgotten, not the screenful."""
        position = self._visible_position(key)
        if position is not None:
            index, width = self._visible[position], self._laid_out_for
            for cursor, marked in ((c, m) for c in (False, True) for m in (False, True)):
                self._cache.discard((index, width, cursor, marked))
            self._refresh_position(position)

    # -- layout and rendering -------------------------------------------------------

    def _layout(self, width: int) -> None:
        if self._laid_out_for == width:
            return
        self._laid_out_for = width
        self._cache.clear()
        # One space before the Result column and one after it, off the scrollbar.
        status = self._status_width + 2 if self._status_width else 0
        self._shown, self._widths = fit_widths(
            self.columns, self._first_rows(WIDTH_SAMPLE), width - GUTTER - status
        )

    def _styles(self) -> dict[str, Style]:
        return {
            name: self.get_component_rich_style(f"item-table--{name}")
            for name in ("header", "cursor", "marked", "status-ok", "status-error", "empty")
        }

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        self._layout(width)
        base = self.rich_style
        if y == 0:
            return self._header(width, base)
        position = int(self.scroll_offset.y) + y - 1
        if not self._visible:
            if y == 1:
                return self._empty(width, base)
            return Strip.blank(width, base)
        if position >= len(self._visible):
            return Strip.blank(width, base)
        index = self._visible[position]
        row = self._rows[index] or self._row_at(index)
        cursor = position == self._cursor
        marked = row.key in self._marks
        cache_key = (index, width, cursor, marked)
        cached = self._cache.get(cache_key)
        if cached is not None:
            return cached
        strip = self._row_strip(row, width, base, cursor, marked)
        self._cache[cache_key] = strip
        return strip

    def _header(self, width: int, base: Style) -> Strip:
        style = base + self._styles()["header"]
        text = header_text(self.columns, self._shown, self._widths, self.sort, self._status_width)
        return Strip([Segment(text, style)]).adjust_cell_length(width, style)

    def _empty(self, width: int, base: Style) -> Strip:
        style = base + self._styles()["empty"]
        text = empty_text(self.waiting_for, bool(self._rows), self._filter)
        return Strip([Segment(text, style)]).adjust_cell_length(width, style)

    def _row_strip(self, row: Row, width: int, base: Style, cursor: bool, marked: bool) -> Strip:
        styles = self._styles()
        style = base
        if marked:
            style = style + styles["marked"]
        if cursor:
            style = style + styles["cursor"]
        cells = row.cells
        text = (MARK_GLYPH if marked else NO_MARK) + " ".join(
            fit(cells[i] if i < len(cells) else "", w)
            for i, w in zip(self._shown, self._widths, strict=True)
        )
        segments = [Segment(text, style)]
        if self._status_width:
            status = self._status.get(row.key)
            if status is not None:
                label, ok = status
                status_style = style + styles["status-ok" if ok else "status-error"]
                segments.append(Segment(" " + fit(label, self._status_width), status_style))
        return Strip(segments).adjust_cell_length(width, style)
