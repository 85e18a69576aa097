"""Bounds on what a server controls: the body caps, the request deadline, cancelling.

Against the simulator's body faults, in-process and over a real socket, with the
memory the client used measured (tracemalloc's peak) against the caps.
"""

from __future__ import annotations

import asyncio
import gzip
import time
import tracemalloc
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from tui.api import (
    Action,
    AnswerTooLargeError,
    ClientSettings,
    DeadlineExceededError,
    Kind,
    MySafeClient,
    Result,
    RetryPolicy,
)
from tui.api.exchange import Bounds, read_capped
from tui.ops.outcomes import from_client
from tui.settings.launch import UsageError, resolve
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Simulator, SimulatorConfig, serve

MB = 1024 * 1024
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.005, deadline=10)

Connect = Callable[..., AbstractAsyncContextManager[MySafeClient]]


def settings_for(base_url: str, **overrides: object) -> ClientSettings:
    values: dict[str, object] = {
        "base_url": base_url,
        "client_id": DEMO_CLIENT_ID,
        "client_secret": SecretStr(DEMO_CLIENT_SECRET),
        "retry": FAST_RETRY,
    }
    values.update(overrides)
    return ClientSettings(**values)  # type: ignore[arg-type]


@asynccontextmanager
async def in_process(sim: Simulator, **overrides: object) -> AsyncIterator[MySafeClient]:
    client = MySafeClient(settings_for(sim.base_url, **overrides), transport=sim.transport())
    async with client:
        yield client


@asynccontextmanager
async def over_a_socket(sim: Simulator, **overrides: object) -> AsyncIterator[MySafeClient]:
    async with serve(sim) as url, MySafeClient(settings_for(url, **overrides)) as client:
        yield client


ADAPTERS = pytest.mark.parametrize("connect", [in_process, over_a_socket], ids=["inproc", "socket"])


@asynccontextmanager
async def peak_memory() -> AsyncIterator[list[int]]:
    """The peak of Python's allocations inside the block, in bytes (in ``[0]``)."""
    found = [0]
    tracemalloc.start()
    try:
        yield found
    finally:
        found[0] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def writable_ref(sim: Simulator) -> tuple[str, Action]:
    item = next(i for i in sim.items("password") if i.can_view and i.can_write and i.active)
    return item.identifier, Action.DEACTIVATE


# -- the body caps ----------------------------------------------------------------------


@ADAPTERS
async def test_a_huge_declared_list_is_refused_before_a_byte_of_it_is_read(
    connect: Connect,
) -> None:
    sim = Simulator()
    async with connect(sim) as client:
        await client.authenticate()
        sim.inject("huge")
        async with peak_memory() as peak:
            with pytest.raises(AnswerTooLargeError) as refused:
                await client.list_items(Kind.PASSWORD)
        assert (await client.list_items(Kind.PASSWORD)).items, "the client is still usable"
    message = str(refused.value)
    assert message.startswith("Answer too large: GET /api/mysafe/password: HTTP 200")
    assert "over the 64 MB cap for list answers (it declares 3000000000 bytes)" in message
    assert "raise max_list_mb in the profile" in message
    assert refused.value.status == 200 and refused.value.request_id
    assert refused.value.attempts == 1, "a refusal is not retried"
    assert peak[0] < 2 * MB


@ADAPTERS
async def test_an_endless_list_is_cut_off_at_its_cap(connect: Connect) -> None:
    sim = Simulator()
    async with connect(sim, max_list_bytes=4 * MB) as client:
        await client.authenticate()
        sim.inject("endless")
        async with peak_memory() as peak:
            with pytest.raises(AnswerTooLargeError) as refused:
                await client.list_items(Kind.PASSWORD)
        assert (await client.list_items(Kind.PASSWORD)).items, "the client is still usable"
    assert "over the 4 MB cap for list answers (it went past that" in str(refused.value)
    assert peak[0] < 6 * MB, "at most about the cap, not a multiple of it"


async def test_the_default_list_cap_holds_an_endless_body_over_a_socket() -> None:
    sim = Simulator()
    async with over_a_socket(sim) as client:
        await client.authenticate()
        sim.inject("endless")
        async with peak_memory() as peak:
            with pytest.raises(AnswerTooLargeError, match="over the 64 MB cap"):
                await client.list_items(Kind.PASSWORD)
    assert peak[0] < 80 * MB


@ADAPTERS
@pytest.mark.parametrize("fault", ["endless", "huge"])
async def test_an_action_whose_answer_is_too_large_is_in_doubt(
    connect: Connect, fault: str
) -> None:
    sim = Simulator()
    identifier, action = writable_ref(sim)
    async with connect(sim) as client:
        items = (await client.list_items(Kind.PASSWORD)).items
        ref = next(item.ref for item in items if item.identifier == identifier)
        sim.inject(fault)
        async with peak_memory() as peak:
            [outcome] = await client.set_active_many([ref], action)
    assert outcome.result is Result.IN_DOUBT
    assert isinstance(outcome.error, AnswerTooLargeError) and outcome.error.maybe_applied
    assert "over the 1 MB cap for answers" in outcome.message
    assert from_client(outcome).result is Result.IN_DOUBT
    assert not sim.is_active("password", identifier), "the server did apply it"
    assert peak[0] < 3 * MB


async def test_a_token_answer_is_capped_too() -> None:
    sim = Simulator()
    sim.inject("endless", routes="token")
    async with in_process(sim) as client:
        with pytest.raises(AnswerTooLargeError, match=r"POST /api/oauth2/token: .* 1 MB cap"):
            await client.authenticate()


# -- the request deadline ---------------------------------------------------------------


@ADAPTERS
async def test_a_trickling_list_fails_at_the_deadline(connect: Connect) -> None:
    sim = Simulator()
    sim.faults.trickle = 0.01  # far under the read timeout: only the deadline ends it
    async with connect(sim, read_timeout=5.0, request_deadline=0.3) as client:
        await client.authenticate()
        sim.inject("trickle")
        started = time.monotonic()
        with pytest.raises(DeadlineExceededError) as late:
            await client.list_items(Kind.PASSWORD)
        took = time.monotonic() - started
        assert (await client.list_items(Kind.PASSWORD)).items, "the client is still usable"
    assert str(late.value) == "Timed out: GET /api/mysafe/password: no complete answer within 0.3 s"
    assert 0.3 <= took < 3
    lists = [status for _, path, status in sim.request_log if path == "/api/mysafe/password"]
    assert lists == ["trickle 200", 200], "a deadline is not retried"


@ADAPTERS
async def test_an_action_past_the_deadline_is_in_doubt(connect: Connect) -> None:
    sim = Simulator()
    sim.faults.trickle = 0.01
    identifier, action = writable_ref(sim)
    async with connect(sim, request_deadline=0.2) as client:
        items = (await client.list_items(Kind.PASSWORD)).items
        ref = next(item.ref for item in items if item.identifier == identifier)
        sim.inject("trickle")
        [outcome] = await client.set_active_many([ref], action)
    assert isinstance(outcome.error, DeadlineExceededError)
    assert outcome.message.endswith(f"/inactive/{identifier}: no complete answer within 0.2 s")
    assert from_client(outcome).result is Result.IN_DOUBT
    assert not sim.is_active("password", identifier)


async def test_the_deadline_covers_the_token_request() -> None:
    sim = Simulator(SimulatorConfig())
    sim.faults.trickle = 0.01
    sim.inject("trickle", routes="token")
    async with in_process(sim, request_deadline=0.2) as client:
        with pytest.raises(DeadlineExceededError, match="oauth2/token: no complete answer"):
            await client.authenticate()


def test_the_bounds_must_be_positive() -> None:
    from tui.api import ConfigurationError

    for bad in ({"request_deadline": 0}, {"max_list_bytes": 0}, {"max_answer_bytes": -1}):
        with pytest.raises(ConfigurationError):
            MySafeClient(settings_for("https://vault.example.com", **bad))


# -- cancelling a load ------------------------------------------------------------------


@ADAPTERS
@pytest.mark.parametrize("fault", ["trickle", "endless"])
async def test_cancelling_a_list_load_ends_it_promptly(connect: Connect, fault: str) -> None:
    sim = Simulator()
    sim.faults.trickle = 0.05
    async with connect(sim, request_deadline=60.0, max_list_bytes=10_000 * MB) as client:
        await client.authenticate()
        sim.inject(fault)
        load = asyncio.create_task(client.list_items(Kind.PASSWORD))
        while not any(status == f"{fault} 200" for _, _, status in sim.request_log):
            await asyncio.sleep(0.005)  # until the server is answering
        started = time.monotonic()
        load.cancel()
        with pytest.raises(asyncio.CancelledError):
            await load
        assert time.monotonic() - started < 1.0
        assert (await client.list_items(Kind.PASSWORD)).items, "the client is still usable"


# -- the profile keys -------------------------------------------------------------------


def test_the_profile_sets_the_deadline_the_list_cap_and_the_rate_limit_patience(
    tmp_path: Path,
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[profiles.big]\nurl = "https://vault.example.com"\nclient_id = "id"\n'
        "request_deadline = 12.5\nmax_list_mb = 256\nrate_limit_patience = 7\n"
        '[profiles.plain]\nurl = "https://other.example.com"\nclient_id = "id"\n'
    )
    config.chmod(0o600)

    def settings_of(profile: str) -> ClientSettings:
        chosen = resolve(
            demo=False,
            url=None,
            client_id=None,
            tenant=None,
            ca_bundle=None,
            insecure=False,
            read_only=False,
            concurrency=None,
            environ={"MYSAFE_CLIENT_SECRET": "s3cret"},
            config_path=config,
            profile=profile,
        )
        assert chosen.client is not None
        return chosen.client

    big, plain = settings_of("big"), settings_of("plain")
    assert (big.request_deadline, big.max_list_bytes) == (12.5, 256 * MB)
    assert (plain.request_deadline, plain.max_list_bytes) == (30.0, 64 * MB)
    assert plain.max_answer_bytes == 1 * MB
    assert (big.retry.rate_limit_patience, plain.retry.rate_limit_patience) == (7, 120)
    config.write_text(config.read_text().replace("= 7", "= -1"))
    with pytest.raises(UsageError, match="rate_limit_patience"):
        settings_of("big")
    config.write_text(config.read_text().replace("= -1", "= 7").replace("12.5", "0"))
    with pytest.raises(UsageError, match="request_deadline"):
        settings_of("big")


async def test_an_encoded_answer_is_decoded_and_capped_by_what_it_decodes_to() -> None:
    def streamed(body: bytes, headers: dict[str, str]) -> httpx.Response:
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(body))

    text = b'{"status": 200, "items": []}' * 10
    bounds = Bounds(deadline=5, limit=len(text))
    plain = streamed(text, {})
    assert await read_capped(plain, bounds, "GET /plain") == text
    zipped = streamed(gzip.compress(text), {"content-encoding": "gzip"})
    assert await read_capped(zipped, bounds, "GET /gzip") == text
    # Small on the wire, past the cap once decoded: refused, as a bomb must be.
    bomb = streamed(gzip.compress(text + b" "), {"content-encoding": "gzip"})
    with pytest.raises(AnswerTooLargeError, match="went past that"):
        await read_capped(bomb, bounds, "GET /bomb")
