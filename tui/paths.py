"""Where files live. Every path the app uses comes from here (one seam for tests)."""

from __future__ import annotations

from pathlib import Path

import tui


def styles_dir() -> Path:
    """The ``.tcss`` files: inside the installed package, or ``styles/`` in a checkout."""
    package = Path(tui.__file__).resolve().parent
    installed = package / "styles"
    if installed.is_dir():
        return installed
    return package.parent / "styles"


STYLESHEETS = ("app.tcss", "item_table.tcss", "main.tcss", "dialogs.tcss")


def stylesheets() -> list[Path]:
    root = styles_dir()
    return [root / name for name in STYLESHEETS]
