"""The console in a test: an app wired to a simulator with a fixed clock, started
under Textual's Pilot, and the Pilot-side helpers (waiting for a state, the toasts
raised, the table, a slow batch to watch)."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import ProgressBar

from tui.api import ClientSettings, ItemSummary, MySafeClient, RetryPolicy
from tui.console.app import MySafeApp
from tui.console.applog import LOGGER_NAME, open_app_log
from tui.console.models import TableModel
from tui.console.terminal.link_mode import LinkMode
from tui.console.widgets import BottomLine, ItemTable
from tui.ops import BatchRun, Journal, ProfileView, Session, counter_ids
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Simulator, SimulatorConfig
from tui.wiring.demo import CONNECT_HINT

from support.sims import FAST_RETRY, FIXED_TIME


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


@contextmanager
def app_log_at(path: Path) -> Iterator[Path]:
    """The app log (``open_app_log``, a process-wide logger) written to ``path``
    while the block runs; its handler closed and removed after it."""
    open_app_log(path)
    try:
        yield path
    finally:
        logger = logging.getLogger(LOGGER_NAME)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            handler.close()


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


async def idle(app: App[Any]) -> None:
    """Every worker of ``app`` done and, for the console, its session's batch ended
    (the session owns the batch's task: no worker waits on it)."""
    await app.workers.wait_for_complete()
    if isinstance(app, MySafeApp):
        await app.session.wait()


async def settle(app: MySafeApp, pilot: Pilot[None]) -> None:
    await idle(app)
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
    from tui.console.dialogs import ConfirmBatch

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
    """Every progress value the batch bar is given from now on (each a repaint).

    The bar is built when the first batch begins: its progress is watched from then,
    before the batch's first outcome can reach it."""
    bottom = app.main.query_one(BottomLine)
    shown: list[float] = []

    def progress_shown(value: float) -> None:  # Textual's watch wants a function
        shown.append(value)

    def watch(bar: ProgressBar) -> None:
        app.main.watch(bar, "progress", progress_shown, init=False)

    if bottom.bar is not None:
        watch(bottom.bar.progress)
        return shown
    begin = bottom.begin

    def begin_watched(run: BatchRun) -> None:
        begin(run)
        assert bottom.bar is not None
        # Its parts exist from its constructor on, mounted or not.
        watch(bottom.bar.progress)
        bottom.begin = begin  # type: ignore[method-assign]

    bottom.begin = begin_watched  # type: ignore[method-assign]
    return shown


def spy_toasts(app: MySafeApp) -> Toasts:
    toasts = Toasts()
    original = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        toasts.append((kwargs.get("severity", "information"), message))
        original(message, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return toasts


def table(app: MySafeApp) -> ItemTable:
    """The password or API-secret table on show."""
    return app.main.table()


def model(app: MySafeApp) -> TableModel[ItemSummary]:
    """The state of the table on show: rows, filter, marks, statuses, cursor."""
    return app.main.model()


async def go_to(app: MySafeApp, pilot: Pilot[None], key: str) -> None:
    """The cursor on the row of ``key``, and the screen caught up."""
    assert model(app).move_cursor_to(key)
    await pilot.pause()
