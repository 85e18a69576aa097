"""Client behaviour: tokens, retries, batches, transport safety."""

from __future__ import annotations

import asyncio
import ssl
import traceback
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from tui.api import (
    Action,
    BadIdentifierError,
    ClientSettings,
    ConfigurationError,
    ConnectionFailedError,
    GatewayError,
    ItemRef,
    Kind,
    MySafeClient,
    NoAccessError,
    ReadOnlyError,
    Result,
    RetryPolicy,
    ServerError,
    TLSSettings,
    normalise_base_url,
)

from support import api_examples as ex
from support.fake_server import BASE, SECRET, FakeMySafe

LIST = "/api/mysafe/password"
TOKEN = "/api/oauth2/token"


def deactivate_path(identifier: str, kind: Kind = Kind.PASSWORD) -> str:
    return f"/api/mysafe/{kind.path}/inactive/{identifier}"


# -- tokens ---------------------------------------------------------------------------


async def test_token_is_cached_and_refreshed_before_it_expires() -> None:
    now = [1000.0]
    fake = FakeMySafe().on("GET", LIST, (200, ex.PASSWORD_LIST))
    client, _ = fake.client()
    client._tokens._clock = lambda: now[0]  # a clock the test moves
    async with client:
        await client.list_items(Kind.PASSWORD)
        await client.list_items(Kind.PASSWORD)
        assert len(fake.calls(TOKEN)) == 1
        now[0] += 3600 * 0.85  # still inside 90% of expires_in
        await client.list_items(Kind.PASSWORD)
        assert len(fake.calls(TOKEN)) == 1
        now[0] += 3600 * 0.1  # past 90%: refreshed before the server would refuse it
        await client.list_items(Kind.PASSWORD)
        assert len(fake.calls(TOKEN)) == 2


async def test_a_401_fetches_a_new_token_once_and_retries() -> None:
    fake = FakeMySafe().on(
        "POST",
        TOKEN,
        (200, '{"token_type":"Bearer","expires_in":3600,"access_token":"old"}'),
        (200, '{"token_type":"Bearer","expires_in":3600,"access_token":"new"}'),
    )
    fake.on("GET", LIST, (401, ex.NOT_AUTHORIZED), (200, ex.PASSWORD_LIST))
    client, sleeps = fake.client()
    async with client:
        result = await client.list_items(Kind.PASSWORD)
    assert len(result.items) == 1
    auths = [r.headers["authorization"] for r in fake.calls(LIST)]
    assert auths == ["Bearer old", "Bearer new"]
    assert sleeps == []


async def test_a_second_401_is_an_authentication_error_not_a_loop() -> None:
    fake = FakeMySafe().on("GET", LIST, (401, ex.NOT_AUTHORIZED))
    client, _ = fake.client()
    async with client:
        with pytest.raises(Exception) as info:
            await client.list_items(Kind.PASSWORD)
    assert "not authorized" in str(info.value)
    assert type(info.value).__name__ == "AuthenticationError"
    assert len(fake.calls(LIST)) == 2
    assert len(fake.calls(TOKEN)) == 2


async def test_concurrent_requests_share_one_token_fetch() -> None:
    fake = FakeMySafe().on("GET", LIST, (200, ex.PASSWORD_LIST))
    client, _ = fake.client()
    async with client:
        await asyncio.gather(*(client.list_items(Kind.PASSWORD) for _ in range(10)))
    assert len(fake.calls(TOKEN)) == 1


# -- retries --------------------------------------------------------------------------


async def test_gateway_errors_and_drops_are_retried_until_success() -> None:
    drop = httpx.RemoteProtocolError("Server disconnected without sending a response.")
    fake = FakeMySafe().on(
        "POST",
        deactivate_path("5"),
        (502, ex.KONG_502),
        drop,
        (504, ex.KONG_504),
        (200, ex.write_ok("Password successfully deactivated")),
    )
    client, sleeps = fake.client()
    async with client:
        result = await client.deactivate(ItemRef(Kind.PASSWORD, "5"))
    assert result.changed and result.attempts == 4
    # full jitter with rng()=1.0 gives the exponential ceilings
    assert sleeps == [0.2, 0.4, 0.8]


async def test_timeouts_are_retried() -> None:
    fake = FakeMySafe().on("GET", LIST, httpx.ReadTimeout("timed out"), (200, ex.PASSWORD_LIST))
    client, sleeps = fake.client()
    async with client:
        result = await client.list_items(Kind.PASSWORD)
    assert len(result.items) == 1 and len(sleeps) == 1


async def test_persistent_faults_give_up_cleanly_with_the_last_error() -> None:
    fake = FakeMySafe().on("GET", LIST, (503, ex.KONG_503))
    client, sleeps = fake.client()
    async with client:
        with pytest.raises(GatewayError) as info:
            await client.list_items(Kind.PASSWORD)
    assert info.value.attempts == 4
    assert info.value.status == 503
    assert len(fake.calls(LIST)) == 4
    assert len(sleeps) == 3


async def test_retries_stop_at_the_deadline() -> None:
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    fake = FakeMySafe().on("GET", LIST, httpx.ConnectError("refused"))
    client = MySafeClient(
        ClientSettings(
            BASE,
            "cid",
            SecretStr(SECRET),
            retry=RetryPolicy(attempts=50, base_delay=1, max_delay=2, deadline=5),
        ),
        transport=httpx.MockTransport(fake.handler),
        clock=lambda: now[0],
        sleep=sleep,
        rng=lambda: 1.0,
    )
    async with client:
        with pytest.raises(ConnectionFailedError) as info:
            await client.list_items(Kind.PASSWORD)
    assert now[0] <= 5
    assert info.value.attempts < 50
    assert "could not connect" in str(info.value)


async def test_400s_are_not_retried() -> None:
    fake = FakeMySafe().on(
        "POST", deactivate_path("6"), (400, ex.app_error("1006: User does not have access", 1006))
    )
    client, sleeps = fake.client()
    async with client:
        with pytest.raises(NoAccessError):
            await client.deactivate(ItemRef(Kind.PASSWORD, "6"))
    assert sleeps == []


async def test_a_500_on_a_write_may_have_been_applied_and_is_retried() -> None:
    # "Unexpected error" may come after the change: the write is idempotent, so it
    # is asked again; when every attempt gets a 500 the item is in doubt, not failed.
    fake = FakeMySafe().on("POST", deactivate_path("5"), (500, ex.ENVELOPE_500))
    client, sleeps = fake.client(retry=RetryPolicy(attempts=3, base_delay=0.1))
    async with client:
        with pytest.raises(ServerError) as info:
            await client.deactivate(ItemRef(Kind.PASSWORD, "5"))
    assert info.value.maybe_applied and info.value.attempts == 3
    assert len(sleeps) == 2


async def test_a_500_on_the_token_is_not_a_write_that_may_have_been_applied() -> None:
    fake = FakeMySafe().on("POST", "/api/oauth2/token", (500, ex.ENVELOPE_500))
    client, _ = fake.client(retry=RetryPolicy(attempts=2, base_delay=0.1))
    async with client:
        [outcome] = await client.set_active_many([ItemRef(Kind.PASSWORD, "5")], Action.DEACTIVATE)
    assert outcome.result is Result.FAILED
    assert outcome.error is not None and not outcome.error.maybe_applied
    assert fake.calls(deactivate_path("5")) == []


async def test_retry_after_is_honoured_within_bounds() -> None:
    fake = FakeMySafe().on(
        "GET",
        LIST,
        (429, '{"message":"API rate limit exceeded"}', {"Retry-After": "2"}),
        (200, ex.PASSWORD_LIST),
    )
    client, sleeps = fake.client(retry=RetryPolicy(base_delay=0.1, max_delay=3.0))
    async with client:
        await client.list_items(Kind.PASSWORD)
    assert sleeps == [2.0]


async def test_already_after_a_lost_answer_is_uncertain_not_our_change() -> None:
    fake = FakeMySafe().on(
        "POST",
        deactivate_path("5"),
        httpx.ReadTimeout("lost"),
        (200, ex.write_ok("Password has already been deactivated")),
    )
    client, _ = fake.client()
    async with client:
        [outcome] = await client.set_active_many([ItemRef(Kind.PASSWORD, "5")], Action.DEACTIVATE)
    assert outcome.result is Result.UNCERTAIN
    assert outcome.answer is not None and outcome.answer.after_lost_answer
    # The lost attempt may have done it, or someone else before it: never "ours".
    assert outcome.uncertain and not outcome.changed_by_us


async def test_changed_after_a_lost_answer_is_ours_the_lost_attempt_did_nothing() -> None:
    fake = FakeMySafe().on(
        "POST",
        deactivate_path("5"),
        (502, ex.KONG_502),
        (200, ex.write_ok("Password successfully deactivated")),
    )
    client, _ = fake.client()
    async with client:
        [outcome] = await client.set_active_many([ItemRef(Kind.PASSWORD, "5")], Action.DEACTIVATE)
    assert outcome.result is Result.CHANGED and outcome.changed_by_us
    assert not outcome.uncertain


async def test_already_after_an_unsent_attempt_is_not_our_change() -> None:
    fake = FakeMySafe().on(
        "POST",
        deactivate_path("5"),
        httpx.ConnectError("refused"),
        (200, ex.write_ok("Password has already been deactivated")),
    )
    client, _ = fake.client()
    async with client:
        [outcome] = await client.set_active_many([ItemRef(Kind.PASSWORD, "5")], Action.DEACTIVATE)
    assert outcome.result is Result.ALREADY and not outcome.changed_by_us


# -- batches --------------------------------------------------------------------------


def many_refs(count: int) -> list[ItemRef]:
    return [ItemRef(Kind.PASSWORD, str(i), f"item {i}") for i in range(1, count + 1)]


async def test_batch_gives_one_outcome_per_item_in_order_and_dedupes() -> None:
    fake = FakeMySafe()
    for i in range(1, 7):
        fake.on(
            "POST", deactivate_path(str(i)), (200, ex.write_ok("Password successfully deactivated"))
        )
    fake.on(
        "POST", deactivate_path("3"), (200, ex.write_ok("Password has already been deactivated"))
    )
    fake.on(
        "POST", deactivate_path("4"), (400, ex.app_error("1006: User does not have access", 1006))
    )
    fake.on("POST", deactivate_path("5"), (400, ex.app_error("1005: Password not found", 1005)))
    fake.on("POST", deactivate_path("6"), (502, ex.KONG_502))
    refs = many_refs(6)
    seen: list[str] = []
    client, _ = fake.client()
    async with client:
        outcomes = await client.set_active_many(
            refs + refs[:2], Action.DEACTIVATE, on_outcome=lambda o: seen.append(o.ref.identifier)
        )
    assert [o.ref.identifier for o in outcomes] == ["1", "2", "3", "4", "5", "6"]
    assert [o.result for o in outcomes] == [
        Result.CHANGED,
        Result.CHANGED,
        Result.ALREADY,
        Result.FAILED,
        Result.FAILED,
        # A 502 to a write, after its retries: the gateway may have passed it on.
        Result.IN_DOUBT,
    ]
    assert outcomes[3].error is not None and outcomes[3].error.code == 1006
    assert outcomes[5].error is not None and outcomes[5].error.attempts == 4
    assert sorted(seen) == ["1", "2", "3", "4", "5", "6"]
    for i in range(1, 6):
        expected = 1
        assert len(fake.calls(deactivate_path(str(i)))) == expected, "nothing done twice"


async def test_batch_respects_the_concurrency_bound() -> None:
    in_flight = 0
    peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        if request.url.path == TOKEN:
            return httpx.Response(200, text=ex.TOKEN_OK)
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.001)
        in_flight -= 1
        return httpx.Response(200, text=ex.write_ok("Password successfully deactivated"))

    client = MySafeClient(
        ClientSettings(BASE, "cid", SecretStr(SECRET), concurrency=5),
        transport=httpx.MockTransport(handler),
    )
    async with client:
        outcomes = await client.set_active_many(many_refs(60), Action.DEACTIVATE)
    assert len(outcomes) == 60
    assert all(o.result is Result.CHANGED for o in outcomes)
    assert peak == 5


async def test_stopping_a_batch_finishes_in_flight_and_reports_the_rest() -> None:
    stop = asyncio.Event()
    started: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == TOKEN:
            return httpx.Response(200, text=ex.TOKEN_OK)
        started.append(request.url.path.rsplit("/", 1)[1])
        if len(started) == 6:
            stop.set()
        await asyncio.sleep(0.01)
        return httpx.Response(200, text=ex.write_ok("Password successfully deactivated"))

    client = MySafeClient(
        ClientSettings(BASE, "cid", SecretStr(SECRET), concurrency=3),
        transport=httpx.MockTransport(handler),
    )
    async with client:
        outcomes = await client.set_active_many(many_refs(40), Action.DEACTIVATE, stop=stop)
    done = [o for o in outcomes if o.result is Result.CHANGED]
    skipped = [o for o in outcomes if o.result is Result.NOT_ATTEMPTED]
    assert len(outcomes) == 40
    assert len(done) == len(started) == 6, "in-flight requests finished, no new ones started"
    assert len(skipped) == 34
    assert {o.ref.identifier for o in done} == set(started)


async def test_a_failing_progress_callback_does_not_break_the_batch() -> None:
    fake = FakeMySafe()
    for i in range(1, 4):
        fake.on(
            "POST", deactivate_path(str(i)), (200, ex.write_ok("Password successfully deactivated"))
        )

    def explode(_: object) -> None:
        raise RuntimeError("display bug")

    client, _ = fake.client()
    async with client:
        outcomes = await client.set_active_many(many_refs(3), Action.DEACTIVATE, on_outcome=explode)
    assert [o.result for o in outcomes] == [Result.CHANGED] * 3


# -- read-only ------------------------------------------------------------------------


async def test_read_only_client_sends_no_write() -> None:
    fake = FakeMySafe()
    client, _ = fake.client(read_only=True)
    async with client:
        for action in Action:
            with pytest.raises(ReadOnlyError):
                await client.set_active(ItemRef(Kind.PASSWORD, "5"), action)
            with pytest.raises(ReadOnlyError):
                await client.set_active_many(many_refs(3), action)
        with pytest.raises(ReadOnlyError):
            await client.deactivate(ItemRef(Kind.API_SECRET, "5"))
        with pytest.raises(ReadOnlyError):
            await client.activate(ItemRef(Kind.API_SECRET, "5"))
    assert fake.requests == []


# -- identifiers, URLs, TLS -----------------------------------------------------------


@pytest.mark.parametrize("identifier", ["../password", "1?x=1", "", "12a", "1/2", " "])
async def test_identifiers_are_checked_before_anything_is_sent(identifier: str) -> None:
    fake = FakeMySafe()
    client, _ = fake.client()
    async with client:
        with pytest.raises(BadIdentifierError):
            await client.get_item(Kind.PASSWORD, identifier)
        with pytest.raises(BadIdentifierError):
            await client.deactivate(ItemRef(Kind.PASSWORD, identifier))
    assert fake.requests == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://vault.example.com", "https://vault.example.com"),
        ("https://vault.example.com/", "https://vault.example.com"),
        ("https://vault.example.com//", "https://vault.example.com"),
        ("  https://vault.example.com:8443/segura/ ", "https://vault.example.com:8443/segura"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_base_url_is_normalised(raw: str, expected: str) -> None:
    assert normalise_base_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("http://vault.example.com", "refusing plain http://"),
        ("http://10.0.0.5", "refusing plain http://"),
        ("vault.example.com", "has no scheme"),
        ("ftp://vault.example.com", "must start with https://"),
        ("https://", "has no host"),
        ("", "empty"),
        ("https://vault.example.com/?a=1", "query"),
    ],
)
def test_bad_base_urls_are_refused_with_one_line(raw: str, text: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        normalise_base_url(raw)
    assert text in str(info.value)
    assert "\n" not in str(info.value)


def test_plain_http_to_a_remote_host_needs_insecure() -> None:
    assert (
        normalise_base_url("http://vault.example.com", insecure=True) == "http://vault.example.com"
    )


def test_tls_is_verified_by_default_and_insecure_is_explicit(tmp_path: Path) -> None:
    assert TLSSettings().verify() not in (False, None)
    assert TLSSettings(insecure=True).verify() is False
    with pytest.raises(ConfigurationError, match="does not exist"):
        TLSSettings(ca_bundle=tmp_path / "missing.pem").verify()
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    with pytest.raises(ConfigurationError, match="could not be loaded"):
        TLSSettings(ca_bundle=bad).verify()


def test_plain_http_loads_no_certificate_authorities_and_trusts_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # http:// never checks a certificate of the server: the system's CAs (30-40 ms)
    # are not loaded, and a TLS connection made with the context by mistake fails.
    context = TLSSettings().verify(plain_http=True)
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0
    # A CA bundle and insecure mean what they mean for https://, at the same moment.
    assert TLSSettings(insecure=True).verify(plain_http=True) is False
    with pytest.raises(ConfigurationError, match="does not exist"):
        TLSSettings(ca_bundle=tmp_path / "missing.pem").verify(plain_http=True)
    with pytest.raises(ConfigurationError, match="does not exist"):
        TLSSettings(ca_bundle=tmp_path / "missing.pem").check()
    TLSSettings().check()  # nothing to check, nothing built

    def no_default_context(*args: object, **kwargs: object) -> ssl.SSLContext:
        raise AssertionError("the system's CAs were loaded for http://")

    monkeypatch.setattr(ssl, "create_default_context", no_default_context)
    MySafeClient(ClientSettings("http://127.0.0.1:9", "cid", SecretStr(SECRET)))


def test_settings_are_validated() -> None:
    with pytest.raises(ConfigurationError, match="concurrency"):
        MySafeClient(ClientSettings(BASE, "cid", SecretStr(SECRET), concurrency=0))
    with pytest.raises(ConfigurationError, match="secret is empty"):
        MySafeClient(ClientSettings(BASE, "cid", SecretStr("")))


async def test_secrets_never_appear_in_errors_or_tracebacks() -> None:
    fake = FakeMySafe().on("GET", "/api/mysafe/password/5", (200, ex.PASSWORD_GET))
    fake.on(
        "GET",
        "/api/mysafe/password/6",
        (200, ex.PASSWORD_GET.replace('"identifier":"5"', '"identifier":[1]')),
    )
    fake.on("GET", LIST, httpx.ConnectError("refused"))
    client, _ = fake.client()
    async with client:
        item = await client.get_item(Kind.PASSWORD, "5")
        texts = [repr(item), str(item), repr(client.settings)]
        for call in (
            lambda: client.get_item(Kind.PASSWORD, "6"),
            lambda: client.list_items(Kind.PASSWORD),
        ):
            try:
                await call()
            except Exception as exc:  # the point is to capture whatever is raised
                texts.append("".join(traceback.format_exception(exc)))
    blob = "\n".join(texts)
    for secret in (SECRET, "s3cr3t-Pa55", "eyJ0eXAiOiJKV1Qi.test"):
        assert secret not in blob
    assert "malformed" in blob


def test_import_of_the_api_does_not_import_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys, tui.api, tui.api.client, tui.simulator; "
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_api_package_source_never_mentions_textual() -> None:
    import tui.api

    root = Path(tui.api.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text()
        assert "import textual" not in text and "from textual" not in text, path
