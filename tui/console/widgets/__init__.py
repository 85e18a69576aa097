"""Widgets of the console."""

from tui.console.widgets.batch_bar import BatchBar, BottomLine
from tui.console.widgets.context_bar import ContextBar
from tui.console.widgets.detail_pane import DetailPane
from tui.console.widgets.filter_line import FILTER_KEYS, FilterLine
from tui.console.widgets.fitted_table import FittedColumn, FittedTable
from tui.console.widgets.item_table import Column, ItemTable, Row
from tui.console.widgets.key_footer import KeyFooter
from tui.console.widgets.log_panel import LogPanel
from tui.console.widgets.status_line import StatusLine

__all__ = [
    "FILTER_KEYS",
    "BatchBar",
    "BottomLine",
    "Column",
    "ContextBar",
    "DetailPane",
    "FilterLine",
    "FittedColumn",
    "FittedTable",
    "ItemTable",
    "KeyFooter",
    "LogPanel",
    "Row",
    "StatusLine",
]
