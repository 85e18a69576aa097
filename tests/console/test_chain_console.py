"""The console and the chained journal (issue 22): the head at a batch's end in the
log, the chain's verdict in the audit view, the syslog copy's failures told."""

from __future__ import annotations

import socket
from pathlib import Path

from textual.widgets import Static

from tui.console.screens.audit_view import AuditScreen
from tui.console.widgets import LogPanel
from tui.ops import Journal, JournalContext
from tui.ops.chain import verify
from tui.ops.syslog import SyslogCopy, parse_syslog_url
from tui.simulator import Simulator, SimulatorConfig

from support.console import go_to, make_app, running, settle, wait_until
from support.sims import writable


async def test_the_head_is_logged_and_the_audit_view_shows_the_verdict(tmp_path: Path) -> None:
    sim = Simulator(SimulatorConfig(passwords=10, api_secrets=0))
    path = tmp_path / "audit.jsonl"
    app = make_app(sim, audit=Journal(path, JournalContext("d", "h", "o")))
    async with running(app) as pilot:
        for key in writable(sim)[:2]:
            await go_to(app, pilot, key)
            await pilot.press("space")
        await pilot.press("d", "y")
        await settle(app, pilot)
        head = verify(path).head
        assert head is not None
        lines = app.main.query_one("#log", LogPanel).all_lines()
        run = app.session.last_finished()
        assert run is not None
        told = f"Journal head after batch {run.batch_id}: seq {head.seq}, sha256 {head.hash}"
        assert any(line.endswith(told) for line in lines), lines
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, AuditScreen))
        notes = str(app.screen.query_one("#audit-notes", Static).render())
        assert f"Chain holds: {head.seq} records, head seq {head.seq}" in notes


async def test_what_the_syslog_copy_cannot_send_is_told(tmp_path: Path) -> None:
    sim = Simulator(SimulatorConfig(passwords=10, api_secrets=0))
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]  # nobody listens there once closed
    journal = Journal(tmp_path / "audit.jsonl", JournalContext("d", "h", "o"))
    journal.copy = SyslogCopy(parse_syslog_url(f"tcp://127.0.0.1:{port}"))
    app = make_app(sim, audit=journal)
    async with running(app) as pilot:
        await go_to(app, pilot, writable(sim)[0])
        await pilot.press("d", "y")
        await settle(app, pilot)
        await wait_until(pilot, lambda: any(e.context == "Syslog copy" for e in app.errors))
        [error] = [e for e in app.errors if e.context == "Syslog copy"]
        assert f"the syslog copy to tcp://127.0.0.1:{port}:" in error.message
        assert "records not sent" in error.message
