"""Issue 17: the journal says only what it knows.

An answer that was lost (a 502, 504 or 500, a timeout, a dropped connection) and
then "already so" is *uncertain*: the lost attempt may have done it, or someone
else did before it. Never "changed by us", never "already", never reversed
unasked. Each row below is one item's answer sequence, through the real client
against the simulator in process; the simulator's own record of which request
changed what (``Simulator.changes``) is the truth the journal is held to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from tui.api import Action, ClientSettings, ItemRef, Kind, MySafeClient, RetryPolicy
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
from tui.ops.records import BatchRecord
from tui.ops.target import Target
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Simulator, SimulatorConfig
from tui.simulator.core import NOMINAL_BASE_URL

RETRY = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002, deadline=10)
#: Faults that strike after the server applied the write: its answer is lost.
APPLIED = ("502-applied", "504", "500-applied", "hang", "lost")
#: The same failures, striking before the request reached the server.
UNAPPLIED = ("502", "504-unapplied", "500", "hang-unapplied", "drop")
UNCERTAIN_LABEL = "already inactive (an attempt of this batch may have done it)"
DEAD_PID = 2**22 + 4321


class Hooked(httpx.AsyncBaseTransport):
    """The simulator in process; ``hooks[n]`` runs just before the n-th write (1-based)
    reaches it: another operator switching the item off, or deleting it."""

    def __init__(self, sim: Simulator, hooks: dict[int, Callable[[], None]]) -> None:
        self.inner: httpx.AsyncBaseTransport = sim.transport()
        self.hooks = hooks
        self.writes = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and "/mysafe/" in request.url.path:
            self.writes += 1
            hook = self.hooks.get(self.writes)
            if hook is not None:
                hook()
        return await self.inner.handle_async_request(request)


def make_session(
    sim: Simulator, path: Path, ids: str, hooks: dict[int, Callable[[], None]] | None = None
) -> Session:
    settings = ClientSettings(
        base_url=sim.base_url,
        client_id=DEMO_CLIENT_ID,
        client_secret=SecretStr(DEMO_CLIENT_SECRET),
        retry=RETRY,
        read_timeout=0.05,
        concurrency=1,
    )
    client = MySafeClient(settings, transport=Hooked(sim, hooks or {}))
    return Session(
        client,
        journal=Journal(path, JournalContext("demo", "sim", "alice")),
        new_batch_id=counter_ids(ids),
    )


def fresh() -> tuple[Simulator, ItemRef]:
    sim = Simulator(SimulatorConfig(seed=1, passwords=6, api_secrets=1))
    sim.faults.hang = 0.3  # past the read timeout: a timeout
    item = next(i for i in sim.items("password") if i.can_view and i.can_write and i.active)
    return sim, ItemRef(Kind.PASSWORD, item.identifier, item.name)


def changed_by_a_request(sim: Simulator, ref: ItemRef) -> bool:
    """The simulator's truth: did a request (not another operator) switch it off?"""
    return any(i == ref.identifier and not active for _, i, active, _ in sim.changes)


def by_id(batches: list[BatchRecord]) -> dict[str, BatchRecord]:
    return {batch.batch_id: batch for batch in batches}


def ids(refs: object) -> set[str]:
    return {ref.identifier for ref in refs}  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Row:
    name: str
    faults: tuple[str, ...]
    expect: Result
    #: A request of this batch really switched the item off (the simulator says).
    ours: bool
    #: Someone else switched it off before the first write.
    other_before: bool = False
    #: Before the n-th write: "other" switches it off, "delete" deletes it (1005).
    between: dict[int, str] = field(default_factory=dict)


def rows() -> list[Row]:
    out = [
        Row("200 changed", (), Result.CHANGED, ours=True),
        Row("200 already: someone else did it before", (), Result.ALREADY, False, True),
    ]
    for fault in APPLIED:
        out += [
            Row(f"{fault} applied, then already", (fault,), Result.UNCERTAIN, ours=True),
            Row(
                f"{fault} applied, then 1005", (fault,), Result.FAILED, True, between={2: "delete"}
            ),
            Row(f"{fault} applied, every attempt", (fault,) * 3, Result.IN_DOUBT, ours=True),
        ]
    for fault in UNAPPLIED:
        out += [
            Row(f"{fault} never applied, then changed", (fault,), Result.CHANGED, ours=True),
            Row(
                f"{fault} never applied, someone else before, then already",
                (fault,),
                Result.UNCERTAIN,
                ours=False,
                other_before=True,
            ),
            Row(
                f"{fault} never applied, someone else in between, then already",
                (fault,),
                Result.UNCERTAIN,
                ours=False,
                between={2: "other"},
            ),
            Row(
                f"{fault} never applied, then 1005",
                (fault,),
                Result.FAILED,
                ours=False,
                between={2: "delete"},
            ),
            Row(f"{fault} never applied, every attempt", (fault,) * 3, Result.IN_DOUBT, ours=False),
        ]
    return out


@pytest.mark.parametrize("row", rows(), ids=lambda row: row.name)
async def test_each_answer_sequence_is_journalled_as_what_is_known(
    tmp_path: Path, row: Row
) -> None:
    sim, ref = fresh()
    events = {
        "other": lambda: sim.set_active("password", ref.identifier, False),
        "delete": lambda: sim.delete("password", ref.identifier),
    }
    hooks = {n: events[what] for n, what in row.between.items()}
    path = tmp_path / "audit.jsonl"
    session = make_session(sim, path, "b", hooks)
    if row.other_before:
        sim.set_active("password", ref.identifier, False)  # another operator, not us
    sim.inject(*row.faults)
    run = session.start(BatchPlan(Action.DEACTIVATE, [ref]))
    await session.wait()
    await session.shutdown()

    [outcome] = run.outcomes.values()
    assert outcome.result is row.expect, (outcome.result, outcome.message)
    assert changed_by_a_request(sim, ref) is row.ours, sim.changes
    # What the journal claims as changed, a request of this batch really changed.
    if outcome.result is Result.CHANGED:
        assert row.ours
    [record] = [r for r in read_records(path) if r["phase"] == "outcome"]
    assert record["result"] == row.expect.value
    if row.expect is Result.UNCERTAIN:
        assert (record["outcome"], record["label"]) == ("uncertain", UNCERTAIN_LABEL)
        assert outcome.row_label == "already inactive (maybe ours)"
        assert outcome.settled and not outcome.changed_by_us and not outcome.undoable
    # An undo sends what the batch changed or left in doubt; the uncertain apart.
    [batch] = load_batches(path)
    plan = session.reverse_plan(batch)
    assert ids(plan.refs) == (
        {ref.identifier} if row.expect in (Result.CHANGED, Result.IN_DOUBT) else set()
    )
    assert ids(plan.uncertain) == ({ref.identifier} if row.expect is Result.UNCERTAIN else set())
    assert ids(run.undoable_refs()) == ids(plan.refs)
    assert ids(session.undo_plan(run).uncertain) == ids(plan.uncertain)


def test_the_activate_label_says_already_active() -> None:
    from tui.ops.outcomes import ItemOutcome

    ref = ItemRef(Kind.PASSWORD, "6", "x")
    outcome = ItemOutcome(ref, Action.ACTIVATE, Result.UNCERTAIN, "has already been activated")
    assert outcome.label == "already active (an attempt of this batch may have done it)"
    assert outcome.row_label == "already active (maybe ours)"


# -- kills: an intent with no outcome, then recover, resume_plan and start -----------------


def kill_a_batch(path: Path, batch_id: str, ref: ItemRef, **extra: Any) -> None:
    """What a SIGKILL leaves: the plan, an intent, no outcome, no end."""
    dead = Journal(path, JournalContext("demo", "sim", "alice"))
    dead.target = Target.of_url(NOMINAL_BASE_URL, client_id=DEMO_CLIENT_ID)  # the sim's
    dead.batch_started(batch_id, Action.DEACTIVATE, [ref], pid=DEAD_PID, **extra)
    dead.intent(ref, Action.DEACTIVATE, batch_id)
    dead.close()


async def the_dead_request_arrives(sim: Simulator, tmp_path: Path, ref: ItemRef) -> None:
    """The killed batch's request, sent before the kill: the server applied it."""
    session = make_session(sim, tmp_path / "elsewhere.jsonl", "x")
    await session.client.deactivate(ref)
    await session.shutdown()


@dataclass(frozen=True)
class Kill:
    name: str
    #: "arrived" (the dead request was applied), "lost" (it never reached the
    #: server), "other" (it never did, someone else switched the item off), "deleted".
    before: str
    expect: Result
    #: What the dead batch's request is settled as (None: still in doubt).
    settled: Result | None
    faults: tuple[str, ...] = ()


KILLS = [
    Kill(
        "applied before the kill, resume answers already",
        "arrived",
        Result.UNCERTAIN,
        Result.UNCERTAIN,
    ),
    Kill("never arrived, resume answers changed", "lost", Result.CHANGED, Result.FAILED),
    Kill(
        "never arrived, someone else did it, already", "other", Result.UNCERTAIN, Result.UNCERTAIN
    ),
    Kill(
        "never arrived, resume's 502 then changed", "lost", Result.CHANGED, Result.FAILED, ("502",)
    ),
    Kill(
        "never arrived, resume's own answer lost",
        "lost",
        Result.UNCERTAIN,
        Result.UNCERTAIN,
        ("lost",),
    ),
    Kill("the item was deleted: 1005 settles nothing", "deleted", Result.FAILED, None),
]


@pytest.mark.parametrize("kill", KILLS, ids=lambda kill: kill.name)
async def test_a_resume_settles_the_killed_batch_with_what_is_known(
    tmp_path: Path, kill: Kill
) -> None:
    sim, ref = fresh()
    path = tmp_path / "audit.jsonl"
    kill_a_batch(path, "dead0001", ref)
    if kill.before == "arrived":
        await the_dead_request_arrives(sim, tmp_path, ref)
    elif kill.before == "other":
        sim.set_active("password", ref.identifier, False)
    elif kill.before == "deleted":
        sim.delete("password", ref.identifier)
    ours_before = changed_by_a_request(sim, ref)

    session = make_session(sim, path, "r")
    [found] = session.recover()
    plan = session.resume_plan(found)
    assert dict(plan.in_doubt) == {("password", ref.identifier): ("dead0001",)}
    sim.inject(*kill.faults)
    run = session.start(plan)
    await session.wait()
    await session.shutdown()

    [outcome] = run.outcomes.values()
    assert outcome.result is kill.expect, outcome.message
    if kill.expect is Result.CHANGED:
        assert not ours_before and changed_by_a_request(sim, ref)
    if kill.expect is Result.UNCERTAIN:
        who = "batch dead0001 or of this batch" if kill.faults else "batch dead0001"
        assert outcome.label == f"already inactive (an attempt of {who} may have done it)"
    batches = by_id(load_batches(path))
    dead, resume = batches["dead0001"], batches["r0001"]
    key = ("password", ref.identifier)
    settles = [r for r in read_records(path) if r["phase"] == "settle"]
    if kill.settled is None:
        assert settles == []
        assert ids(dead.in_doubt()) == {ref.identifier}, "an error answer settles nothing"
    else:
        [settle] = settles
        assert settle["batch_id"] == "dead0001" and settle["settled_by"] == "r0001"
        assert dead.results[key] is kill.settled and dead.in_doubt() == []
    # An undo sends what the batch changed, or whose request is still in doubt;
    # never what was found already so.
    for batch in (dead, resume):
        plan = session.reverse_plan(batch)
        sendable = batch.results.get(key) in (Result.CHANGED, Result.IN_DOUBT)
        assert ids(plan.refs) == ({ref.identifier} if sendable else set())
        if batch.results.get(key) is Result.UNCERTAIN:
            assert ids(plan.uncertain) == {ref.identifier}
    assert session.interrupted() == []


@pytest.mark.parametrize("arrived", [True, False], ids=["A's request applied", "none applied"])
async def test_a_chain_of_kills_settles_every_batch_left_in_doubt(
    tmp_path: Path, arrived: bool
) -> None:
    """A is killed; B resumes it, writes its intent for the item, is killed before
    the request leaves; C resumes B. Both A's and B's requests are in doubt: C's
    answer settles both, and neither is left in doubt."""
    sim, ref = fresh()
    path = tmp_path / "audit.jsonl"
    kill_a_batch(path, "A", ref)
    if arrived:
        await the_dead_request_arrives(sim, tmp_path, ref)
    # B's process: recovers A (closing it, the item in doubt), resumes it, is killed.
    second = make_session(sim, path, "unused")
    [found] = second.recover()
    plan = second.resume_plan(found)
    in_doubt = [
        {"kind": k, "identifier": i, "batch_id": origin}
        for (k, i), origins in plan.in_doubt.items()
        for origin in origins
    ]
    second.close()
    kill_a_batch(path, "B", ref, resumes="A", in_doubt=in_doubt)
    # C's process.
    third = make_session(sim, path, "C")
    [found] = third.recover()
    assert found.batch_id == "B"
    plan = third.resume_plan(found)
    assert dict(plan.in_doubt) == {("password", ref.identifier): ("A", "B")}
    run = third.start(plan)
    await third.wait()
    await third.shutdown()

    [outcome] = run.outcomes.values()
    settles = {r["batch_id"]: r for r in read_records(path) if r["phase"] == "settle"}
    assert set(settles) == {"A", "B"}
    assert all(s["settled_by"] == "C0001" for s in settles.values())
    batches = by_id(load_batches(path))
    key = ("password", ref.identifier)
    if arrived:
        assert outcome.result is Result.UNCERTAIN
        assert outcome.label == "already inactive (an attempt of batch A or B may have done it)"
        assert {s["result"] for s in settles.values()} == {"uncertain"}
    else:
        assert outcome.result is Result.CHANGED and changed_by_a_request(sim, ref)
        assert {s["result"] for s in settles.values()} == {"failed"}
        assert {s["message"] for s in settles.values()} == {
            "not applied: batch C0001 made the change"
        }
    for name in ("A", "B"):
        assert batches[name].in_doubt() == [], f"batch {name} is settled"
        assert batches[name].doubt_origins() == {}
        assert batches[name].results[key] is not Result.IN_DOUBT
        assert third.reverse_plan(batches[name]).refs == []
    assert third.interrupted() == []


def test_older_journals_read_changed_answer_lost_as_uncertain(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    ref = ItemRef(Kind.PASSWORD, "6", "x")
    old = Journal(path, JournalContext("demo", "sim", "alice"))
    old.batch_started("old1", Action.DEACTIVATE, [ref, ItemRef(Kind.PASSWORD, "7", "y")])
    old.close()
    with path.open("a", encoding="utf-8") as handle:
        # A result older versions wrote, and an older journal with only the label.
        handle.write(
            '{"phase": "outcome", "batch_id": "old1", "kind": "password", "identifier": "6",'
            ' "result": "changed_answer_lost", "outcome": "deactivated (first answer lost)"}\n'
            '{"phase": "outcome", "batch_id": "old1", "kind": "password", "identifier": "7",'
            ' "outcome": "deactivated (first answer lost)"}\n'
            '{"phase": "batch_end", "batch_id": "old1", "state": "done"}\n'
        )
    [batch] = load_batches(path)
    assert set(batch.results.values()) == {Result.UNCERTAIN}
    assert batch.undoable() == [] and ids(batch.uncertain()) == {"6", "7"}
