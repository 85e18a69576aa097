"""The item table's columns: what a column is, how wide each one is drawn, and how
a cell's text is cut to that width (rows are the model's: ``tui.console.models.rows``).

Plain data and arithmetic on cell widths (no Textual), so the fitting rules can be
read and tested apart from the widget.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.cells import cell_len

from tui.console.models.rows import Row


class Column(NamedTuple):
    key: str
    label: str
    #: A fixed width; None sizes the column from its content.
    width: int | None = None
    min_width: int = 4
    #: Takes the space left over (one column should).
    flex: bool = False
    #: When even minimum widths do not fit, columns are hidden, lowest first
    #: (None: always shown).
    drop_order: int | None = None


def fit(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` cells with an ellipsis, then pad it."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        out = []
        used = 0
        for char in text:
            size = cell_len(char)
            if used + size > width - 1:
                break
            out.append(char)
            used += size
        text = "".join(out) + "…"
        length = used + 1
    return text + " " * (width - length)


def fit_widths(
    columns: Sequence[Column], sample: Sequence[Row], space: int
) -> tuple[list[int], list[int]]:
    """The columns shown and their widths, for ``space`` cells of columns and the
    single spaces between them. Content-sized columns are measured on ``sample``."""
    natural: dict[int, int] = {}
    for number, column in enumerate(columns):
        if column.width is not None:
            natural[number] = column.width
            continue
        longest = max((cell_len(row.cells[number]) for row in sample), default=0)
        natural[number] = max(cell_len(column.label), longest, column.min_width)

    def minimum(index: int) -> int:
        column = columns[index]
        return column.width if column.width is not None else column.min_width

    shown = list(range(len(columns)))
    droppable = sorted(
        (i for i, c in enumerate(columns) if c.drop_order is not None),
        key=lambda i: columns[i].drop_order or 0,
    )

    def room() -> int:
        return space - (len(shown) - 1)

    # Hide low-priority columns until the minimum widths fit.
    while droppable and sum(minimum(i) for i in shown) > room():
        shown.remove(droppable.pop(0))
    widths = {i: natural[i] for i in shown}
    available = room()
    # Then shrink the widest content-sized columns, the flexible one last.
    while sum(widths.values()) > available:
        shrinkable = [
            i for i in shown if columns[i].width is None and widths[i] > columns[i].min_width
        ]
        if not shrinkable:
            break
        rigid = [i for i in shrinkable if not columns[i].flex]
        widest = max(rigid or shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
    flex = [i for i in shown if columns[i].flex]
    if flex and sum(widths.values()) < available:
        widths[flex[0]] += available - sum(widths.values())
    return shown, [widths[i] for i in shown]
