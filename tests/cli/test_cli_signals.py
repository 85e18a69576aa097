"""Every catchable signal ends a command-line batch as SIGINT does (issue 18): what
was sent has its outcome on record, the batch has its end, the exit code is 130."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from tui.ops import load_batches, read_records
from tui.simulator import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    FaultConfig,
    Simulator,
    SimulatorConfig,
)

from support.cli import process_env, start_tui
from support.servers import ServedSimulator
from support.sims import writable

CATCHABLE = [
    signal.SIGINT,
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
    signal.SIGALRM,
]


@pytest.mark.parametrize("number", CATCHABLE, ids=lambda n: signal.Signals(n).name)
def test_a_signal_mid_batch_leaves_no_intent_without_outcome(
    number: signal.Signals, tmp_path: Path
) -> None:
    slow = SimulatorConfig(seed=1, faults=FaultConfig(latency=0.05))
    with ServedSimulator(Simulator(slow)) as server:
        ids = writable(server.simulator, 30)
        env = process_env(
            tmp_path,
            {
                "MYSAFE_URL": server.url,
                "MYSAFE_CLIENT_ID": DEMO_CLIENT_ID,
                "MYSAFE_CLIENT_SECRET": DEMO_CLIENT_SECRET,
            },
        )
        args = ["deactivate", "passwords", "--ids", ",".join(ids), "--yes", "--format", "jsonl"]
        child = start_tui([*args, "--concurrency", "4"], env)
        assert child.stdout is not None
        json.loads(child.stdout.readline())  # the first outcome: the batch is under way
        child.send_signal(number)
        _, errors = child.communicate(timeout=30)
    name = signal.Signals(number).name
    assert child.returncode == 130, errors
    assert f"interrupted by {name}" in errors
    trail = Path(env["XDG_STATE_HOME"]) / "mysafe-tui" / "audit.jsonl"
    records = list(read_records(trail))
    intents = {r["identifier"] for r in records if r["phase"] == "intent"}
    answered = {r["identifier"] for r in records if r["phase"] == "outcome"}
    assert intents <= answered
    assert answered == set(ids), "every item has an outcome, those never sent not_attempted"
    never_sent = {r["identifier"] for r in records if r.get("result") == "not_attempted"}
    assert never_sent and not never_sent & intents
    [batch] = load_batches(trail)
    assert batch.state == "interrupted" and not batch.unanswered
