"""The session for resolved options: the client (real or on the embedded simulator),
the journal bound to its server, the guards' profile. Both front ends build it here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tui.api import MySafeClient
from tui.ops import Journal, JournalContext, ProfileView, Session
from tui.ops.session import random_batch_id
from tui.settings.paths import audit_path

if TYPE_CHECKING:
    from tui.settings.launch import LaunchOptions
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
        from tui.wiring.demo import demo_client, demo_simulator

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
    if keep is not None and options.audit_syslog:
        from tui.ops.syslog import SyslogCopy, parse_syslog_url

        keep.copy = SyslogCopy(parse_syslog_url(options.audit_syslog))
    return Session(
        client,
        profile=profile,
        journal=keep,
        demo=demo,
        read_only=options.read_only,
        new_batch_id=new_batch_id,
    )
