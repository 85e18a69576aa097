"""Widgets of the console."""

from tui.widgets.batch_bar import BatchBar, BottomLine
from tui.widgets.context_bar import ContextBar
from tui.widgets.detail_pane import DetailPane
from tui.widgets.filter_line import FILTER_KEYS, FilterLine
from tui.widgets.item_table import Column, ItemTable, Row
from tui.widgets.key_footer import KeyFooter
from tui.widgets.log_panel import LogPanel
from tui.widgets.status_line import StatusLine

__all__ = [
    "FILTER_KEYS",
    "BatchBar",
    "BottomLine",
    "Column",
    "ContextBar",
    "DetailPane",
    "FilterLine",
    "ItemTable",
    "KeyFooter",
    "LogPanel",
    "Row",
    "StatusLine",
]
