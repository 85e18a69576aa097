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
