"""What a rate-limited answer asks, what is never retried, and the gateway's request
id on every outcome (issue 22)."""

from __future__ import annotations

import httpx
import pytest

from tui.api import Action, ItemRef, Kind, RateLimitedError, Result, RetryPolicy
from tui.api.parsing import error_from_response, request_id_of, retry_after

from support import api_examples as ex
from support.fake_server import FakeMySafe

LIST = "/api/mysafe/password"
WRITE = "/api/mysafe/password/inactive/5"
REF = ItemRef(Kind.PASSWORD, "5")
LIMITED = '{\n  "message":"API rate limit exceeded",\n  "request_id":"b0d1"\n}'
#: 2015-10-21 07:28:00 GMT, as a Unix time.
DATE = "Wed, 21 Oct 2015 07:28:00 GMT"
DATE_EPOCH = 1445412480.0


def wait_of(headers: dict[str, str]) -> float | None:
    return retry_after(httpx.Headers(headers), wall=lambda: DATE_EPOCH)


# -- the wait a 429 asks --------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"RateLimit-Reset": "12"}, 12.0),
        ({"X-RateLimit-Reset": "30"}, 30.0),
        # An HTTP-date, against the answer's own Date (the server's clock).
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:45 GMT", "Date": DATE}, 45.0),
        # ... against the local wall clock when there is no Date.
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:10 GMT"}, 10.0),
        # A Unix time in X-RateLimit-Reset (at least 1e9), against Date.
        ({"X-RateLimit-Reset": str(int(DATE_EPOCH) + 20), "Date": DATE}, 20.0),
        # A moment already past asks no wait.
        ({"X-RateLimit-Reset": str(int(DATE_EPOCH) - 5), "Date": DATE}, 0.0),
        # Several: the longest, which honours them all.
        ({"Retry-After": "1", "RateLimit-Reset": "4", "X-RateLimit-Reset": "2"}, 4.0),
        ({"Retry-After": "0.5"}, 0.5),
    ],
)
def test_the_wait_a_gateway_asks(headers: dict[str, str], wait: float) -> None:
    assert wait_of(headers) == pytest.approx(wait)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Retry-After": "soon"},
        {"Retry-After": "-3"},
        {"Retry-After": "nan"},
        {"Retry-After": "inf"},
        {"RateLimit-Reset": ""},
        {"Retry-After": "Wed, 21 Oct 2015 07:28:45"},  # no zone: not an HTTP-date
    ],
)
def test_a_wait_that_says_nothing_usable_is_none(headers: dict[str, str]) -> None:
    assert wait_of(headers) is None


def test_a_429_is_a_rate_limit_with_its_wait_and_request_id() -> None:
    headers = httpx.Headers({"RateLimit-Reset": "9", "X-Request-Id": "r-1"})
    error = error_from_response(429, headers, LIMITED.encode())
    assert isinstance(error, RateLimitedError)
    assert error.retry_after == 9.0 and error.retryable and not error.maybe_applied
    assert error.request_id == "r-1"
    assert error.server_message == "API rate limit exceeded"


# -- request ids -----------------------------------------------------------------------


def test_request_id_from_kong_then_x_request_id_then_the_body() -> None:
    both = httpx.Headers({"X-Kong-Request-Id": "kong-1", "X-Request-Id": "plain-1"})
    assert request_id_of(both, None) == "kong-1"
    assert request_id_of(httpx.Headers({"X-Request-Id": "plain-1"}), None) == "plain-1"
    assert request_id_of(httpx.Headers({"X-Request-Id": " "}), {"request_id": "b"}) == "b"
    assert request_id_of(httpx.Headers({}), None) is None


@pytest.mark.parametrize("header", ["X-Kong-Request-Id", "X-Request-Id"])
async def test_a_success_keeps_the_gateway_request_id(header: str) -> None:
    fake = FakeMySafe().on(
        "POST", WRITE, (200, ex.write_ok("Password successfully deactivated"), {header: "id-9"})
    )
    client, _ = fake.client()
    async with client:
        [outcome] = await client.set_active_many([REF], Action.DEACTIVATE)
    assert outcome.result is Result.CHANGED
    assert outcome.answer is not None and outcome.answer.request_id == "id-9"


# -- never retried ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (403, '{\n  "message":"Your IP address is not allowed"\n}'),
        (403, '{\n  "message":"You cannot consume this service"\n}'),
        (412, '{\n  "message":"Precondition failed"\n}'),
        (422, ex.app_error("1001: Invalid parameter", 1001)),
        (422, ""),
    ],
)
async def test_403_412_and_422_are_sent_once(status: int, body: str) -> None:
    fake = FakeMySafe().on(
        "POST",
        WRITE,
        (status, body, {"X-Kong-Request-Id": "k-403"}),
        (200, ex.write_ok("Password successfully deactivated")),
    )
    client, sleeps = fake.client()
    async with client:
        [outcome] = await client.set_active_many([REF], Action.DEACTIVATE)
    assert len(fake.calls(WRITE)) == 1 and sleeps == []
    assert outcome.result is Result.FAILED
    assert outcome.error is not None and not outcome.error.retryable
    assert outcome.error.request_id == "k-403"


async def test_a_403_that_refuses_the_token_gets_one_fresh_token_and_no_retry() -> None:
    # The API notes: "not authorized" means the token (refreshed once, section 4).
    # That is the token's renewal, not a retry: a second refusal is final.
    fake = FakeMySafe().on("POST", WRITE, (403, ex.NOT_AUTHORIZED))
    client, sleeps = fake.client()
    async with client:
        [outcome] = await client.set_active_many([REF], Action.DEACTIVATE)
    assert len(fake.calls(WRITE)) == 2 and sleeps == []
    assert outcome.result is Result.FAILED


# -- a 429 waited out --------------------------------------------------------------------


def limited(wait: str) -> tuple[int, str, dict[str, str]]:
    return (429, LIMITED, {"Retry-After": wait})


async def test_a_429_is_waited_whole_never_cut_to_max_delay() -> None:
    fake = FakeMySafe().on(
        "POST", WRITE, limited("10"), (200, ex.write_ok("Password successfully deactivated"))
    )
    client, sleeps = fake.client(retry=RetryPolicy(max_delay=3.0))
    async with client:
        [outcome] = await client.set_active_many([REF], Action.DEACTIVATE)
    assert outcome.result is Result.CHANGED
    assert sleeps == [10.0]


async def test_429s_use_up_no_attempts() -> None:
    fake = FakeMySafe().on(
        "POST",
        WRITE,
        *[limited("1")] * 6,
        (502, ex.KONG_502),
        (200, ex.write_ok("Password successfully deactivated")),
    )
    client, _ = fake.client(retry=RetryPolicy(attempts=2))
    async with client:
        [outcome] = await client.set_active_many([REF], Action.DEACTIVATE)
    assert outcome.result is Result.CHANGED
    assert outcome.answer is not None and outcome.answer.attempts == 8


async def test_429s_use_up_none_of_the_deadline() -> None:
    # 50 s of asked waits, then a 502: retried although the 30 s deadline passed.
    fake = FakeMySafe().on(
        "POST",
        WRITE,
        *[limited("10")] * 5,
        (502, ex.KONG_502),
        (200, ex.write_ok("Password successfully deactivated")),
    )
    client, _ = fake.client(retry=RetryPolicy(deadline=30.0))
    async with client:
        [outcome] = await client.set_active_many([REF], Action.DEACTIVATE)
    assert outcome.result is Result.CHANGED


async def test_past_its_patience_a_request_fails_saying_so() -> None:
    fake = FakeMySafe().on("POST", WRITE, limited("40"))
    client, sleeps = fake.client(retry=RetryPolicy(rate_limit_patience=100.0))
    async with client:
        [outcome] = await client.set_active_many([REF], Action.DEACTIVATE)
    assert sleeps[:2] == [40.0, 40.0]
    assert len(fake.calls(WRITE)) == 3  # the third wait (120 s in all) is not waited
    assert outcome.result is Result.FAILED
    assert outcome.error is not None and isinstance(outcome.error, RateLimitedError)
    assert "120 s of waiting in all" in outcome.message
    assert "rate_limit_patience" in outcome.message


async def test_a_wait_longer_than_the_patience_is_not_waited_at_all() -> None:
    fake = FakeMySafe().on("POST", WRITE, limited("3600"))
    client, sleeps = fake.client(retry=RetryPolicy(rate_limit_patience=120.0))
    async with client:
        [first, second] = await client.set_active_many(
            [REF, ItemRef(Kind.PASSWORD, "6")], Action.DEACTIVATE, concurrency=1
        )
    assert first.result is Result.FAILED and "3600 s" in first.message
    # The next item is not sent into an hour-long pause either: it fails before sending.
    assert second.result is Result.FAILED and "not sent" in second.message
    assert len(fake.calls(WRITE)) == 1
    assert sleeps == []
