"""Widgets of the console."""

from tui.widgets.detail_pane import DetailPane
from tui.widgets.item_table import Column, ItemTable, Row
from tui.widgets.log_panel import LogPanel

__all__ = ["Column", "DetailPane", "ItemTable", "LogPanel", "Row"]
