"""Screens of the console, each imported when first asked for (PEP 562): only the
main screen is shown at start."""

from typing import TYPE_CHECKING

from tui.lazy import lazy_names

if TYPE_CHECKING:
    from tui.screens.errors import ErrorEntry, ErrorHistoryScreen
    from tui.screens.help import HelpScreen
    from tui.screens.main import MainScreen

_WHERE = {
    "ErrorEntry": "errors",
    "ErrorHistoryScreen": "errors",
    "HelpScreen": "help",
    "MainScreen": "main",
}


__getattr__ = lazy_names(__name__, _WHERE)


__all__ = ["ErrorEntry", "ErrorHistoryScreen", "HelpScreen", "MainScreen"]
