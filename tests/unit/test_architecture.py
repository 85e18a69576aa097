"""The architecture holds: import contracts, no private Textual API, no assert as control flow."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def test_the_import_contracts_in_pyproject_are_kept() -> None:
    # The contracts: no Textual/Rich in tui.api, tui.simulator and tui.ops; the
    # simulator does not import the client; layers; no cycles between siblings.
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout and "KEPT" in result.stdout


def test_no_private_textual_api() -> None:
    private = re.compile(
        r"from textual\.?[\w.]* import [^\n]*\b_\w|textual\.\w+\._|\._(?:compositor|driver|nodes|registry)\b"
    )
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in (ROOT / "tui").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if private.search(line)
    ]
    assert found == []


def test_no_assertion_is_control_flow() -> None:
    # ``python -O`` strips asserts: code that catches AssertionError to decide what
    # to do would do something else there (issue 19).
    caught = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "tui").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"except\s*\(?[^)\n]*AssertionError|suppress\([^)\n]*AssertionError", line)
    ]
    assert caught == []


#: What a widget may read off ``app``: Textual's own members, for Textual's own work
#: (the console to measure text with, whether the terminal has focus, the palette's key).
TEXTUAL_APP_MEMBERS = ("console", "app_focus", "COMMAND_PALETTE_BINDING")


def test_widgets_hold_no_reference_to_a_screen_or_the_app() -> None:
    # Widgets draw what they are given and post messages (issue 19): none names a
    # screen or the App, reaches into its screen, or asks the App for more than
    # Textual's own members.
    named = re.compile(
        r"\b(?:MainScreen|MySafeApp|ConsoleApp|MainView)\b|tui\.console\.(?:app|screens|factory)\b"
    )
    allowed = "|".join(TEXTUAL_APP_MEMBERS)
    reaching = re.compile(rf"self\.screen\.|(?:self|screen)\.app\.(?!(?:{allowed})\b)")
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in (ROOT / "tui" / "console" / "widgets").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if named.search(line) or reaching.search(line)
    ]
    assert found == []
