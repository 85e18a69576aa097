"""Soak: 2 000 deactivations through a faulty gateway on a real socket.

10 % of requests fail (500/502/503/504 or a dropped connection, half of those
after the change was applied), 5 % more are 200 ms latency spikes, and tokens live 1 s and are revoked once, so they
expire mid-batch. Afterwards every item is in the state the audit trail says, no
item was changed twice, nothing escaped, and the app still answers keys.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from tui.api import RetryPolicy
from tui.console.dialogs import ConfirmBatch
from tui.ops import Journal, JournalContext, read_records
from tui.simulator import FaultConfig, Simulator, SimulatorConfig

from support.console import idle, make_app, wait_until
from support.servers import ServedSimulator

pytestmark = pytest.mark.e2e


async def test_two_thousand_deactivations_through_faults(tmp_path: Path) -> None:
    sim = Simulator(SimulatorConfig(seed=9, passwords=2600, api_secrets=1, token_lifetime=1))
    trail = tmp_path / "audit.jsonl"
    with ServedSimulator(sim) as served:
        app = make_app(
            sim,
            url=served.url,
            concurrency=16,
            read_timeout=5.0,
            audit=Journal(trail, JournalContext("soak", "127.0.0.1", "ci")),
            retry=RetryPolicy(attempts=6, base_delay=0.05, max_delay=0.5),
        )
        async with app.run_test(size=(120, 40)) as pilot:
            await idle(app)
            await pilot.pause()
            table = app.main.table()
            keys = [k for k in table.model.visible_keys() if sim.get("password", k).can_write][
                :2000
            ]
            assert len(keys) == 2000
            for key in keys:
                table.model.toggle_mark(key)
            sim.config.faults = FaultConfig(
                error_rate=0.06, drop_rate=0.04, hang_rate=0.05, hang=0.2, seed=11
            )
            sim.injector.config = sim.config.faults
            sim.injector.reseed(11)
            began = time.monotonic()
            await pilot.press("d")
            assert isinstance(app.screen, ConfirmBatch)
            await pilot.press(*"2000", "enter", "enter")  # the count, then the button
            # The UI answers while the batch runs.
            await wait_until(
                pilot,
                lambda: app.session.running is not None and app.session.running.done >= 50,
            )
            sim.expire_tokens()  # revoked mid-batch: the 401 path must recover
            await pilot.press("l")
            assert app.main.query_one("#log").display
            await idle(app)
            await pilot.pause()
            elapsed = time.monotonic() - began
            batch = app.session.last_finished()
            assert batch is not None and batch.done == 2000
            assert app.is_running
            unexpected = [e for e in app.errors if "Unexpected error:" in e.message]
            assert unexpected == [], "every failure was a known, typed one"
    records = list(read_records(trail))
    outcomes = [r for r in records if r["phase"] == "outcome"]
    assert len(outcomes) == 2000 and len({r["identifier"] for r in outcomes}) == 2000
    for record in outcomes:
        active = sim.is_active("password", record["identifier"])
        if record["result"] in ("changed", "uncertain", "already"):
            assert not active, record
    # Nothing sent again after a success reached the client: one prompt 200 per item
    # (late answers to stalled requests are logged as "hang 200" and do not count).
    answered = Counter(
        path
        for method, path, status in sim.request_log
        if method == "POST" and "/mysafe/" in path and status == 200
    )
    assert max(answered.values()) == 1
    labels = Counter(r["result"] for r in outcomes)
    assert labels["changed"] + labels["uncertain"] + labels["already"] >= 1900, labels
    assert any(status == 401 for _, path, status in sim.request_log if "mysafe" in path)
    token_fetches = sum(1 for _, path, status in sim.request_log if path.endswith("/token"))
    assert token_fetches >= 3, "tokens expired and were renewed during the batch"
    print(f"soak: 2000 items in {elapsed:.1f} s, outcomes {dict(labels)}")
