"""The item table's header line and its line for no rows, as text: what they say,
apart from the widget that draws them (no Textual here)."""

from __future__ import annotations

from collections.abc import Sequence

from tui.base.safe_text import safe_text
from tui.console.widgets.table_columns import Column, fit

#: Where the mark glyph goes on a row; the header and the empty line keep it blank.
NO_MARK = "  "


def hidden_labels(columns: Sequence[Column], shown: Sequence[int]) -> list[str]:
    """Labels of the columns not ``shown`` (none before the first layout)."""
    return [c.label for i, c in enumerate(columns) if shown and i not in shown]


def sort_label(columns: Sequence[Column], sort: tuple[int, bool] | None) -> str:
    """The sort as the status line says it ("" for the server's order)."""
    if sort is None:
        return ""
    column, descending = sort
    return f"{columns[column].label} {'▼' if descending else '▲'}"


def header_text(
    columns: Sequence[Column],
    shown: Sequence[int],
    widths: Sequence[int],
    sort: tuple[int, bool] | None,
    status_width: int,
) -> str:
    """The header: each shown column's label (the sort's arrow on its column), and
    the Result column's when there is one."""
    labels = []
    hidden = hidden_labels(columns, shown)
    for i, w in zip(shown, widths, strict=True):
        column = columns[i]
        label = column.label
        if sort is not None and sort[0] == i:
            label += " ▼" if sort[1] else " ▲"
        if column.flex and hidden:
            # Dropped columns are said, not silently gone.
            label += f"  (+{', '.join(hidden)} in details)"
        labels.append(fit(label, w))
    text = NO_MARK + " ".join(labels)
    if status_width:
        text += " " + fit("Result", status_width)
    return text


def empty_text(waiting_for: str, has_rows: bool, query: str) -> str:
    """What the table says when it shows no row."""
    if waiting_for:
        message = waiting_for
    elif has_rows and query:
        message = f"No items match the filter {safe_text(query)!r}"
    else:
        message = "No items"
    return NO_MARK + message
