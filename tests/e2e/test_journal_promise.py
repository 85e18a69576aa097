"""The journal's promise, path by path, against the simulator on a real socket.

Each row of the table ends a batch a different way (run to the end through
faults, stopped by the operator, quit with a grace long enough or too short for
the requests in flight, the task cancelled as an unexpected exception would).
After each: every intent has exactly one outcome, every item the server applied
is in some batch's undo set, and the next session's resume settles what is left
so that nothing stays in doubt.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr

from tui.api import Action, ClientSettings, ItemRef, Kind, MySafeClient, RetryPolicy
from tui.ops import (
    BatchPlan,
    Journal,
    JournalContext,
    Session,
    counter_ids,
    load_batches,
    read_records,
)
from tui.simulator import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    FaultConfig,
    Simulator,
    SimulatorConfig,
)

from support.servers import ServedSimulator
from support.sims import poll_until, sent_posts

pytestmark = pytest.mark.e2e

ITEMS = 30


@dataclass(frozen=True)
class Path_:
    name: str
    #: What happens once ``after`` requests have reached the server.
    after: int
    #: "run" (to the end), "stop", "quit", "cancel"
    ending: str
    grace: float = 5.0
    #: Stall this many requests long past the grace (for "quit" with a short grace).
    hangs: int = 0


PATHS = [
    Path_("runs to the end", 0, "run"),
    Path_("operator stop (esc)", 8, "stop"),
    Path_("quit, answers come within the grace", 8, "quit"),
    Path_("quit, two requests outlive the grace", 4, "quit", grace=0.3, hangs=2),
    Path_("cancelled, as by an unexpected exception", 8, "cancel", hangs=2),
]
FAULTS = {
    "clean": FaultConfig(latency=0.01),
    "faulty": FaultConfig(latency=0.01, error_rate=0.1, drop_rate=0.15, seed=4),
}


def session_on(url: str, path: Path, grace: float, prefix: str) -> Session:
    settings = ClientSettings(
        base_url=url,
        client_id=DEMO_CLIENT_ID,
        client_secret=SecretStr(DEMO_CLIENT_SECRET),
        retry=RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.01, deadline=5),
        read_timeout=10.0,
        concurrency=4,
    )
    return Session(
        MySafeClient(settings),
        journal=Journal(path, JournalContext("test", "127.0.0.1", "ci")),
        new_batch_id=counter_ids(prefix),
        shutdown_grace=grace,
    )


def check_the_promise(trail: Path, sim: Simulator, planned: list[ItemRef]) -> None:
    records = list(read_records(trail))
    intents = Counter((r["batch_id"], r["identifier"]) for r in records if r["phase"] == "intent")
    outcomes = Counter((r["batch_id"], r["identifier"]) for r in records if r["phase"] == "outcome")
    for key, count in intents.items():
        assert count == 1 and outcomes[key] == 1, (
            f"{key}: {count} intents, {outcomes[key]} outcomes"
        )
    batches = load_batches(trail)
    undoable = {ref.identifier for batch in batches for ref in batch.undoable()}
    # Found already so after a lost answer: the batch cannot prove it did it, so an
    # undo lists it apart (the operator may include it) instead of sending it.
    uncertain = {ref.identifier for batch in batches for ref in batch.uncertain()}
    applied = {r.identifier for r in planned if not sim.is_active("password", r.identifier)}
    known = undoable | uncertain
    assert applied <= known, f"applied but neither undoable nor uncertain: {applied - known}"
    # What the journal says a batch changed, a request of ours really changed.
    by_requests = {identifier for _, identifier, active, _ in sim.changes if not active}
    claimed = {
        key[1]
        for batch in batches
        for key, result in batch.results.items()
        if result.value == "changed"
    }
    assert claimed <= by_requests, f"claimed but not changed by a request: {claimed - by_requests}"


@pytest.mark.parametrize("faults", list(FAULTS), ids=list(FAULTS))
@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
async def test_every_way_a_batch_ends_keeps_the_promise(
    tmp_path: Path, path: Path_, faults: str
) -> None:
    sim = Simulator(SimulatorConfig(seed=3, passwords=ITEMS + 10, api_secrets=1))
    planned = [
        ItemRef(Kind.PASSWORD, i.identifier, i.name)
        for i in sim.items("password")
        if i.can_view and i.can_write and i.active
    ][:ITEMS]
    trail = tmp_path / "audit.jsonl"
    with ServedSimulator(sim) as served:
        config = FAULTS[faults]
        sim.config.faults = copy.copy(config)
        sim.injector.config = sim.config.faults
        sim.injector.reseed(config.seed)
        if path.hangs:
            sim.faults.hang = 30.0
            for _ in range(path.hangs):
                sim.inject("hang")
        session = session_on(served.url, trail, path.grace, "a")
        run = session.start(BatchPlan(Action.DEACTIVATE, planned))
        if path.ending != "run":
            await poll_until(lambda: sum(sent_posts(sim).values()) >= path.after, 20.0)
        if path.ending == "stop":
            session.stop("operator")
            await session.wait()
            assert run.state in ("stopped", "done")
        elif path.ending == "quit":
            await session.shutdown("quit")
            assert run.state in ("interrupted", "done")
        elif path.ending == "cancel":
            task = session._task
            assert task is not None
            task.cancel()
            await session.wait()
            assert run.state == "interrupted"
        else:
            await session.wait()
        await session.shutdown()
        assert run.done == len(planned), "every item has an outcome"
        if path.hangs:
            doubt = [o for o in run.outcomes.values() if o.result.value == "in_doubt"]
            assert len(doubt) >= path.hangs, "the stalled requests are in doubt, not failed"
        check_the_promise(trail, sim, planned)

        # The next session settles what is left and in doubt.
        sim.faults.hang = 0.0
        sim.config.faults = FaultConfig()
        sim.injector.config = sim.config.faults
        sim.injector.queue.clear()
        following = session_on(served.url, trail, 5.0, "z")
        for batch in following.recover():
            following.start(following.resume_plan(batch))
            await following.wait()
        await following.shutdown()
        check_the_promise(trail, sim, planned)
        assert following.interrupted() == []
        failed_for_good = {
            key[1]
            for batch in load_batches(trail)
            for key, result in batch.results.items()
            if result.value == "failed"
        }
        for ref in planned:
            assert ref.identifier in failed_for_good or not sim.is_active(
                "password", ref.identifier
            ), ref
        in_doubt = [
            batch.batch_id
            for batch in load_batches(trail)
            if any(result.value == "in_doubt" for result in batch.results.values())
            and not batch.resumed_by
        ]
        assert in_doubt == [], "nothing is left in doubt after the resume"
