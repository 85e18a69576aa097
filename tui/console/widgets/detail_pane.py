"""The detail pane beside the table: what the list said, or the fetched item.

Labels and values are two columns, each its own widget on the line API. Textual
repaints a changed line from the left edge of the widget that owns it, so with the
labels apart a cursor move repaints only the values that changed, and the footer,
docked at the bottom, never moves: about a third of the bytes a single widget cost
(issue 11: a cursor move over a thin link).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from tui.api import ItemSummary
from tui.base.safe_text import safe_text
from tui.console.widgets.detail_rows import (
    DETAIL_FOOTER,
    SUMMARY_FOOTER,
    Rows,
    changed_cells,
    detail_rows,
    summary_rows,
)

if TYPE_CHECKING:
    from tui.api import ItemDetail
    from tui.ops.filtering import Field

#: The blank cells between the longest label and the values.
LABEL_GAP = 2


def _strip(text: Text, console: Console) -> Strip:
    return Strip(list(text.render(console, end="")), text.cell_len)


def repaint_changed(widget: Widget, old: list[str], new: list[str], top: int) -> None:
    """Refresh, on the lines in view, only the cells whose text changed."""
    for y in range(top, min(max(len(new), len(old)), top + widget.size.height)):
        span = changed_cells(old[y] if y < len(old) else "", new[y] if y < len(new) else "")
        if span is not None:
            widget.refresh(Region(span[0], y - top, span[1] - span[0], 1))


def column_line(strips: list[Strip], index: int, style: Style, width: int) -> Strip:
    """Line ``index`` of a column in its style, ``width`` cells (blank past the end)."""
    line = strips[index] if index < len(strips) else Strip([])
    return line.apply_style(style).adjust_cell_length(width, style).simplify()


if TYPE_CHECKING:
    _Column = Widget
else:
    # A plain mixin at run time: Textual follows a widget's first DOM base for its
    # default CSS, so a Widget here would hide ScrollView's from DetailValues.
    _Column = object


class _OnePassStyle(_Column):
    """A column whose lines share one style, read once a render pass: ``rich_style``
    walks every ancestor's styles each time it is read (about 2.6 ms of the first
    frame for both columns, 29 lines each). Nothing restyles during a pass."""

    #: The style of the render pass under way (``render_lines``), else None.
    _pass_style: Style | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._pass_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._pass_style = None

    @property
    def line_style(self) -> Style:
        """The style of a line: the pass's, or read now (a line drawn alone)."""
        return self.rich_style if self._pass_style is None else self._pass_style


class DetailLabels(_OnePassStyle, Widget):
    """The labels column; it scrolls with the values (``top`` is theirs)."""

    def __init__(self, top: Callable[[], int]) -> None:
        super().__init__()
        self._top = top
        self._strips: list[Strip] = []
        self._plain: list[str] = []

    def show_lines(self, strips: list[Strip]) -> None:
        old, self._plain = self._plain, [strip.text for strip in strips]
        self._strips = strips
        repaint_changed(self, old, self._plain, self._top())

    def render_line(self, y: int) -> Strip:
        return column_line(self._strips, self._top() + y, self.line_style, self.size.width)


class DetailValues(_OnePassStyle, ScrollView):
    """The values column: it owns the scrolling, and tells the labels when it moves."""

    def __init__(self, labels: DetailLabels, resized: Callable[[], None]) -> None:
        super().__init__()
        self._labels = labels
        self._resized = resized
        self._strips: list[Strip] = []
        self._plain: list[str] = []

    def show_lines(self, strips: list[Strip], width: int) -> None:
        """Show ``strips``, wrapped at ``width`` (the column's, less a scrollbar's
        where they need one: ``DetailPane._rebuild`` decides)."""
        old, self._plain = self._plain, [strip.text for strip in strips]
        self._strips = strips
        # The virtual height never drops below the column's own height: changing it
        # is a layout pass (a full repaint), which a cursor move must not cost.
        size = Size(width, max(len(strips), self.size.height))
        if self.virtual_size != size:
            self.virtual_size = size
            self.refresh()
        else:
            repaint_changed(self, old, self._plain, int(self.scroll_offset.y))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self._labels.refresh()

    def on_resize(self) -> None:
        self._resized()

    def render_line(self, y: int) -> Strip:
        top, width = int(self.scroll_offset.y), self.scrollable_content_region.width
        return column_line(self._strips, top + y, self.line_style, width)


class DetailPane(Widget, can_focus=True):
    """Shows the cursor row; ``enter`` in the table comes here to scroll it, and
    ``v`` fetches the full item (an audited view, asked first)."""

    BINDINGS = [
        Binding("up,k", "scroll_lines(-1)", "Up", show=False, tooltip="Scroll up a line"),
        Binding("down,j", "scroll_lines(1)", "Down", show=False, tooltip="Scroll down a line"),
        Binding("pageup", "scroll_pages(-1)", "Page up", show=False, tooltip="Scroll up a page"),
        Binding(
            "pagedown", "scroll_pages(1)", "Page down", show=False, tooltip="Scroll down a page"
        ),
        Binding(
            "escape",
            "screen.escape",
            "Back",
            show=False,
            tooltip="Back to the table (out of the full-screen view)",
        ),
    ]

    #: The thin-link mode's settle time: a cursor held down moves many rows a second,
    #: and the pane follows the row it rests on, not every row it passes. 0.3 s: keys
    #: tapped up to three a second are a run too (issue 23: at 0.15 s each tap
    #: repainted the pane, about 200 bytes of the 0.49 KB a move cost; the figures
    #: are in docs/benchmarks.md). The first move after a rest still shows at once,
    #: and the row the run ends on 0.3 s after the last key.
    SLOW_LINK_SETTLE = 0.3

    def __init__(self, *, id: str | None = None, follow_settle: float = 0.0) -> None:
        super().__init__(id=id)
        self.follow_settle = follow_settle
        self._window: Timer | None = None
        self._held: tuple[ItemSummary | None, bool, Sequence[Field]] | None = None
        self._rows: Rows = []
        self._footer_text = ""
        self._label_width = -1
        #: The lines each label's value has taken since the values' width last
        #: changed: a shorter value keeps them (see ``_wrap``).
        self._slots: dict[str, int] = {}
        self._slots_width = -1
        #: The item whose summary is shown, and the fields it was matched through.
        self._summary: tuple[ItemSummary, tuple[Field, ...]] | None = None
        self.labels = DetailLabels(lambda: int(self.values.scroll_offset.y))
        self.values = DetailValues(self.labels, self._rebuild)
        self._footer = Static(classes="detail-footer")
        self.border_title = "Details"

    def compose(self) -> ComposeResult:
        yield self._footer
        yield self.labels
        yield self.values

    def _show(self, rows: Rows, footer: str) -> None:
        self._held = None  # what is shown now is newer than a cursor row held back
        self._summary = None
        self._rows = rows
        labelled = any(label for label, _ in rows)
        width = max(len(label) for label, _ in rows) + LABEL_GAP if labelled else 0
        if width != self._label_width:
            # A layout pass: the values' resize then rewraps them.
            self._label_width = width
            self.labels.display = labelled
            self.labels.styles.width = width
        if footer != self._footer_text:
            self._footer_text = footer
            self._footer.update(Text(footer, style="italic"))
            self._footer.set_class(bool(footer), "-filled")
        self._rebuild()

    def _rebuild(self) -> None:
        width, height = self.values.size
        if width <= 0:
            return
        labels, values = self._wrap(width)
        if len(values) > height and self._slots:
            # Kept lines that would not fit: a pane too short for all its rows
            # shows them close together.
            self._slots.clear()
            labels, values = self._wrap(width)
        if len(values) > height:
            # The scrollbar will take its columns; the one shown now may be about
            # to go, so the width is worked out here, not read off the column.
            width -= self.values.styles.scrollbar_size_vertical
            labels, values = self._wrap(width)
        self.values.show_lines(values, width)
        self.labels.show_lines(labels)

    def _wrap(self, width: int) -> tuple[list[Strip], list[Strip]]:
        """The label and value lines, the values wrapped at ``width``.

        A labelled value keeps the lines the longest one under that label has taken
        since the width changed (blank lines under a shorter one), so a long name
        does not push the labels below it down a line for one row and back up for
        the next: from item to item the labels stay where they are, and a cursor
        move repaints the values that changed, not every line under a wrapped one
        (issue 23: 100 rows with ``j`` over a thin link)."""
        console = self.app.console
        if width != self._slots_width:
            self._slots.clear()
            self._slots_width = width
        labels: list[Strip] = []
        values: list[Strip] = []
        for label, value in self._rows:
            lines = Text(safe_text(value)).wrap(console, max(width, 1)) or [Text("")]
            if label:
                kept = self._slots.get(label, 1)
                lines.extend(Text("") for _ in range(kept - len(lines)))
                self._slots[label] = len(lines)
            values.extend(_strip(line, console) for line in lines)
            labels.append(_strip(Text.assemble((label, "bold")), console))
            labels.extend(Strip([]) for _ in lines[1:])
        return labels, values

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        # The wheel over the labels (the values scroll themselves, and stop it).
        self.values.scroll_down(animate=False)
        event.stop()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.values.scroll_up(animate=False)
        event.stop()

    def action_scroll_lines(self, lines: int) -> None:
        self.values.scroll_relative(y=lines, animate=False)

    def action_scroll_pages(self, pages: int) -> None:
        self.values.scroll_relative(y=pages * self.values.size.height, animate=False)

    def text(self) -> str:
        """What the pane shows, as plain text (one line per label, unwrapped)."""
        width = max((len(label) for label, _ in self._rows), default=0)
        lines = [f"{label:<{width}}  {value}" if label else value for label, value in self._rows]
        return "\n".join([*lines, "", self._footer_text] if self._footer_text else lines)

    def show_nothing(self, message: str = "No item selected") -> None:
        self._show([("", message)], "")

    def show_item(
        self, item: ItemSummary | None, any_items: bool, reached: Sequence[Field] = ()
    ) -> None:
        """The cursor row's item as the list gave it, or why there is none; first,
        the fields beyond ID and Name the filter matched it through (``reached``)."""
        if item is None:
            self.show_nothing("No item selected" if any_items else "No items")
        else:
            self.show_summary(item, reached)

    def follow(
        self, item: ItemSummary | None, any_items: bool, reached: Sequence[Field] = ()
    ) -> None:
        """The cursor moved to ``item``: shown at once after a rest; during a run of
        moves (with ``follow_settle``), once the moves settle, for the row they end on."""
        if self.follow_settle <= 0 or self._window is None:
            self.show_item(item, any_items, reached)
        else:
            self._window.stop()
            self._held = (item, any_items, reached)
        if self.follow_settle > 0:
            self._window = self.set_timer(self.follow_settle, self.settle)

    def settle(self) -> None:
        """The moves have settled: show the row they ended on, if it is not shown yet."""
        self._window = None
        held = self._held
        if held is not None:
            self.show_item(*held)

    def show_summary(self, item: ItemSummary, reached: Sequence[Field] = ()) -> None:
        self._show(summary_rows(item, reached), SUMMARY_FOOTER)
        self._summary = (item, tuple(reached))

    def rematch(self, item: ItemSummary | None, reached: Sequence[Field]) -> None:
        """The filter changed, the cursor still on ``item``: say what it matched through
        now, if the pane shows that item's summary (a fetched item stays as it is)."""
        shown = self._summary
        same_item = item is not None and shown is not None and shown[0] is item
        if same_item and shown is not None and shown[1] != tuple(reached):
            self.show_summary(shown[0], reached)

    def show_loading(self, item: ItemSummary) -> None:
        self._show([("", f"Fetching {item.kind.noun} {item.identifier}…")], "")

    def show_detail(self, detail: ItemDetail) -> None:
        self._show(detail_rows(detail), DETAIL_FOOTER)
