"""Batches against a rate-limiting gateway, on virtual time: every item settles,
none is retried sooner than the gateway asked, and nobody sends while it said it
takes nothing (issue 22). Times are the virtual clock's, read at the transport."""

from __future__ import annotations

import asyncio
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from pydantic import SecretStr

from tui.api import (
    Action,
    ClientSettings,
    MySafeClient,
    Outcome,
    RateLimitNotice,
    Result,
    RetryPolicy,
)
from tui.api.parsing import retry_after
from tui.ops import (
    BatchPlan,
    BatchRun,
    ItemOutcome,
    Journal,
    JournalContext,
    Session,
    counter_ids,
    read_records,
)
from tui.ops.wording import rate_limit_words
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, FaultConfig, Simulator
from tui.simulator import SimulatorConfig as Config

from support.sims import writable_refs
from support.virtual_time import VirtualTimeLoop, run_virtual

ITEMS = 300
LATENCY = 0.02
CONCURRENCY = 16


@dataclass
class Recording(httpx.AsyncBaseTransport):
    """The simulator's transport, noting when each request left and was answered."""

    inner: httpx.AsyncBaseTransport
    clock: VirtualTimeLoop
    #: (time, path) of every request, as it left.
    sent: list[tuple[float, str]] = field(default_factory=list)
    #: (time, path, the wait it asked) of every 429, as it came.
    limited: list[tuple[float, str, float]] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.sent.append((self.clock.time(), path))
        response = await self.inner.handle_async_request(request)
        if response.status_code == 429:
            wait = retry_after(response.headers)
            assert wait is not None
            self.limited.append((self.clock.time(), path, wait))
        return response


@dataclass
class Run:
    outcomes: list[Outcome]
    recording: Recording
    notices: list[RateLimitNotice]
    seconds: float


def run_batch_against(faults: FaultConfig) -> Run:
    async def main(loop: VirtualTimeLoop) -> Run:
        sim = Simulator(
            Config(seed=5, passwords=2 * ITEMS, api_secrets=0, clock=loop.time, faults=faults)
        )
        refs = writable_refs(sim)[:ITEMS]
        assert len(refs) == ITEMS
        recording = Recording(sim.transport(), loop)
        settings = ClientSettings(
            base_url=sim.base_url,
            client_id=DEMO_CLIENT_ID,
            client_secret=SecretStr(DEMO_CLIENT_SECRET),
            concurrency=CONCURRENCY,
            retry=RetryPolicy(),
        )
        notices: list[RateLimitNotice] = []
        client = MySafeClient(
            settings,
            transport=recording,
            clock=loop.time,
            sleep=asyncio.sleep,
            rng=random.Random(7).random,
        )
        async with client:
            await client.authenticate()
            started = loop.time()
            outcomes = await client.set_active_many(
                refs, Action.DEACTIVATE, on_rate_limit=notices.append
            )
            seconds = loop.time() - started
        return Run(outcomes, recording, notices, seconds)

    return run_virtual(main)


def check_waits_honoured(recording: Recording) -> None:
    """No request of the limited item before its wait is over, and no request at
    all strictly inside a wait the gateway announced."""
    sent = recording.sent
    for answered, path, wait in recording.limited:
        again = [t for t, p in sent if p == path and t >= answered]
        assert again, f"{path} was never sent again"
        assert min(again) >= answered + wait - 1e-9, f"{path} retried too soon"
        early = [t for t, _ in sent if answered < t < answered + wait - 1e-9]
        assert early == [], f"sent during a wait announced at {answered}"


def test_300_items_every_third_request_limited_all_settle_and_no_wait_is_cut() -> None:
    wait = 1
    run = run_batch_against(FaultConfig(latency=LATENCY, rate_limit_every=3, rate_limit_wait=wait))
    assert len(run.outcomes) == ITEMS
    assert {o.result for o in run.outcomes} == {Result.CHANGED}
    limited = run.recording.limited
    requests = len(run.recording.sent) - 1  # the token's is not limited
    assert len(limited) == requests // 3 and requests == ITEMS + len(limited)
    check_waits_honoured(run.recording)
    assert run.notices and run.notices[0].wait == wait
    assert run.notices[0].in_flight == CONCURRENCY // 2
    # The floor of this gateway: each 429 announces that nothing is taken for the
    # next `wait` s (RateLimit-Remaining 0), and a round of CONCURRENCY requests
    # gets at most two thirds through; so at least this many rounds, a wait each.
    rounds = math.ceil(ITEMS / (CONCURRENCY - CONCURRENCY // 3)) - 1
    floor = rounds * wait
    print(
        f"\nevery third limited: {ITEMS} items in {run.seconds:.1f} virtual s, "
        f"{len(limited)} 429s, {requests} requests; floor {floor} s"
    )
    assert run.seconds >= floor


def test_300_items_under_a_window_limit_near_its_floor() -> None:
    per_second = 10
    run = run_batch_against(
        FaultConfig(latency=LATENCY, rate_limit=per_second, rate_limit_period="second")
    )
    assert {o.result for o in run.outcomes} == {Result.CHANGED}
    check_waits_honoured(run.recording)
    # 300 answers at 10 a second: the 30th window is the first that can hold the last.
    floor = ITEMS / per_second - 1
    print(
        f"\n{per_second} a second: {ITEMS} items in {run.seconds:.1f} virtual s, "
        f"{len(run.recording.limited)} 429s; floor {floor:.0f} s"
    )
    assert run.seconds >= floor - 1


def test_a_batch_unlimited_is_not_slowed() -> None:
    run = run_batch_against(FaultConfig(latency=LATENCY))
    assert {o.result for o in run.outcomes} == {Result.CHANGED}
    assert run.notices == [] and run.recording.limited == []
    # CONCURRENCY at a time, LATENCY each: the throttle adds nothing.
    assert math.isclose(run.seconds, math.ceil(ITEMS / CONCURRENCY) * LATENCY, rel_tol=0.01)


# -- through the core: the listener hears it, the journal keeps the request ids ---------


class Listener:
    """A batch listener that hears rate limits too."""

    def __init__(self) -> None:
        self.heard: list[tuple[str, RateLimitNotice]] = []

    def batch_started(self, run: BatchRun) -> None:
        pass

    def item_done(self, run: BatchRun, outcome: ItemOutcome) -> None:
        pass

    def batch_finished(self, run: BatchRun) -> None:
        pass

    def journal_failed(self, message: str) -> None:
        pass

    def rate_limited(self, run: BatchRun, notice: RateLimitNotice) -> None:
        self.heard.append((run.batch_id, notice))


class DeafListener(Listener):
    rate_limited = None  # type: ignore[assignment]  # a listener of before issue 22


def limited_session(tmp_path: Path) -> tuple[Simulator, Session]:
    faults = FaultConfig(rate_limit_every=3, rate_limit_wait=0)
    sim = Simulator(Config(seed=2, passwords=40, api_secrets=0, faults=faults))
    settings = ClientSettings(
        base_url=sim.base_url,
        client_id=DEMO_CLIENT_ID,
        client_secret=SecretStr(DEMO_CLIENT_SECRET),
        concurrency=4,
    )
    client = MySafeClient(settings, transport=sim.transport())
    journal = Journal(tmp_path / "audit.jsonl", JournalContext("demo", "sim", "alice"))
    return sim, Session(client, journal=journal, new_batch_id=counter_ids("b"))


async def test_the_listener_hears_the_limit_once_and_the_journal_keeps_request_ids(
    tmp_path: Path,
) -> None:
    sim, session = limited_session(tmp_path)
    listener = Listener()
    run = session.start(
        BatchPlan(Action.DEACTIVATE, writable_refs(sim)[:10]), "INC-9", listener=listener
    )
    await session.wait()
    assert run.state == "done" and run.ok
    assert [batch for batch, _ in listener.heard] == [run.batch_id]
    assert run.rate_limits == [notice for _, notice in listener.heard]
    assert "rate limited, waiting 0 s" in rate_limit_words(listener.heard[0][1])
    answered = {request_id for _kind, _identifier, _active, request_id in sim.changes}
    outcomes = [r for r in read_records(tmp_path / "audit.jsonl") if r["phase"] == "outcome"]
    assert len(outcomes) == 10
    assert {r["request_id"] for r in outcomes} == answered


async def test_a_listener_without_rate_limited_still_runs_the_batch(tmp_path: Path) -> None:
    sim, session = limited_session(tmp_path)
    run = session.start(
        BatchPlan(Action.DEACTIVATE, writable_refs(sim)[:6]), "INC-9", listener=DeafListener()
    )
    await session.wait()
    assert run.state == "done" and len(run.rate_limits) == 1


def test_items_waiting_their_turn_when_a_batch_is_stopped_were_never_sent() -> None:
    """A long rate limit, then a stop: what waited in the throttle is not attempted
    (its intent is on record, no request ever left), never "in doubt"; only what
    reached the gateway may be in doubt."""

    async def main(loop: VirtualTimeLoop) -> tuple[list[ItemOutcome], Recording, list[str]]:
        faults = FaultConfig(latency=LATENCY, rate_limit_every=2, rate_limit_wait=100)
        sim = Simulator(Config(seed=5, passwords=40, api_secrets=0, clock=loop.time, faults=faults))
        recording = Recording(sim.transport(), loop)
        settings = ClientSettings(
            base_url=sim.base_url,
            client_id=DEMO_CLIENT_ID,
            client_secret=SecretStr(DEMO_CLIENT_SECRET),
            concurrency=4,
        )
        client = MySafeClient(
            settings, transport=recording, clock=loop.time, sleep=asyncio.sleep,
            rng=random.Random(3).random,
        )  # fmt: skip
        journal = Journal(Path(tmp) / "audit.jsonl", JournalContext("demo", "sim", "alice"))
        session = Session(client, journal=journal, new_batch_id=counter_ids("b"))
        run = session.start(BatchPlan(Action.DEACTIVATE, writable_refs(sim)[:16]), "INC-7")
        while not run.rate_limits:
            await asyncio.sleep(0.01)  # virtual: the loop jumps to its next timer
        await asyncio.sleep(1)  # the free workers take their next items, and wait
        session.stop(grace=1.0)
        await session.wait()
        intents = [
            r["identifier"]
            for r in read_records(Path(tmp) / "audit.jsonl")
            if r["phase"] == "intent"
        ]
        return list(run.outcomes.values()), recording, intents

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        outcomes, recording, intents = run_virtual(main)
    reached = {path.rstrip("/").rsplit("/", 1)[-1] for _, path in recording.sent}
    assert len(reached) > 1, recording.sent
    for outcome in outcomes:
        if outcome.ref.identifier not in reached:
            assert outcome.result is Result.NOT_ATTEMPTED, outcome
    waited = [
        o for o in outcomes if o.ref.identifier in intents and o.ref.identifier not in reached
    ]
    assert waited, "some items had their intent written and waited their turn"
    assert all(o.result is Result.NOT_ATTEMPTED and "not sent" in o.message for o in waited)
    doubt = [o for o in outcomes if o.result is Result.IN_DOUBT]
    assert doubt and all(o.ref.identifier in reached for o in doubt)
