"""The client against the simulator: the two halves agree, faults included."""

from __future__ import annotations

from collections import Counter

import pytest
from pydantic import SecretStr

from tui.api import (
    Action,
    ClientSettings,
    GatewayError,
    InactiveError,
    Kind,
    MySafeClient,
    NoAccessError,
    RequestTimeoutError,
    Result,
    RetryPolicy,
)
from tui.simulator import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    FaultConfig,
    Simulator,
    SimulatorConfig,
    serve,
)

FAST_RETRY = RetryPolicy(attempts=4, base_delay=0.001, max_delay=0.01, deadline=10)


def client_for(sim: Simulator, url: str | None = None, **overrides: object) -> MySafeClient:
    values: dict[str, object] = {
        "base_url": url or sim.base_url,
        "client_id": DEMO_CLIENT_ID,
        "client_secret": SecretStr(DEMO_CLIENT_SECRET),
        "retry": FAST_RETRY,
    }
    values.update(overrides)
    settings = ClientSettings(**values)  # type: ignore[arg-type]
    return MySafeClient(settings, transport=None if url else sim.transport())


async def test_list_get_and_deactivate_round_trip() -> None:
    sim = Simulator()
    async with client_for(sim) as client:
        passwords = await client.list_items(Kind.PASSWORD)
        secrets = await client.list_items(Kind.API_SECRET)
        assert len(passwords.items) == sum(1 for i in sim.items("password") if i.can_view)
        assert passwords.skipped == secrets.skipped == 0
        assert any("␛]52;" in item.name for item in passwords.items), "names arrive cleaned"
        target = next(item for item in passwords.items if item.can_write)
        detail = await client.get_item(Kind.PASSWORD, target.identifier)
        assert detail.name == target.name
        result = await client.deactivate(target.ref)
        assert result.changed and not sim.is_active("password", target.identifier)
        with pytest.raises(InactiveError):
            await client.get_item(Kind.PASSWORD, target.identifier)
        readonly = next(item for item in passwords.items if not item.can_write)
        with pytest.raises(NoAccessError) as info:
            await client.deactivate(readonly.ref)
        assert info.value.server_message == "1006: User does not have access"


async def test_token_is_refreshed_when_it_expires_mid_session() -> None:
    now = [0.0]
    sim = Simulator(SimulatorConfig(token_lifetime=10, clock=lambda: now[0]))
    client = client_for(sim)
    client._tokens._clock = lambda: now[0]
    async with client:
        await client.list_items(Kind.PASSWORD)
        now[0] += 9.5  # past 90% of the lifetime: refreshed before it is refused
        await client.list_items(Kind.PASSWORD)
        assert client.token_fetches == 2
        sim.expire_tokens()  # revoked server-side: the 401 path refreshes once
        await client.list_items(Kind.PASSWORD)
        assert client.token_fetches == 3
    statuses = [status for method, path, status in sim.request_log if "mysafe" in path]
    assert statuses == [200, 200, 401, 200]


async def test_retries_recover_from_injected_gateway_faults_and_timeouts() -> None:
    sim = Simulator(SimulatorConfig(faults=FaultConfig(hang=5.0)))
    async with client_for(sim, read_timeout=0.05) as client:
        await client.authenticate()
        sim.inject("502", "hang", "504")
        result = await client.list_items(Kind.PASSWORD)
        assert result.items
        sim.inject("503", "drop")
        target = next(i for i in result.items if i.can_write)
        outcome = await client.deactivate(target.ref)
        assert outcome.changed and outcome.attempts == 3


async def test_persistent_faults_give_up_cleanly() -> None:
    sim = Simulator()
    async with client_for(sim, read_timeout=0.05) as client:
        await client.authenticate()
        sim.inject("502", "502", "502", "502", "502")
        with pytest.raises(GatewayError) as gateway:
            await client.list_items(Kind.PASSWORD)
        assert gateway.value.attempts == 4
        sim.faults.hang = 5.0
        sim.inject("hang", "hang", "hang", "hang")
        with pytest.raises(RequestTimeoutError):
            await client.list_items(Kind.PASSWORD)
        # And the client is still usable afterwards.
        assert (await client.list_items(Kind.PASSWORD)).items


async def test_batch_with_random_faults_ends_with_every_item_known() -> None:
    faults = FaultConfig(error_rate=0.15, drop_rate=0.1, seed=7)
    sim = Simulator(SimulatorConfig(passwords=300, api_secrets=0, token_lifetime=5))
    async with client_for(sim, concurrency=8) as client:
        items = (await client.list_items(Kind.PASSWORD)).items
        sim.config.faults = faults
        sim.injector.config = faults
        sim.injector.reseed(7)
        outcomes = await client.set_active_many([i.ref for i in items], Action.DEACTIVATE)
    assert len(outcomes) == len(items)
    by_status = Counter(o.result for o in outcomes)
    # Measured against the items this user may change (the rest are refused with
    # 1006 whatever the faults): retries carry most of them through.
    writable = sum(1 for i in items if i.can_write)
    assert by_status[Result.CHANGED] + by_status[Result.ALREADY] > writable * 0.8
    for outcome in outcomes:
        active = sim.is_active("password", outcome.ref.identifier)
        if outcome.result in (Result.CHANGED, Result.ALREADY):
            assert not active, outcome
        if outcome.result is Result.FAILED and isinstance(outcome.error, NoAccessError):
            assert active
    # Nothing is sent again after a success: at most one 200 per item.
    successes = Counter(
        path for method, path, status in sim.request_log if method == "POST" and status == 200
    )
    assert max(successes.values()) == 1


async def test_client_over_a_real_socket() -> None:
    sim = Simulator()
    async with serve(sim) as url, client_for(sim, url=url) as client:
        items = (await client.list_items(Kind.API_SECRET)).items
        writable = [i.ref for i in items if i.can_write][:5]
        sim.inject("drop", "502")
        outcomes = await client.set_active_many(writable, Action.DEACTIVATE)
    assert [o.result for o in outcomes] == [Result.CHANGED] * 5
    assert all(not sim.is_active("api_secret", ref.identifier) for ref in writable)
