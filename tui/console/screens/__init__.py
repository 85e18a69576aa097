"""Screens of the console, each imported when first asked for (PEP 562): only the
main screen is shown at start."""

from typing import TYPE_CHECKING

from tui.console.lazy import lazy_names

if TYPE_CHECKING:
    from tui.console.screens.errors import ErrorEntry, ErrorHistoryScreen
    from tui.console.screens.help import HelpScreen
    from tui.console.screens.main.screen import MainScreen

_WHERE = {
    "ErrorEntry": "errors",
    "ErrorHistoryScreen": "errors",
    "HelpScreen": "help",
    "MainScreen": "main.screen",
}


__getattr__ = lazy_names(__name__, _WHERE)


__all__ = ["ErrorEntry", "ErrorHistoryScreen", "HelpScreen", "MainScreen"]
