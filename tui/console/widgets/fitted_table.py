"""A small DataTable whose columns are sized to their cells as its rows are set.

Textual's DataTable measures its auto-width columns on its next idle, and caches
each cell's rendering without its width. A frame painted between ``add_row`` and
that idle (the screen's refresh timer can fall there) caches the new rows cut to
the old widths, and the measure that follows does not clear the cache: the
findings view once stayed at its header widths ("deplo" for
"deploy/settings.py:7") until the next change, in a real terminal. Here the
widths are measured when the rows are set and given to the columns, so the first
frame that shows the rows shows them whole.

For the few rows of a leak report; the vault's tables are ``ItemTable``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.text import Text
from textual.widgets import DataTable


class FittedColumn(NamedTuple):
    """A column's header and the narrowest it may be (its header's width at least)."""

    label: str
    least: int = 0


class FittedTable(DataTable[Text]):
    """A DataTable of text cells whose rows are replaced whole by :meth:`set_rows`."""

    def __init__(
        self,
        columns: Sequence[FittedColumn],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, cursor_type="row")
        self._fitted_columns = tuple(columns)
        self._add_fitted_columns([[] for _ in self._fitted_columns])

    def set_rows(self, rows: Sequence[Sequence[Text]]) -> None:
        """Show ``rows`` in place of the table's rows, each column as wide as its
        widest cell; the cursor keeps its place, or goes to the last row."""
        cursor = self.cursor_row
        widths = [[cell.cell_len for cell in column] for column in zip(*rows, strict=False)]
        self.clear(columns=True)
        self._add_fitted_columns(widths or [[] for _ in self._fitted_columns])
        self.add_rows(rows)
        if rows:
            self.move_cursor(row=min(cursor, len(rows) - 1))

    def _add_fitted_columns(self, cell_widths: Sequence[Sequence[int]]) -> None:
        for column, widths in zip(self._fitted_columns, cell_widths, strict=True):
            width = max(column.least, Text(column.label).cell_len, *widths)
            self.add_column(column.label, width=width)
