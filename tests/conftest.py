"""Shared fixtures: an app wired to an in-process simulator, with a fixed clock."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from pydantic import SecretStr
from textual.pilot import Pilot
from textual.widgets import ProgressBar

from tui.api import ClientSettings, MySafeClient, RetryPolicy
from tui.app import MySafeApp
from tui.demo import CONNECT_HINT
from tui.link_mode import LinkMode
from tui.ops import BatchRun, Journal, ProfileView, Session, counter_ids
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Simulator, SimulatorConfig

# Property tests are derandomized by default (CI and every plain run): the same
# examples on every machine, so the suite cannot fail at random. A random run, as
# long as wanted, is on demand: HYPOTHESIS_PROFILE=random python -m pytest -k fuzz
# (repeat it, or raise the tests' max_examples, for a longer search).
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("random", derandomize=False, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

FIXED_TIME = datetime(2026, 11, 22, 3, 0, 0, tzinfo=UTC)
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.005, deadline=5)


class Toasts(list[tuple[str, str]]):
    """(severity, message) of every toast the app raised."""

    def texts(self) -> str:
        return "\n".join(message for _, message in self)


class ManualClock:
    """A monotonic clock the test moves by hand (the confirmation's arming delay)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_app(
    sim: Simulator,
    *,
    read_only: bool = False,
    secret: str = DEMO_CLIENT_SECRET,
    arming_delay: float = 0.0,
    demo: bool = True,
    read_timeout: float = 5.0,
    concurrency: int = 4,
    audit: Journal | None = None,
    url: str | None = None,
    retry: RetryPolicy = FAST_RETRY,
    profile: ProfileView | None = None,
    monotonic: ManualClock | None = None,
    batch_prefix: str = "b",
    shutdown_grace: float = 5.0,
    first_run: bool = False,
    warnings: tuple[str, ...] = (),
    link: LinkMode | None = None,
) -> MySafeApp:
    """The app against ``sim``: in-process, or over a real socket when ``url`` is given."""
    settings = ClientSettings(
        base_url=url or sim.base_url,
        client_id=DEMO_CLIENT_ID,
        client_secret=SecretStr(secret),
        read_only=read_only,
        retry=retry,
        read_timeout=read_timeout,
        concurrency=concurrency,
    )
    client = MySafeClient(settings, transport=None if url else sim.transport())
    session = Session(
        client,
        profile=profile,
        journal=audit,
        demo=demo,
        read_only=read_only,
        new_batch_id=counter_ids(batch_prefix),
        shutdown_grace=shutdown_grace,
    )
    return MySafeApp(
        session,
        demo_hint=CONNECT_HINT if demo else "",
        first_run=first_run,
        config_path="~/.config/mysafe-tui/config.toml",
        warnings=warnings,
        clock=lambda: FIXED_TIME,
        arming_delay=arming_delay,
        monotonic=monotonic,
        link=link,
    )


@asynccontextmanager
async def running(app: MySafeApp, size: tuple[int, int] = (120, 40)) -> AsyncIterator[Pilot[None]]:
    """The console started and its lists loaded."""
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(app, pilot)
        yield pilot


async def settle(app: MySafeApp, pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def slow_batch_app() -> tuple[Simulator, MySafeApp]:
    """A console over 60 passwords, sending 2 requests at a time (for
    ``start_slow_batch``)."""
    sim = Simulator(SimulatorConfig(passwords=60, api_secrets=0))
    return sim, make_app(sim, concurrency=2)


async def start_slow_batch(app: MySafeApp, sim: Simulator, pilot: Pilot[None]) -> None:
    """Every row marked and their deactivation confirmed, the simulator slowed to
    0.25 s an answer: with 60 passwords (48 writable) and concurrency 2, a batch
    that runs for seconds, to be watched (or stopped with esc)."""
    from tui.dialogs import ConfirmBatch

    sim.faults.latency = 0.25
    await pilot.press("asterisk", "d")
    dialog = app.screen
    assert isinstance(dialog, ConfirmBatch)
    await pilot.press(*str(len(dialog.plan.refs)), "enter", "enter")


async def wait_until(
    pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 20.0
) -> None:
    """Let the app run until ``condition`` holds (a wait for a state, not a sleep)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "the condition never held"
        await pilot.pause(0.01)


def label_counts(run: BatchRun) -> Counter[str]:
    """How many items of a finished batch ended with each label."""
    return Counter(outcome.label for outcome in run.outcomes.values())


def record_progress(app: MySafeApp) -> list[float]:
    """Every progress value the batch bar is given from now on (each a repaint)."""
    bar = app.main.query_one("#batch-progress", ProgressBar)
    shown: list[float] = []

    def progress_shown(value: float) -> None:  # Textual's watch wants a function
        shown.append(value)

    app.main.watch(bar, "progress", progress_shown, init=False)
    return shown


def spy_toasts(app: MySafeApp) -> Toasts:
    toasts = Toasts()
    original = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        toasts.append((kwargs.get("severity", "information"), message))
        original(message, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return toasts


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
