"""One place that builds the session and the console, for the program, the tests,
the screenshots and the benchmarks alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tui import paths
from tui.api import MySafeClient
from tui.link_mode import LinkMode
from tui.ops import Journal, JournalContext, ProfileView, Session
from tui.ops.session import random_batch_id
from tui.paths import audit_path

if TYPE_CHECKING:
    from tui.app import MySafeApp
    from tui.launch import LaunchOptions
    from tui.simulator import Simulator


def build_session(
    options: LaunchOptions,
    *,
    simulator: Simulator | None = None,
    journal: Path | None = None,
    keep_journal: bool = True,
    new_batch_id: Callable[[], str] = random_batch_id,
) -> Session:
    """The session for resolved options: demo (on ``simulator`` if given) or server.

    ``keep_journal=False`` keeps no audit journal (screenshots, benchmarks)."""
    if options.client is None:
        from tui.demo import demo_client, demo_simulator

        client = demo_client(simulator or demo_simulator(options), read_only=options.read_only)
        name = "demo"
        profile = ProfileView(max_batch=options.max_batch, read_only=options.read_only_forced)
    else:
        client = MySafeClient(options.client)
        name = options.profile_name
        profile = ProfileView(
            name=options.profile_name,
            production=options.production,
            read_only=options.read_only_forced,
            max_batch=options.max_batch,
            require_reason=options.require_reason,
            color=options.color,
            insecure=options.client.tls.insecure,
        )
    demo = options.client is None
    # Host and port: "which server" must be exact in the journal (the target says more).
    context = JournalContext.current(name, client.server)
    keep = Journal(journal or audit_path(demo=demo), context) if keep_journal else None
    return Session(
        client,
        profile=profile,
        journal=keep,
        demo=demo,
        read_only=options.read_only,
        new_batch_id=new_batch_id,
    )


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
) -> MySafeApp:
    from tui.app import MySafeApp, utc_now
    from tui.demo import CONNECT_HINT
    from tui.dialogs.confirm_batch import ARMING_DELAY

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
    )
