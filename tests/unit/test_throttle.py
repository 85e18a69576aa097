"""The client's throttle on virtual time: the pause after a 429, the number in
flight cut and grown back, once per episode told (tui/api/throttle.py)."""

from __future__ import annotations

import asyncio

import pytest

from tui.api import RateLimitedError, RateLimitNotice
from tui.api.throttle import Held, Throttle

from support.virtual_time import VirtualTimeLoop, run_virtual


def make(loop: VirtualTimeLoop, ceiling: int = 16, patience: float = 120.0) -> Throttle:
    return Throttle(ceiling, clock=loop.time, sleep=asyncio.sleep, patience=patience)


def test_calm_it_only_counts() -> None:
    async def main(loop: VirtualTimeLoop) -> None:
        throttle = make(loop, ceiling=4)
        tickets = [await throttle.enter() for _ in range(4)]
        assert throttle.in_flight == 4 and throttle.calm
        for ticket in tickets:
            throttle.leave(ticket, 200)
        assert throttle.in_flight == 0 and throttle.limit == 4 and throttle.calm
        assert loop.time() == 1000.0

    run_virtual(main)


def test_after_a_429_nobody_enters_before_the_reset() -> None:
    async def main(loop: VirtualTimeLoop) -> list[float]:
        throttle = make(loop)
        ticket = await throttle.enter()
        throttle.leave(ticket, 429, wait=5.0)
        entered: list[float] = []

        async def one() -> None:
            ticket = await throttle.enter()
            entered.append(loop.time())
            throttle.leave(ticket, 200)

        await asyncio.gather(*(one() for _ in range(10)))
        return entered

    entered = run_virtual(main)
    assert len(entered) == 10 and min(entered) >= 1005.0


def test_one_round_of_429s_halves_once_then_it_grows_back_by_one_per_window() -> None:
    async def main(loop: VirtualTimeLoop) -> None:
        throttle = make(loop, ceiling=16)
        tickets = [await throttle.enter() for _ in range(6)]
        for ticket in tickets:  # six answers to one round: one decrease
            throttle.leave(ticket, 429, wait=0.0)
        assert throttle.limit == 8 and not throttle.calm
        limits = []
        while not throttle.calm:
            ticket = await throttle.enter()
            throttle.leave(ticket, 200)
            limits.append(throttle.limit)
        # 8 answers at 8 make it 9, 9 at 9 make it 10, ... up to 16.
        assert limits.count(8) == 7 and limits.count(9) == 9 and limits[-1] == 16
        assert len(limits) == sum(range(8, 16))

    run_virtual(main)


def test_the_decrease_stops_at_one() -> None:
    async def main(loop: VirtualTimeLoop) -> None:
        throttle = make(loop, ceiling=16)
        for _ in range(10):
            ticket = await throttle.enter()
            throttle.leave(ticket, 429, wait=0.0)
        assert throttle.limit == 1

    run_virtual(main)


def test_in_flight_never_passes_the_limit_and_every_request_gets_through() -> None:
    async def main(loop: VirtualTimeLoop) -> tuple[int, int]:
        throttle = make(loop, ceiling=8)
        ticket = await throttle.enter()
        throttle.leave(ticket, 429, wait=1.0)  # now 4 at a time
        most = 0
        done = 0

        async def one(index: int) -> None:
            nonlocal most, done
            ticket = await throttle.enter()
            most = max(most, throttle.in_flight)
            assert throttle.in_flight <= throttle.limit
            await asyncio.sleep(0.01)
            throttle.leave(ticket, 429 if index == 20 else 200, wait=1.0)
            done += 1

        await asyncio.gather(*(one(i) for i in range(100)))
        return most, done

    most, done = run_virtual(main)
    assert done == 100 and most <= 8


def test_a_cancelled_waiter_leaks_no_turn() -> None:
    async def main(loop: VirtualTimeLoop) -> None:
        throttle = make(loop, ceiling=2)
        ticket = await throttle.enter()
        throttle.leave(ticket, 429, wait=0.0)  # one at a time
        first = await throttle.enter()
        waiting = asyncio.ensure_future(throttle.enter())
        await asyncio.sleep(0)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        throttle.leave(first, 200)
        assert throttle.in_flight == 0
        second = await throttle.enter()
        assert throttle.in_flight == 1
        throttle.leave(second, 200)

    run_virtual(main)


def test_a_pause_past_patience_fails_at_once_without_waiting() -> None:
    async def main(loop: VirtualTimeLoop) -> None:
        throttle = make(loop, patience=60.0)
        ticket = await throttle.enter()
        throttle.leave(ticket, 429, wait=600.0)
        with pytest.raises(RateLimitedError, match="not sent") as caught:
            await throttle.enter()
        assert caught.value.retry_after == pytest.approx(600.0)
        assert throttle.in_flight == 0 and loop.time() == 1000.0

    run_virtual(main)


def test_the_time_waited_is_held_for_the_deadline() -> None:
    async def main(loop: VirtualTimeLoop) -> float:
        throttle = make(loop)
        ticket = await throttle.enter()
        throttle.leave(ticket, 429, wait=7.5)
        held = Held()
        ticket = await throttle.enter(held)
        throttle.leave(ticket, 200)
        return held.seconds

    assert run_virtual(main) == pytest.approx(7.5)


def test_told_once_per_episode_and_once_per_batch() -> None:
    async def main(loop: VirtualTimeLoop) -> list[RateLimitNotice]:
        throttle = make(loop, ceiling=2)
        heard: list[RateLimitNotice] = []
        throttle.listeners.append(heard.append)
        for _ in range(3):  # one episode: three 429s
            ticket = await throttle.enter()
            throttle.leave(ticket, 429, wait=2.0, request_id="r")
        assert len(heard) == 1
        throttle.new_batch()  # a new batch hears of the limit still in force
        ticket = await throttle.enter()
        throttle.leave(ticket, 429, wait=2.0)
        assert len(heard) == 2
        while not throttle.calm:  # the episode ends: back to full speed
            ticket = await throttle.enter()
            throttle.leave(ticket, 200)
        ticket = await throttle.enter()
        throttle.leave(ticket, 429, wait=3.0)  # a new episode
        return heard

    heard = run_virtual(main)
    assert len(heard) == 3
    assert heard[0] == RateLimitNotice(2.0, 1, 2, "r")
    assert heard[2].wait == 3.0
