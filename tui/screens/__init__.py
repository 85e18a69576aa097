"""Screens of the console, each imported when first asked for (PEP 562): only the
main screen is shown at start."""

from importlib import import_module
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"tui.screens.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ErrorEntry", "ErrorHistoryScreen", "HelpScreen", "MainScreen"]
