"""Every example body in the API doc parses, and every error maps to its type."""

from __future__ import annotations

import httpx
import pytest

from tui.api import (
    Action,
    ApiSecretDetail,
    ApplicationError,
    AuthenticationError,
    BadIdentifierError,
    BadRouteError,
    GatewayError,
    InactiveError,
    ItemRef,
    Kind,
    MySafeError,
    NoAccessError,
    NotFoundError,
    PasswordDetail,
    ServerError,
    UnexpectedResponseError,
    ValidationFailedError,
)

from support import api_examples as ex
from support.fake_server import SECRET, FakeMySafe

PW = ItemRef(Kind.PASSWORD, "5", "gmail corporate")
SEC = ItemRef(Kind.API_SECRET, "3", "GCP1")


async def test_password_list_example_parses() -> None:
    fake = FakeMySafe().on("GET", "/api/mysafe/password", (200, ex.PASSWORD_LIST))
    client, _ = fake.client()
    async with client:
        result = await client.list_items(Kind.PASSWORD)
    assert result.skipped == 0
    [item] = result.items
    assert item.identifier == "4"
    assert item.name == "gmail personal"
    assert item.username == "user@gmail.com"
    assert item.url == "www.gmail.com"
    assert item.tag_list == ["gmail"]
    assert (item.need_justify, item.need_approval, item.can_view, item.can_write) == (
        False,
        False,
        True,
        True,
    )


async def test_secret_list_example_parses_flags_from_strings() -> None:
    fake = FakeMySafe().on("GET", "/api/mysafe/secretapi", (200, ex.SECRET_LIST))
    client, _ = fake.client()
    async with client:
        result = await client.list_items(Kind.API_SECRET)
    assert [i.identifier for i in result.items] == ["3", "4"]
    assert result.items[1].need_justify is True
    assert result.items[1].need_approval is True
    assert all(i.kind is Kind.API_SECRET for i in result.items)


@pytest.mark.parametrize(
    "body",
    [
        '{"code":200,' + ex.OK_RESPONSE_LIST + ',"password_on_list":[]}',
        '{"code":200,' + ex.OK_RESPONSE_LIST + "}",  # empty list: the key may be absent
        '{"code":200,' + ex.OK_RESPONSE_LIST + ',"passwords_on_list":null}',
    ],
)
async def test_empty_list_variants(body: str) -> None:
    fake = FakeMySafe().on("GET", "/api/mysafe/password", (200, body))
    client, _ = fake.client()
    async with client:
        assert (await client.list_items(Kind.PASSWORD)).items == []


async def test_list_keeps_good_items_and_counts_broken_ones() -> None:
    body = (
        '{"code":200,' + ex.OK_RESPONSE_LIST + ',"password_on_list":['
        '{"identifier":7,"name":"ok"}, "junk", {"name":"no id"}, {"identifier":"8","can_write":"x"}]}'
    )
    fake = FakeMySafe().on("GET", "/api/mysafe/password", (200, body))
    client, _ = fake.client()
    async with client:
        result = await client.list_items(Kind.PASSWORD)
    assert [i.identifier for i in result.items] == ["7"]
    assert result.skipped == 3


async def test_password_get_example_masks_secret_values() -> None:
    fake = FakeMySafe().on("GET", "/api/mysafe/password/5", (200, ex.PASSWORD_GET))
    client, _ = fake.client()
    async with client:
        item = await client.get_item(Kind.PASSWORD, "5")
    assert isinstance(item, PasswordDetail)
    assert item.notes == "my gmail password"
    assert item.password is not None
    assert item.password.get_secret_value() == "s3cr3t-Pa55"
    assert "s3cr3t" not in repr(item) and "s3cr3t" not in str(item)
    assert item.secret_key is None and item.token is None


async def test_old_password_get_variant_parses() -> None:
    fake = FakeMySafe().on("GET", "/api/mysafe/password/5", (200, ex.PASSWORD_GET_OLD))
    client, _ = fake.client()
    async with client:
        item = await client.get_item(Kind.PASSWORD, "5")
    assert isinstance(item, PasswordDetail)
    assert item.identifier == "5"
    assert item.token is not None and item.token.get_secret_value() == "452180"
    assert item.notes == "singular note"
    assert item.users_allowed[0].name == "pduarte" and item.users_allowed[0].can_edit
    assert item.groups_allowed[0].name == "Test group"
    assert "452180" not in repr(item) and "JBSWY3" not in repr(item)


@pytest.mark.parametrize("body", [ex.SECRET_GET, ex.SECRET_CREATE])
async def test_secret_entity_variants_parse(body: str) -> None:
    fake = FakeMySafe().on("GET", "/api/mysafe/secretapi/3", (200, body))
    client, _ = fake.client()
    async with client:
        item = await client.get_item(Kind.API_SECRET, "3")
    assert isinstance(item, ApiSecretDetail)
    assert item.client_secret is not None
    assert "very-secret" not in repr(item)
    assert item.users_allowed[0].can_edit is True


@pytest.mark.parametrize(
    ("ref", "action", "body", "changed"),
    [
        (PW, Action.DEACTIVATE, ex.write_ok("Password successfully deactivated"), True),
        (PW, Action.DEACTIVATE, ex.write_ok_old("Password successfully deactivated"), True),
        (PW, Action.DEACTIVATE, ex.write_ok("Password has already been deactivated"), False),
        (PW, Action.ACTIVATE, ex.write_ok("Password successfully activated"), True),
        (PW, Action.ACTIVATE, ex.write_ok("Password has already been activated"), False),
        (SEC, Action.DEACTIVATE, ex.write_ok("Api secret successfully deactivated"), True),
        (SEC, Action.DEACTIVATE, ex.write_ok_old("API secret  successfully deactivated"), True),
        (SEC, Action.DEACTIVATE, ex.write_ok("Api secret has already been deactivated"), False),
        (SEC, Action.ACTIVATE, ex.write_ok("Api secret activated successfully"), True),
        (SEC, Action.ACTIVATE, ex.write_ok("Api secret has already been activated"), False),
    ],
)
async def test_write_answers(ref: ItemRef, action: Action, body: str, changed: bool) -> None:
    path = f"/api/mysafe/{ref.kind.path}/{action.path}/{ref.identifier}"
    fake = FakeMySafe().on("POST", path, (200, body))
    client, _ = fake.client()
    async with client:
        result = await client.set_active(ref, action)
    assert result.changed is changed
    assert result.message in body
    assert result.attempts == 1


@pytest.mark.parametrize(
    ("body", "error_type", "code"),
    [
        (ex.app_error("1005: Password not found", 1005), NotFoundError, 1005),
        (ex.app_error_old("1005: Password not found", 1005), NotFoundError, 1005),
        (ex.app_error("1005: Api secret not found", 1005), NotFoundError, 1005),
        (ex.app_error("1006: User does not have access", 1006), NoAccessError, 1006),
        (ex.app_error_old("1006 User does not have access", 1006), NoAccessError, 1006),
        (ex.app_error_without_exception("1006 User does not have access"), NoAccessError, 1006),
        (ex.app_error("1009: Inactive password", 1009), InactiveError, 1009),
        (ex.app_error("1009: Inactive api secret", 1009), InactiveError, 1009),
        (ex.app_error("1010: Unexpected identifier type", 1010), BadIdentifierError, 1010),
        (
            ex.app_error("1001: Parameter 'name' was not informed!", 1001),
            ValidationFailedError,
            1001,
        ),
        (ex.app_error_without_exception("1005: Password not found"), NotFoundError, 1005),
        (ex.app_error("1099: Something new", 1099), ApplicationError, 1099),
    ],
)
async def test_application_errors_map_to_types(
    body: str, error_type: type[MySafeError], code: int
) -> None:
    fake = FakeMySafe().on("GET", "/api/mysafe/password/5", (400, body))
    client, sleeps = fake.client()
    async with client:
        with pytest.raises(error_type) as info:
            await client.get_item(Kind.PASSWORD, "5")
    error = info.value
    assert type(error) is error_type
    assert error.code == code
    assert error.status == 400
    assert error.server_message is not None and str(code) in error.server_message
    assert error.server_message in str(error)
    assert sleeps == [], "a 400 is never retried"
    assert len(fake.calls("/api/mysafe/password/5")) == 1


@pytest.mark.parametrize(
    ("status", "body", "headers", "error_type", "text"),
    [
        (404, ex.KONG_NO_ROUTE_OLD, {}, BadRouteError, "no Route matched"),
        (404, ex.KONG_NO_ROUTE_NEW, {}, BadRouteError, "no Route matched"),
        (500, ex.ENVELOPE_500, {}, ServerError, "Unexpected error."),
        (500, ex.KONG_500, {}, ServerError, "An unexpected error occurred"),
        (502, ex.KONG_502, {}, GatewayError, "invalid response"),
        (503, ex.KONG_503, {}, GatewayError, "currently unavailable"),
        (504, ex.KONG_504, {"X-Kong-Request-Id": "f" * 32}, GatewayError, "timing out"),
        (502, ex.KONG_HTML, {"Content-Type": "text/html"}, GatewayError, "HTTP 502"),
        (200, "<html>login</html>", {}, UnexpectedResponseError, "not JSON"),
        (200, "", {}, UnexpectedResponseError, "empty body"),
        (200, '{"code":200,"password_on_list":"nope"}', {}, UnexpectedResponseError, "not a list"),
        (200, '["not", "an", "object"]', {}, UnexpectedResponseError, "HTTP 200"),
        (418, "", {}, UnexpectedResponseError, "HTTP 418"),
    ],
)
async def test_gateway_and_odd_answers(
    status: int, body: str, headers: dict[str, str], error_type: type[MySafeError], text: str
) -> None:
    fake = FakeMySafe().on("GET", "/api/mysafe/password", (status, body, headers))
    client, _ = fake.client()
    async with client:
        with pytest.raises(error_type) as info:
            await client.list_items(Kind.PASSWORD)
    assert text in str(info.value)
    if status in (502, 503, 504):
        assert info.value.attempts == 4, "gateway errors are retried, then given up"
    if "request_id" in body:
        assert info.value.request_id is not None
    if headers.get("X-Kong-Request-Id"):
        assert info.value.request_id == "f" * 32


@pytest.mark.parametrize(
    ("status", "body", "text"),
    [
        (401, ex.TOKEN_LEAGUE_401, "Client authentication failed"),
        (400, ex.TOKEN_KONG_400, "Invalid client authentication"),
        (401, ex.TOKEN_ENVELOPE_401, "Invalid credentials"),
        (200, '{"token_type":"Bearer","expires_in":3600}', "without an access token"),
    ],
)
async def test_token_failures_are_authentication_errors(status: int, body: str, text: str) -> None:
    fake = FakeMySafe().on("POST", "/api/oauth2/token", (status, body))
    client, sleeps = fake.client()
    async with client:
        with pytest.raises(AuthenticationError) as info:
            await client.list_items(Kind.PASSWORD)
    assert text in str(info.value)
    assert SECRET not in str(info.value) and SECRET not in repr(info.value)
    assert sleeps == []
    assert fake.calls("/api/mysafe/password") == []


async def test_token_request_is_a_form_post_with_tenant() -> None:
    fake = FakeMySafe().on("GET", "/api/mysafe/password", (200, ex.PASSWORD_LIST))
    client, _ = fake.client(tenant="teste")
    async with client:
        await client.list_items(Kind.PASSWORD)
    [token_request] = fake.calls("/api/oauth2/token")
    assert token_request.method == "POST"
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    form = dict(httpx.QueryParams(token_request.content.decode()))
    assert form == {
        "grant_type": "client_credentials",
        "client_id": "cid",
        "client_secret": SECRET,
        "tenant": "teste",
    }
    assert "authorization" not in token_request.headers
    [list_request] = fake.calls("/api/mysafe/password")
    assert list_request.headers["authorization"] == "Bearer eyJ0eXAiOiJKV1Qi.test"
    assert str(list_request.url) == "https://vault.example.com/api/mysafe/password"


async def test_lowercase_bearer_and_string_lifetime_are_accepted() -> None:
    fake = FakeMySafe().on("POST", "/api/oauth2/token", (200, ex.TOKEN_OK_LOWER))
    fake.on("GET", "/api/mysafe/password", (200, ex.PASSWORD_LIST))
    client, _ = fake.client()
    async with client:
        await client.list_items(Kind.PASSWORD)
    assert fake.calls("/api/mysafe/password")[0].headers["authorization"] == "Bearer abc.def"


async def test_basic_auth_can_be_switched_on() -> None:
    fake = FakeMySafe().on("GET", "/api/mysafe/password", (200, ex.PASSWORD_LIST))
    client, _ = fake.client(basic_auth=True)
    async with client:
        await client.list_items(Kind.PASSWORD)
    assert fake.calls("/api/oauth2/token")[0].headers["authorization"].startswith("Basic ")
