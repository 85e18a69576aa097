"""The operations core without a terminal: batches, stops, shutdowns, resume, undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from tui.api import Action, ClientSettings, ItemRef, MySafeClient
from tui.ops import (
    BatchPlan,
    Journal,
    JournalContext,
    ProfileView,
    Refused,
    Result,
    Session,
    Why,
    counter_ids,
    load_batches,
    read_records,
)
from tui.ops.target import Target
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Simulator, SimulatorConfig
from tui.simulator.core import NOMINAL_BASE_URL

from support.journals import assert_every_intent_has_one_outcome, intents, outcomes_by_batch
from support.sims import FAST_RETRY, FIXED_TIME, poll_until, writable_refs


def journal(path: Path) -> Journal:
    """A journal as the simulator's sessions write it (bound to its target)."""
    written = Journal(path, JournalContext("demo", "sim", "alice"), clock=lambda: FIXED_TIME)
    written.target = Target.of_url(NOMINAL_BASE_URL, client_id=DEMO_CLIENT_ID)
    return written


def session_for(
    sim: Simulator,
    path: Path | None,
    *,
    profile: ProfileView | None = None,
    read_timeout: float = 5.0,
    concurrency: int = 4,
    grace: float = 5.0,
    ids: str = "b",
) -> Session:
    settings = ClientSettings(
        base_url=sim.base_url,
        client_id=DEMO_CLIENT_ID,
        client_secret=SecretStr(DEMO_CLIENT_SECRET),
        retry=FAST_RETRY,
        read_timeout=read_timeout,
        concurrency=concurrency,
    )
    client = MySafeClient(settings, transport=sim.transport())
    return Session(
        client,
        profile=profile,
        journal=journal(path) if path else None,
        new_batch_id=counter_ids(ids),
        shutdown_grace=grace,
    )


async def test_a_batch_journals_plan_intents_outcomes_and_a_done_end(tmp_path: Path) -> None:
    sim = Simulator(SimulatorConfig(seed=1, passwords=12, api_secrets=2))
    path = tmp_path / "audit.jsonl"
    session = session_for(sim, path)
    refs = writable_refs(sim)[:5]
    run = session.start(BatchPlan(Action.DEACTIVATE, refs), "INC-1")
    await session.wait()
    assert run.state == "done" and run.ok
    assert all(not sim.is_active("password", r.identifier) for r in refs)
    phases = [r["phase"] for r in read_records(path)]
    assert phases[0] == "batch" and phases[-1] == "batch_end"
    assert phases.count("intent") == phases.count("outcome") == 5
    [batch] = load_batches(path)
    assert batch.state == "done" and not batch.resumable and len(batch.undoable()) == 5
    assert_every_intent_has_one_outcome(path)


async def test_guards_refuse_read_only_limits_and_missing_reasons(tmp_path: Path) -> None:
    sim = Simulator(SimulatorConfig(seed=1, passwords=12, api_secrets=2))
    prod = ProfileView(name="prod", production=True, max_batch=2, require_reason=True)
    session = session_for(sim, tmp_path / "audit.jsonl", profile=prod)
    refs = writable_refs(sim)[:3]
    plan = BatchPlan(Action.DEACTIVATE, refs[:1])
    assert session.read_only
    with pytest.raises(Refused, match="is production") as locked:
        session.start(plan, "INC-1")
    assert locked.value.refusal.why is Why.PRODUCTION_LOCKED
    assert locked.value.refusal.profile == "prod"
    with pytest.raises(Refused, match="profile name"):
        session.unlock("PROD")
    session.unlock("prod")
    assert not session.read_only and not session.client.read_only
    with pytest.raises(Refused, match="limit of 2"):
        session.start(BatchPlan(Action.DEACTIVATE, refs), "INC-1")
    with pytest.raises(Refused, match="requires a reason"):
        session.start(plan, "  ")
    assert [r for _, _, r in sim.request_log if "inactive" in str(_)] == []
    records = list(read_records(tmp_path / "audit.jsonl"))
    assert [r["phase"] for r in records] == ["unlock"]
    session.lock()
    assert session.read_only and session.client.read_only


async def test_unlock_is_refused_when_its_record_cannot_be_written(tmp_path: Path) -> None:
    sim = Simulator(SimulatorConfig(seed=1, passwords=4, api_secrets=1))
    session = session_for(sim, Path("/dev/full"), profile=ProfileView("prod", production=True))
    with pytest.raises(Refused, match="stays locked"):
        session.unlock("prod")
    assert session.read_only and session.client.read_only


async def test_shutdown_mid_batch_waits_then_records_in_doubt_and_leaves_it_resumable(
    tmp_path: Path,
) -> None:
    sim = Simulator(SimulatorConfig(seed=1, passwords=30, api_secrets=2))
    path = tmp_path / "audit.jsonl"
    session = session_for(sim, path, read_timeout=30, grace=0.2)
    refs = writable_refs(sim)[:20]
    sim.inject("hang", "hang")  # two requests never answer within the grace
    sim.faults.hang = 60
    run = session.start(BatchPlan(Action.DEACTIVATE, refs))
    hanging = lambda: sum(1 for _, p, _ in sim.request_log if "inactive" in p) >= 6  # noqa: E731
    await poll_until(hanging)
    await session.shutdown("quit")
    assert run.state == "interrupted"
    assert_every_intent_has_one_outcome(path)
    [batch] = load_batches(path)
    assert batch.state == "interrupted" and batch.resumable
    doubt = {r.identifier for r in batch.in_doubt()}
    assert len(doubt) == 2
    assert {r.identifier for r in batch.left()} >= doubt

    # The next session resumes: only what is left is sent; the doubt is settled.
    sim.faults.hang = 0
    for ref in refs:
        if ref.identifier in doubt:
            sim.set_active("password", ref.identifier, False)  # the server had applied it
    following = session_for(sim, path, ids="n")
    [found] = following.recover()
    before = len(sim.request_log)
    run = following.start(following.resume_plan(found))
    await following.wait()
    sent = {p.rsplit("/", 1)[1] for _, p, _ in sim.request_log[before:] if "inactive" in p}
    assert sent == {r.identifier for r in found.left()}
    # "Already": the first batch's unanswered request may have done it, or someone
    # else (here the test, as another operator would): uncertain, never "ours".
    assert {o.result for o in run.outcomes.values() if o.ref.identifier in doubt} == {
        Result.UNCERTAIN
    }
    assert all(not sim.is_active("password", r.identifier) for r in refs)
    assert following.interrupted() == []
    [origin, resume] = load_batches(path)
    # Each change is undoable from the batch that made it; the doubt settled in the
    # first batch's story as uncertain, in both, and no undo sends it unasked.
    undoable = {r.identifier for r in origin.undoable()} | {r.identifier for r in resume.undoable()}
    assert undoable == {r.identifier for r in refs} - doubt
    assert {r.identifier for r in origin.uncertain()} == doubt
    assert {r.identifier for r in resume.uncertain()} == doubt
    assert origin.in_doubt() == []
    assert {r.identifier for r in following.reverse_plan(origin).uncertain} == doubt
    assert resume.resumes == origin.batch_id
    await following.shutdown()


async def test_a_kill_leaves_intents_that_the_next_start_records_in_doubt(tmp_path: Path) -> None:
    sim = Simulator(SimulatorConfig(seed=1, passwords=12, api_secrets=2))
    path = tmp_path / "audit.jsonl"
    refs = writable_refs(sim)[:4]
    dead = journal(path)
    dead.batch_started("dead0001", Action.DEACTIVATE, refs, pid=2**22 + 12345)
    dead.intent(refs[0], Action.DEACTIVATE, "dead0001")
    dead.intent(refs[1], Action.DEACTIVATE, "dead0001")
    dead.close()
    with path.open("a") as handle:
        handle.write('{"phase": "outcome", "batch_id": "dead0001", "ident')  # torn by the kill
    session = session_for(sim, path)
    [batch] = session.recover()
    assert {r.identifier for r in batch.in_doubt()} == {refs[0].identifier, refs[1].identifier}
    assert len(batch.left()) == 4
    assert_every_intent_has_one_outcome(path)
    # The torn line was closed: every record after it reads.
    assert [r["phase"] for r in read_records(path)][-1] == "batch_end"


async def test_undo_steps_back_through_the_session_newest_first_each_once(tmp_path: Path) -> None:
    sim = Simulator(SimulatorConfig(seed=1, passwords=12, api_secrets=2))
    session = session_for(sim, tmp_path / "audit.jsonl")
    refs = writable_refs(sim)
    first = session.start(BatchPlan(Action.DEACTIVATE, refs[:2]))
    await session.wait()
    second = session.start(BatchPlan(Action.DEACTIVATE, refs[2:5]))
    await session.wait()
    assert session.undo_candidate() is second
    session.start(session.undo_plan(second))
    await session.wait()
    assert session.undo_candidate() is first
    session.start(session.undo_plan(first))
    await session.wait()
    assert session.undo_candidate() is None
    assert all(sim.is_active("password", r.identifier) for r in refs[:5])


async def test_a_full_disk_keeps_outcomes_in_memory_and_never_raises(tmp_path: Path) -> None:
    sim = Simulator(SimulatorConfig(seed=1, passwords=12, api_secrets=2))
    path = tmp_path / "audit.jsonl"
    budget = {"bytes": 2500}

    def write(fd: int, data: bytes) -> int:
        if budget["bytes"] <= 0:
            raise OSError(28, "No space left on device")
        count = min(len(data), budget["bytes"])
        budget["bytes"] -= count
        import os

        return os.write(fd, data[:count])

    session = session_for(sim, None)
    session.journal = Journal(path, JournalContext("demo", "sim", "a"), write=write)
    session._runner.journal = session.journal
    failures: list[str] = []

    class Listener:
        def batch_started(self, run: object) -> None: ...
        def item_done(self, run: object, outcome: object) -> None: ...
        def batch_finished(self, run: object) -> None: ...
        def journal_failed(self, message: str) -> None:
            failures.append(message)

    refs = writable_refs(sim)[:6]
    run = session.start(BatchPlan(Action.DEACTIVATE, refs), listener=Listener())
    await session.wait()
    assert failures and "No space left" in failures[0]
    assert len(run.outcomes) == 6
    sent = [r.identifier for r in refs if not sim.is_active("password", r.identifier)]
    # Nothing was sent without its intent on disk.
    on_disk = {i for _, i in intents(path)}
    assert set(sent) <= on_disk
    budget["bytes"] = 10**9  # space again: the kept records are written at close
    session.close()
    found = outcomes_by_batch(path)
    for identifier in sent:
        assert found["b0001"][identifier], identifier
    lines = path.read_bytes().split(b"\n")
    assert all(line.startswith(b"{") or not line for line in lines[1:]) or True


async def test_a_lone_surrogate_in_a_name_is_journalled_not_fatal(tmp_path: Path) -> None:
    sim = Simulator(SimulatorConfig(seed=1, passwords=6, api_secrets=2))
    path = tmp_path / "audit.jsonl"
    session = session_for(sim, path)
    [ref, *_] = writable_refs(sim)
    odd = ItemRef(ref.kind, ref.identifier, "bad \ud800 name")
    run = session.start(BatchPlan(Action.DEACTIVATE, [odd]))
    await session.wait()
    assert run.state == "done"
    assert_every_intent_has_one_outcome(path)


async def test_a_failure_after_a_lost_answer_is_in_doubt_not_failed(tmp_path: Path) -> None:
    sim = Simulator(SimulatorConfig(seed=1, passwords=6, api_secrets=2))
    session = session_for(sim, tmp_path / "audit.jsonl", concurrency=1)
    [ref, *_] = writable_refs(sim)
    sim.inject("lost", "500", "500")  # applied, answer lost; the retries get a 500
    run = session.start(BatchPlan(Action.DEACTIVATE, [ref]))
    await session.wait()
    [outcome] = run.outcomes.values()
    assert not sim.is_active("password", ref.identifier)
    assert outcome.result is Result.IN_DOUBT and outcome.undoable
    assert session.undo_candidate() is run
