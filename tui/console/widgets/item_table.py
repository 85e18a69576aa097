"""A virtual table on Textual's line API, for safes of 100 000 items.

Textual's DataTable builds every row up front (about 13 s for 100 000 rows here)
and removes rows one by one. This table draws a ``TableModel``
(``tui/console/models/``: rows as plain tuples, a filter that swaps a list of row
numbers, marks, statuses, the cursor), renders only the lines on screen, and on a
cursor move repaints the two lines that changed, nothing else. The model tells
the table what changed (the table is its ``TableWatcher``), whoever changed it.

Every cell is server text: it passes through ``safe_text`` and is drawn as
Segments, so markup is never parsed and no control sequence reaches the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.console.models import Row, TableModel
from tui.console.widgets.table_columns import Column, fit, fit_widths
from tui.console.widgets.table_lines import NO_MARK, empty_text, header_text, hidden_labels
from tui.console.widgets.table_scroll import view_top

__all__ = ["Column", "ItemTable", "Row"]

MARK_GLYPH = "● "
GUTTER = 2
#: Rows sampled to size the columns (sizing on all 100 000 would cost a frame).
WIDTH_SAMPLE = 1000


class ItemTable(ScrollView, can_focus=True):
    """Draws a ``TableModel``: rows of items with a cursor, marks, a filter and a
    per-row status. Keys and clicks move the model's cursor; the model says what
    changed and the table repaints it."""

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
        self,
        model: TableModel[Any],
        columns: Sequence[Column],
        *,
        id: str | None = None,
        jump_scroll: bool = False,
    ) -> None:
        super().__init__(id=id)
        #: The view jumps when the cursor leaves it (table_scroll); the thin link's
        #: scrollbar track is drawn in the table's background (item_table.tcss).
        self.jump_scroll = jump_scroll
        self.model = model
        self.columns = list(columns)
        self._widths: list[int] = []
        self._shown: list[int] = []
        #: Cells of the widest status label (0: no status column).
        self._status_width = 0
        self._laid_out_for = -1
        self._cache: LRUCache[tuple[int, int, bool, bool], Strip] = LRUCache(1024)
        self._last_posted: str | None = None
        #: The styles of the render pass under way (``render_lines``), else None.
        self._pass_styles: tuple[Style, dict[str, Style]] | None = None
        #: Said where the rows go while there are none yet ("Loading passwords…").
        #: Not Textual's ``loading``: that takes the focus away, and keys typed
        #: while a list loads must still reach the table.
        self.waiting_for = ""
        self.set_class(jump_scroll, "-thin-link")
        model.watch(self)

    def set_waiting(self, message: str) -> None:
        self.waiting_for = message
        self._cache.clear()
        self.refresh()

    # -- what the model tells (TableWatcher) ------------------------------------------

    def rows_replaced(self) -> None:
        self.waiting_for = ""
        self._laid_out_for = -1
        self.view_changed()
        # The rest of the rows and the filter's index wait for the first screen.
        self.call_after_refresh(self.model.filter_index)

    def view_changed(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(0, self.model.visible_count + 1)  # width 0: no horizontal bar
        self.scroll_to(y=0, animate=False, immediate=True)
        self._scroll_to_cursor()
        self.refresh()
        self._post_cursor()
        self._post_marks()

    def marks_changed(self, key: str | None) -> None:
        if key is None:
            self._cache.clear()
            self.refresh()
        else:
            self._refresh_key(key)
        self._post_marks()

    def row_changed(self, key: str) -> None:
        self._refresh_key(key)

    def statuses_changed(self, keys: Sequence[str]) -> None:
        model = self.model
        labels = [status[0] for key in keys if (status := model.status(key)) is not None]
        if len(labels) < len(keys):  # one was cleared: the column may narrow
            width = max(map(cell_len, model.status_labels()), default=0)
        else:
            # Growing only: a batch of 100 000 outcomes must not rescan them all.
            width = max([self._status_width, *map(cell_len, labels)])
        if width != self._status_width:
            self._status_width = width
            self._laid_out_for = -1
            self._cache.clear()
            self.refresh()
            return
        # One repaint for the bunch: the rows of it on screen, top to bottom.
        top, height = int(self.scroll_offset.y), self.size.height
        shown = [
            y
            for key in keys
            if (position := self._forget_row(key)) is not None
            and 1 <= (y := position - top + 1) < height
        ]
        if shown:
            first = min(shown)
            width = self.scrollable_content_region.width
            self.refresh(Region(0, first, width, max(shown) - first + 1))

    def cursor_moved(self, old: int) -> None:
        if not self._scroll_to_cursor():
            self._refresh_position(old)
            self._refresh_position(self.model.cursor_index)
        self._post_cursor()

    def _post_marks(self) -> None:
        model = self.model
        self.post_message(self.MarksChanged(self, model.marked_count, model.hidden_marked_count))

    def _post_cursor(self) -> None:
        key = self.model.cursor_key
        if key != self._last_posted:
            self._last_posted = key
            self.post_message(self.CursorMoved(self, key))

    # -- sort: by the columns shown -------------------------------------------------

    def cycle_sort(self) -> None:
        """Sort by the next column shown; after the last, back to the server's order."""
        self._layout(self.scrollable_content_region.width)
        shown = self._shown or list(range(len(self.columns)))
        sort = self.model.sort
        current = sort[0] if sort is not None else None
        if current is None:
            self.model.set_sort(shown[0])
        elif current in shown and shown.index(current) + 1 < len(shown):
            self.model.set_sort(shown[shown.index(current) + 1])
        else:
            self.model.set_sort(None)

    @property
    def hidden_columns(self) -> list[str]:
        """Labels of the columns too wide for the terminal (the detail pane has them)."""
        return hidden_labels(self.columns, self._shown)

    # -- keys and clicks: the model's cursor ------------------------------------------

    def _body_height(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _scroll_to_cursor(self) -> bool:
        """Scroll so the cursor is shown; True when the view moved."""
        top = int(self.scroll_offset.y)
        height, count = self._body_height(), self.model.visible_count
        new_top = view_top(self.model.cursor_index, top, height, count, jump=self.jump_scroll)
        if new_top is None:
            return False
        self.scroll_to(y=new_top, animate=False, immediate=True)
        self.refresh()
        return True

    def action_cursor_up(self) -> None:
        self.model.move_cursor(self.model.cursor_index - 1)

    def action_cursor_down(self) -> None:
        self.model.move_cursor(self.model.cursor_index + 1)

    def action_page_up(self) -> None:
        self.model.move_cursor(self.model.cursor_index - self._body_height())

    def action_page_down(self) -> None:
        self.model.move_cursor(self.model.cursor_index + self._body_height())

    def action_first(self) -> None:
        self.model.move_cursor(0)

    def action_last(self) -> None:
        self.model.move_cursor(self.model.visible_count - 1)

    def action_activate(self) -> None:
        key = self.model.cursor_key
        if key is not None:
            self.post_message(self.Activated(self, key))

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self.model.move_cursor(int(self.scroll_offset.y) + event.y - 1)

    def notify_style_update(self) -> None:  # focus or theme: cached rows are out of style
        super().notify_style_update()
        self._cache.clear()

    def on_resize(self) -> None:
        self.virtual_size = Size(0, self.model.visible_count + 1)  # width 0: no horizontal bar
        self._scroll_to_cursor()

    def _refresh_position(self, position: int) -> None:
        y = position - int(self.scroll_offset.y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.scrollable_content_region.width, 1))

    def _refresh_key(self, key: str) -> None:
        """Repaint one row: only its own cached lines are forgotten, not the screenful."""
        position = self._forget_row(key)
        if position is not None:
            self._refresh_position(position)

    def _forget_row(self, key: str) -> int | None:
        """Forget the cached lines of the row ``key``; its place among the rows shown
        (None: not shown)."""
        position = self.model.visible_position(key)
        if position is not None:
            index, width = self.model.visible[position], self._laid_out_for
            cache = self._cache
            for cursor in (False, True):
                cache.discard((index, width, cursor, False))
                cache.discard((index, width, cursor, True))
        return position

    # -- layout and rendering -------------------------------------------------------

    def _layout(self, width: int) -> None:
        if self._laid_out_for == width:
            return
        self._laid_out_for = width
        self._cache.clear()
        # One space before the Result column and one after it, off the scrollbar.
        status = self._status_width + 2 if self._status_width else 0
        self._shown, self._widths = fit_widths(
            self.columns, self.model.first_rows(WIDTH_SAMPLE), width - GUTTER - status
        )

    def _styles(self) -> dict[str, Style]:
        if self._pass_styles is not None:
            return self._pass_styles[1]
        return {
            name: self.get_component_rich_style(f"item-table--{name}")
            for name in ("header", "cursor", "marked", "status-ok", "status-error", "empty")
        }

    def render_lines(self, crop: Region) -> list[Strip]:
        # The styles are looked up once for the lines of a pass, not once a line
        # (``rich_style`` walks every ancestor's styles each time it is read): about
        # 1.5 ms of the first frame's 34 lines. Nothing restyles during a pass.
        self._pass_styles = (self.rich_style, self._styles())
        try:
            return super().render_lines(crop)
        finally:
            self._pass_styles = None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        self._layout(width)
        base = self.rich_style if self._pass_styles is None else self._pass_styles[0]
        if y == 0:
            return self._header(width, base)
        model = self.model
        visible = model.visible
        position = int(self.scroll_offset.y) + y - 1
        if not visible:
            if y == 1:
                return self._empty(width, base)
            return Strip.blank(width, base)
        if position >= len(visible):
            return Strip.blank(width, base)
        index = visible[position]
        row = model.row_at(index)
        cursor = position == model.cursor_index
        marked = model.is_marked(row.key)
        cache_key = (index, width, cursor, marked)
        cached = self._cache.get(cache_key)
        if cached is not None:
            return cached
        strip = self._row_strip(row, width, base, cursor, marked)
        self._cache[cache_key] = strip
        return strip

    def _header(self, width: int, base: Style) -> Strip:
        style = base + self._styles()["header"]
        sort = self.model.sort
        text = header_text(self.columns, self._shown, self._widths, sort, self._status_width)
        return Strip([Segment(text, style)]).adjust_cell_length(width, style)

    def _empty(self, width: int, base: Style) -> Strip:
        style = base + self._styles()["empty"]
        model = self.model
        text = empty_text(self.waiting_for, bool(model.row_count), model.filter_query)
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
            status = self.model.status(row.key)
            if status is not None:
                label, ok = status
                status_style = style + styles["status-ok" if ok else "status-error"]
                segments.append(Segment(" " + fit(label, self._status_width), status_style))
        return Strip(segments).adjust_cell_length(width, style)
