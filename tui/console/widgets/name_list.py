"""The items of a batch, drawn only where they show: 100 000 names cost one list.

The confirmation names every item, and a batch can hold 100 000 of them; one
widget per item took seconds to mount (and minutes at that size). This draws the
visible lines on demand with the line API, like the item table does.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.api import ItemRef
from tui.base.safe_text import safe_text

LABEL_WIDTH = 10
ID_WIDTH = 7


class NameList(ScrollView, can_focus=True):
    """Kind, identifier and name of each item; scrolls with the keys or the mouse."""

    COMPONENT_CLASSES = {"name-list--kind"}
    BINDINGS = [
        ("up,k", "scroll_up", "Up"),
        ("down,j", "scroll_down", "Down"),
        ("pageup", "page_up", "Page up"),
        ("pagedown", "page_down", "Page down"),
    ]

    def __init__(self, refs: Sequence[ItemRef], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.refs = refs
        widest = max((len(ref.name) for ref in refs[:2000]), default=0)
        self.virtual_size = Size(LABEL_WIDTH + ID_WIDTH + 4 + widest, len(refs))

    def render_line(self, y: int) -> Strip:
        _, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not 0 <= index < len(self.refs):
            return Strip.blank(width, base)
        ref = self.refs[index]
        dim = base + self.get_component_rich_style("name-list--kind", partial=True)
        segments = [
            Segment(f"{ref.kind.label:<{LABEL_WIDTH}} ", dim),
            Segment(f"{safe_text(ref.identifier):>{ID_WIDTH}}  ", base),
            Segment(safe_text(ref.name), base),
        ]
        scroll_x = self.scroll_offset.x
        return Strip(segments).crop(scroll_x, scroll_x + width).adjust_cell_length(width, base)
