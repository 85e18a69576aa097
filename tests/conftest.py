"""Shared fixtures: an app wired to an in-process simulator, with a fixed clock, and
every path of the app in the test's own folder. The helpers live in ``support``."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from tui.console.app import MySafeApp
from tui.simulator import Simulator, SimulatorConfig

from support.console import make_app

# Property tests are derandomized by default (CI and every plain run): the same
# examples on every machine, so the suite cannot fail at random. A random run, as
# long as wanted, is on demand: HYPOTHESIS_PROFILE=random python -m pytest -k fuzz
# (repeat it, or raise the tests' max_examples, for a longer search).
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("random", derandomize=False, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every config, state and log path of the app points into this test's folder,
    and no server variable of the machine's (``MYSAFE_*``, ``SENHASEGURA_*``) is seen."""
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        folder = tmp_path / name.lower()
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))
    for name in [n for n in os.environ if n.startswith(("MYSAFE_", "SENHASEGURA_"))]:
        monkeypatch.delenv(name)
    return tmp_path


@pytest.fixture
def sim() -> Simulator:
    return Simulator(SimulatorConfig(seed=1, passwords=40, api_secrets=30))


@pytest.fixture
def app_factory() -> Callable[..., MySafeApp]:
    return make_app
