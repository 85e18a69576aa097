"""Screens of the console."""

from tui.screens.errors import ErrorEntry, ErrorHistoryScreen
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen

__all__ = ["ErrorEntry", "ErrorHistoryScreen", "HelpScreen", "MainScreen"]
