"""A stop (the console's esc) ends a batch within its grace, whatever the server does.

The requests in flight trickle (one byte at a time, never tripping a read timeout,
under a deadline far away): the stop's short grace cancels them, and the journal
holds an outcome for every intent, in doubt for the cut ones, which the server had
applied. In-process and over a real socket.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest
from pydantic import SecretStr

from tui.api import Action, ClientSettings, MySafeClient
from tui.ops import (
    BatchPlan,
    Journal,
    JournalContext,
    Result,
    Session,
    counter_ids,
    load_batches,
    read_records,
)
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Simulator, SimulatorConfig, serve

from support.journals import assert_every_intent_has_one_outcome
from support.sims import FAST_RETRY, FIXED_TIME, poll_until, writable_refs

GRACE = 0.2
Connect = Callable[[Simulator, Path], AbstractAsyncContextManager[Session]]


def session_on(sim: Simulator, path: Path, url: str | None) -> Session:
    settings = ClientSettings(
        base_url=url or sim.base_url,
        client_id=DEMO_CLIENT_ID,
        client_secret=SecretStr(DEMO_CLIENT_SECRET),
        retry=FAST_RETRY,
        concurrency=4,
        request_deadline=60.0,  # far away: only the stop's grace ends the trickle
    )
    client = MySafeClient(settings, transport=None if url else sim.transport())
    journal = Journal(path, JournalContext("demo", "sim", "alice"), clock=lambda: FIXED_TIME)
    return Session(client, journal=journal, new_batch_id=counter_ids(), stop_grace=GRACE)


@asynccontextmanager
async def in_process(sim: Simulator, path: Path) -> AsyncIterator[Session]:
    session = session_on(sim, path, None)
    yield session
    await session.shutdown()
    await session.client.aclose()


@asynccontextmanager
async def over_a_socket(sim: Simulator, path: Path) -> AsyncIterator[Session]:
    async with serve(sim) as url:
        session = session_on(sim, path, url)
        yield session
        await session.shutdown()
        await session.client.aclose()


def posts(sim: Simulator) -> list[str]:
    return [str(status) for method, _, status in sim.request_log if method == "POST"]


@pytest.mark.parametrize("connect", [in_process, over_a_socket], ids=["inproc", "socket"])
async def test_a_stop_during_a_trickling_batch_ends_within_the_grace(
    tmp_path: Path, connect: Connect
) -> None:
    sim = Simulator(SimulatorConfig(seed=1, passwords=30, api_secrets=1))
    sim.faults.trickle = 0.05  # an answer of ~300 bytes would take 15 s
    refs = writable_refs(sim)[:16]
    path = tmp_path / "audit.jsonl"
    async with connect(sim, path) as session:
        await session.client.authenticate()
        sim.inject(*["trickle"] * 4)  # the first four answers trickle; all four in flight
        run = session.start(BatchPlan(Action.DEACTIVATE, refs), "INC-7")
        await poll_until(lambda: posts(sim).count("trickle 200") == 4)
        started = time.monotonic()
        assert session.stop("operator") is run
        await session.wait()
        took = time.monotonic() - started
        assert session.running is None

    assert GRACE <= took < GRACE + 1.0, took
    assert run.state == "stopped" and run.done == run.total
    doubt = {o.ref.identifier for o in run.outcomes.values() if o.result is Result.IN_DOUBT}
    assert len(doubt) == 4
    assert all(not sim.is_active("password", identifier) for identifier in doubt), "applied"
    for outcome in run.outcomes.values():
        if outcome.result is Result.IN_DOUBT:
            assert outcome.message == (
                "no answer within 0.2 s of the stop: cancelled, it may have been applied"
            )
        else:
            assert outcome.result is Result.NOT_ATTEMPTED
    assert_every_intent_has_one_outcome(path)
    [batch] = load_batches(path)
    assert batch.state == "stopped" and batch.resumable
    assert {r.identifier for r in batch.in_doubt()} == doubt
    assert {r.identifier for r in batch.undoable()} >= doubt, "an undo reverts what is in doubt"
    ends = [r for r in read_records(path) if r.get("phase") == "batch_end"]
    assert len(ends) == 1


async def test_answers_within_the_grace_finish_normally(tmp_path: Path) -> None:
    sim = Simulator(SimulatorConfig(seed=1, passwords=30, api_secrets=1))
    sim.faults.trickle = 0.0005  # slow, but well within a generous grace
    refs = writable_refs(sim)[:16]
    path = tmp_path / "audit.jsonl"
    async with in_process(sim, path) as session:
        await session.client.authenticate()
        sim.inject(*["trickle"] * 4)
        run = session.start(BatchPlan(Action.DEACTIVATE, refs))
        await poll_until(lambda: posts(sim).count("trickle 200") >= 1)
        session.stop("operator", grace=30.0)
        await session.wait()
    assert run.state == "stopped"
    results = {o.result for o in run.outcomes.values()}
    assert Result.IN_DOUBT not in results and Result.CHANGED in results
    assert_every_intent_has_one_outcome(path)
