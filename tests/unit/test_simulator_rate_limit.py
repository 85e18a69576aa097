"""The simulator's rate limit (Kong's plugin as a fault) and the request ids on
every answer (issue 22)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from click.testing import CliRunner

from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, FaultConfig, Simulator
from tui.simulator import SimulatorConfig as Config
from tui.simulator.cli import SimulateOptions, build_simulator, simulate

FORM = {
    "grant_type": "client_credentials",
    "client_id": DEMO_CLIENT_ID,
    "client_secret": DEMO_CLIENT_SECRET,
}
LIST = "/api/mysafe/password"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.25

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def simulator(clock: Clock, **faults: object) -> Simulator:
    return Simulator(
        Config(seed=3, passwords=10, api_secrets=5, clock=clock, faults=FaultConfig(**faults))  # type: ignore[arg-type]
    )


@pytest.fixture
async def every_third(clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    sim = simulator(clock, rate_limit_every=3, rate_limit_wait=2)
    async with httpx.AsyncClient(transport=sim.transport(), base_url=sim.base_url) as http:
        yield http


async def bearer(http: httpx.AsyncClient) -> dict[str, str]:
    answer = await http.post("/api/oauth2/token", data=FORM)
    assert answer.status_code == 200
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def test_every_third_api_request_is_refused_as_kong_does(
    every_third: httpx.AsyncClient,
) -> None:
    auth = await bearer(every_third)  # the token endpoint is not limited
    answers = [await every_third.get(LIST, headers=auth) for _ in range(9)]
    assert [a.status_code for a in answers] == [200, 200, 429] * 3
    limited = answers[2]
    assert json.loads(limited.content)["message"] == "API rate limit exceeded"
    assert limited.headers["Retry-After"] == "2"
    assert limited.headers["RateLimit-Reset"] == "2"
    assert limited.headers["RateLimit-Remaining"] == "0"
    assert limited.headers["RateLimit-Limit"] == "2"
    assert limited.headers["X-RateLimit-Limit-Minute"] == "2"
    assert limited.headers["X-RateLimit-Remaining-Minute"] == "0"
    assert limited.headers["Server"].startswith("kong/")


async def test_a_window_limit_refuses_until_the_window_ends(clock: Clock) -> None:
    sim = simulator(clock, rate_limit=3, rate_limit_period="second")
    async with httpx.AsyncClient(transport=sim.transport(), base_url=sim.base_url) as http:
        auth = await bearer(http)
        passed = [await http.get(LIST, headers=auth) for _ in range(3)]
        assert [a.headers["RateLimit-Remaining"] for a in passed] == ["2", "1", "0"]
        assert passed[0].headers["X-RateLimit-Limit-Second"] == "3"
        refused = await http.get(LIST, headers=auth)
        assert refused.status_code == 429
        # 0.75 s left of the window, in whole seconds rounded up.
        assert refused.headers["Retry-After"] == "1"
        assert refused.headers["RateLimit-Reset"] == "1"
        clock.now = 1001.0  # the next window
        assert (await http.get(LIST, headers=auth)).status_code == 200
    assert [entry[2] for entry in sim.request_log].count(429) == 1


async def test_a_minute_window_says_how_long_is_left(clock: Clock) -> None:
    sim = simulator(clock, rate_limit=1, rate_limit_period="minute")
    async with httpx.AsyncClient(transport=sim.transport(), base_url=sim.base_url) as http:
        auth = await bearer(http)
        assert (await http.get(LIST, headers=auth)).status_code == 200
        refused = await http.get(LIST, headers=auth)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "20"  # 1000.25 is 40.25 s into its minute
    assert refused.headers["X-RateLimit-Remaining-Minute"] == "0"


async def test_every_answer_carries_both_request_ids(clock: Clock) -> None:
    sim = simulator(clock, rate_limit_every=2)
    sim.inject("502", routes="token")
    async with httpx.AsyncClient(transport=sim.transport(), base_url=sim.base_url) as http:
        answers = [await http.post("/api/oauth2/token", data=FORM)]  # a gateway error
        answers.append(await http.post("/api/oauth2/token", data={"grant_type": "x"}))
        auth = await bearer(http)
        answers.append(await http.get(LIST, headers=auth))  # 200
        answers.append(await http.get(LIST, headers=auth))  # 429
        answers.append(await http.get("/api/mysafe/password/999999", headers=auth))  # 1005
        answers.append(await http.get(LIST))  # limited before senhasegura sees the token
        answers.append(await http.get("/nowhere"))  # Kong's 404
    assert [a.status_code for a in answers] == [502, 400, 200, 429, 400, 429, 404]
    ids = [a.headers["X-Kong-Request-Id"] for a in answers]
    assert ids == [a.headers["X-Request-Id"] for a in answers]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    ("faults", "words"),
    [
        ({"rate_limit": -1}, "must not be negative"),
        ({"rate_limit_every": 1}, "at least 2"),
        ({"rate_limit_period": "week"}, "second, minute, hour or day"),
    ],
)
def test_bad_rate_limits_are_refused(faults: dict[str, object], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        FaultConfig(**faults).validate()  # type: ignore[arg-type]


def test_simulate_offers_the_rate_limit() -> None:
    sim = build_simulator(
        SimulateOptions(
            rate_limit=10, rate_limit_period="minute", rate_limit_every=3, rate_limit_wait=4
        )
    )
    faults = sim.faults
    assert (faults.rate_limit, faults.rate_limit_period) == (10, "minute")
    assert (faults.rate_limit_every, faults.rate_limit_wait) == (3, 4)
    result = CliRunner().invoke(simulate, ["--help"])
    for option in (
        "--rate-limit ",
        "--rate-limit-period",
        "--rate-limit-every",
        "--rate-limit-wait",
    ):
        assert option in result.output
