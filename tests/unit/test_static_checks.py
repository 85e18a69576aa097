"""The static checks pass: mypy --strict over the code and the suite, and ruff."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), cwd=ROOT, capture_output=True, text=True, check=False, timeout=300
    )


def test_mypy_strict_is_clean() -> None:
    """`mypy` with no arguments, so `[tool.mypy]` in pyproject.toml applies.

    It checks `tui`, `tests` and `screenshots` under `strict = true`. Slow only on a
    cold cache (about 10 s with no `.mypy_cache`); with mypy's default cache
    directory in the repository root, later runs take a second or two.
    """
    result = run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, f"mypy failed:\n{result.stdout}{result.stderr}"


def test_ruff_check_is_clean() -> None:
    if importlib.util.find_spec("ruff") is not None:
        command = [sys.executable, "-m", "ruff"]
    elif (found := shutil.which("ruff")) is not None:
        command = [found]
    else:
        pytest.skip("ruff is not installed (pip install -e '.[test]' brings it)")
    result = run(*command, "check", "tui", "tests", "screenshots")
    assert result.returncode == 0, f"ruff check failed:\n{result.stdout}{result.stderr}"
