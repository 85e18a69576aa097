"""The console's state as plain models, with no Textual or Rich: what the screen owns
and plans from, and the widgets draw.

- ``table``: one table's state (``TableModel``), and what it tells its widget
  (``TableWatcher``);
- ``rows``: the rows and the items behind them, each row built when first needed;
- ``view``: the filter, the sort and the cursor over the rows;
- ``query``: the filter's language;
- ``marks``, ``statuses``: the marked keys, and what became of each row's item.
"""

from tui.console.models.rows import Row
from tui.console.models.table import TableModel, TableWatcher

__all__ = ["Row", "TableModel", "TableWatcher"]
