"""Where files live. Every path the app uses comes from here (one seam for tests).

platformdirs honours ``XDG_CONFIG_HOME``, ``XDG_STATE_HOME`` and friends, which is
how the tests point every write at a temporary folder.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

import tui

APP_NAME = "mysafe-tui"


def config_dir() -> Path:
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def state_dir() -> Path:
    return platformdirs.user_state_path(APP_NAME, appauthor=False)


def log_dir() -> Path:
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def app_log_path() -> Path:
    return log_dir() / "mysafe-tui.log"


def dry_run_dir() -> Path:
    return state_dir() / "dry-runs"


def config_path() -> Path:
    return config_dir() / "config.toml"


def audit_path(*, demo: bool = False) -> Path:
    """The audit journal. The demo keeps its own, so that demo and real batches
    never meet: no demo batch is offered for resume or undo on a real server."""
    return state_dir() / ("demo-audit.jsonl" if demo else "audit.jsonl")


def styles_dir() -> Path:
    """The ``.tcss`` files: inside the installed package, or ``styles/`` in a checkout."""
    package = Path(tui.__file__).resolve().parent
    installed = package / "styles"
    if installed.is_dir():
        return installed
    return package.parent / "styles"


STYLESHEETS = ("app.tcss", "item_table.tcss", "detail_pane.tcss", "main.tcss", "dialogs.tcss")


def stylesheets() -> list[Path]:
    root = styles_dir()
    return [root / name for name in STYLESHEETS]
