"""One place that builds the console on its session, for the program, the tests,
the screenshots and the benchmarks alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tui.console.terminal.link_mode import LinkMode
from tui.ops.session import random_batch_id
from tui.settings import paths
from tui.wiring import build_session

if TYPE_CHECKING:
    from tui.console.app import MySafeApp
    from tui.ops.leaks import Reports
    from tui.settings.launch import LaunchOptions
    from tui.simulator import Simulator


def build_app(
    options: LaunchOptions,
    *,
    simulator: Simulator | None = None,
    journal: Path | None = None,
    keep_journal: bool = True,
    new_batch_id: Callable[[], str] = random_batch_id,
    clock: Callable[[], datetime] | None = None,
    arming_delay: float | None = None,
    config_path: str | None = None,
    link: LinkMode | None = None,
    triage: Reports | str | None = None,
) -> MySafeApp:
    from tui.console.app import MySafeApp, utc_now
    from tui.console.dialogs.arming import ARMING_DELAY
    from tui.wiring.demo import CONNECT_HINT

    session = build_session(
        options,
        simulator=simulator,
        journal=journal,
        keep_journal=keep_journal,
        new_batch_id=new_batch_id,
    )
    return MySafeApp(
        session,
        demo_hint=CONNECT_HINT if session.demo else "",
        first_run=options.first_run,
        config_path=str(paths.config_path()) if config_path is None else config_path,
        warnings=options.warnings,
        clock=clock or utc_now,
        arming_delay=ARMING_DELAY if arming_delay is None else arming_delay,
        theme=options.theme,
        link=link or LinkMode(),
        triage=triage,
    )
