"""The simulator's body faults: a trickle, an endless body, a huge one, on both adapters.

These talk to the simulator with bare httpx (no client, no caps), so they show what
the faults send; tests/unit/test_bounds.py shows what the client makes of them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest

from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, FaultConfig, Simulator, serve
from tui.simulator.cli import SimulateOptions, build_simulator
from tui.simulator.faults import HUGE_LENGTH

Connect = Callable[[Simulator], AbstractAsyncContextManager[httpx.AsyncClient]]


@asynccontextmanager
async def in_process(sim: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=sim.transport(), base_url=sim.base_url) as http:
        yield http


@asynccontextmanager
async def over_a_socket(sim: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(sim) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


ADAPTERS = pytest.mark.parametrize("connect", [in_process, over_a_socket], ids=["inproc", "socket"])


async def bearer(http: httpx.AsyncClient) -> dict[str, str]:
    answer = await http.post(
        "/api/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
        },
    )
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@ADAPTERS
async def test_a_trickle_sends_the_whole_answer_one_byte_at_a_time(connect: Connect) -> None:
    sim = Simulator()
    sim.faults.trickle = 0.0005
    async with connect(sim) as http:
        headers = await bearer(http)
        target = next(i for i in sim.items("password") if i.can_write and i.active)
        sim.inject("trickle")
        path = f"/api/mysafe/password/inactive/{target.identifier}"
        async with http.stream("POST", path, headers=headers) as answer:
            pieces = [piece async for piece in answer.aiter_raw()]
    assert answer.status_code == 200
    assert len(pieces) > 100, "the body came in many small pieces"
    assert json.loads(b"".join(pieces))["response"]["message"].startswith("Password successfully")
    assert not sim.is_active("password", target.identifier), "the change was applied"
    assert sim.request_log[-1] == ("POST", path, "trickle 200")


@ADAPTERS
@pytest.mark.parametrize("fault", ["endless", "huge"])
async def test_an_endless_list_goes_on_listing_entries(connect: Connect, fault: str) -> None:
    sim = Simulator()
    async with connect(sim) as http:
        headers = await bearer(http)
        sim.inject(fault)
        received = bytearray()
        async with http.stream("GET", "/api/mysafe/password", headers=headers) as answer:
            async for piece in answer.aiter_raw():
                received += piece
                if len(received) > 2_000_000:
                    break  # it would go on for ever
    declared = answer.headers.get("content-length")
    assert declared == (str(HUGE_LENGTH) if fault == "huge" else None)
    text = bytes(received).decode()
    assert text.startswith('{"code": 200') and '"password_on_list": [{"identifier": ' in text
    assert text.count('"identifier"') > 5_000
    assert sim.request_log[-1] == ("GET", "/api/mysafe/password", f"{fault} 200")


async def test_body_fault_rates_are_drawn_and_validated() -> None:
    sim = Simulator()
    sim.config.faults = sim.injector.config = FaultConfig(trickle_rate=1.0, trickle=0.0)
    async with in_process(sim) as http:
        answer = await http.get("/api/mysafe/password")
    assert answer.status_code == 401 and sim.request_log[-1][2] == "trickle 401"
    with pytest.raises(ValueError, match="must not exceed 1"):
        FaultConfig(endless_rate=0.6, huge_rate=0.6).validate()
    with pytest.raises(ValueError, match="must not be negative"):
        FaultConfig(trickle=-1).validate()


def test_the_simulate_command_selects_the_body_faults() -> None:
    sim = build_simulator(
        SimulateOptions(trickle_rate=0.2, trickle_s=2.5, endless_rate=0.1, huge_rate=0.3)
    )
    faults = sim.faults
    assert (faults.trickle_rate, faults.trickle, faults.endless_rate, faults.huge_rate) == (
        0.2,
        2.5,
        0.1,
        0.3,
    )
