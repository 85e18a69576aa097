"""Hardening: server text cleaned at the parse boundary, writes that prove themselves,
loopback by address only, empty settings refused, one owner for a server's guards,
and a log redactor that removes secrets rather than words."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from tui.api import (
    Action,
    ConfigurationError,
    GatewayError,
    ItemRef,
    Kind,
    NotFoundError,
    PasswordDetail,
    RetryPolicy,
    UnexpectedResponseError,
    is_loopback,
    normalise_base_url,
)
from tui.base.safe_text import safe_cells, safe_text
from tui.console.applog import Redactor
from tui.settings.launch import LaunchOptions, UsageError, resolve

from support.fake_server import FakeMySafe
from support.launch import launch_options

LIST = "/api/mysafe/password"
OK_ENVELOPE = {"code": 200, "response": {"status": 200, "message": "", "error": False}}

OSC52 = "\x1b]52;c;ZXZpbA==\x07"
HOSTILE = ("\ud800", f"x{OSC52}y", "abc\u202efdp.exe", "a\udfffb\x9b\x7f\u2066c")

#: Bidi controls and everything else a terminal or a UTF-8 encoder chokes on.
_BIDI = {"\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), "\u2066", "\u2067"}
_BIDI |= {"\u2068", "\u2069"}


def assert_clean(text: str) -> None:
    """Encodes as UTF-8 (alone and inside a JSON record) and holds nothing a terminal obeys."""
    text.encode("utf-8")
    json.dumps({"name": text}, ensure_ascii=False).encode("utf-8")
    for char in text:
        assert unicodedata.category(char) not in ("Cc", "Cs"), repr(text)
        assert char not in _BIDI, repr(text)


def body(value: Any) -> str:
    # ensure_ascii (the default) writes a lone surrogate as the JSON escape "\ud800",
    # which is exactly what a hostile or broken server can send.
    return json.dumps(value)


# -- 1. server text is clean when it leaves tui.api ------------------------------------


def test_clean_text_matches_safe_text_and_is_idempotent() -> None:
    from tui.base.safe_text import clean_text

    for text in (*HOSTILE, "plain", "Ação ünïcode 名前", "tab\there", "nbsp\u00a0x", ""):
        cleaned = clean_text(text)
        assert_clean(cleaned)
        assert clean_text(cleaned) == cleaned
        assert safe_text(cleaned) == cleaned, "display-time cleaning finds nothing left"
        assert safe_cells([cleaned, cleaned]) == (cleaned, cleaned)
    assert clean_text(OSC52) == "␛]52;c;ZXZpbA==␇"
    assert clean_text("\ud800") == "\ufffd" and safe_text("\udfff") == "\ufffd"
    assert clean_text("plain") == "plain"


async def test_list_entries_leave_the_client_clean() -> None:
    entries: list[dict[str, str | None]] = [
        {
            "identifier": str(number),
            "name": name,
            "url": f"https://h/{name}",
            "username": name,
            "tags": f"a,{name}",
        }
        for number, name in enumerate(HOSTILE, start=1)
    ]
    entries.append({"identifier": "99", "name": "ordinary", "url": None, "tags": "x,y"})
    fake = FakeMySafe().on("GET", LIST, (200, body({**OK_ENVELOPE, "password_on_list": entries})))
    client, _ = fake.client()
    async with client:
        listed = await client.list_items(Kind.PASSWORD)
    assert len(listed.items) == len(entries) and listed.skipped == 0
    for item in listed.items:
        for value in (item.identifier, item.name, item.url, item.username, item.tags):
            assert_clean(value)
    names = [item.name for item in listed.items]
    assert names == [
        "\ufffd",
        "x␛]52;c;ZXZpbA==␇y",
        "abc\ufffdfdp.exe",
        "a\ufffdb\ufffd␡\ufffdc",
        "ordinary",
    ]
    assert listed.items[-1].url == "" and listed.items[-1].tag_list == ["x", "y"]


async def test_api_secret_list_and_details_are_clean_but_secrets_are_not_rewritten() -> None:
    secrets = [{"identifier": "5", "name": "k\u202e", "identifier_code": "c\x1b[2J"}]
    entity = {
        "identifier": "7",
        "name": f"n{OSC52}",
        "username": "u\ud800",
        "password": "pw\x1bkeep",
        "notes": "line one\nline two \u2067",
        "users_allowed": [{"username": "ann\x9b", "can_edit": "1"}],
        "groups_allowed": [{"name": "ops\u200f"}],
    }
    fake = (
        FakeMySafe()
        .on(
            "GET",
            "/api/mysafe/secretapi",
            (200, body({**OK_ENVELOPE, "api_secrets_on_list": secrets})),
        )
        .on(
            "GET", "/api/mysafe/password/7", (200, body({**OK_ENVELOPE, "password_entity": entity}))
        )
    )
    client, _ = fake.client()
    async with client:
        listed = await client.list_items(Kind.API_SECRET)
        detail = await client.get_item(Kind.PASSWORD, "7")
    assert listed.items[0].name == "k\ufffd" and listed.items[0].identifier_code == "c␛[2J"
    assert isinstance(detail, PasswordDetail)
    for value in (detail.name, detail.username, detail.notes, detail.tags, detail.url):
        assert_clean(value)
    for share in (*detail.users_allowed, *detail.groups_allowed):
        assert_clean(share.name)
    assert detail.notes == "line one␊line two \ufffd"
    assert detail.password is not None
    assert detail.password.get_secret_value() == "pw\x1bkeep", "a secret is never rewritten"


async def test_server_messages_and_request_ids_are_clean_in_errors_and_results() -> None:
    refused = {
        "code": 400,
        "response": {"status": 400, "message": "1005: Password \ud800 not found\x1b[31m"},
        "exception": {"code": 1005, "message": "1005: Password \ud800 not found\x1b[31m"},
    }
    gateway = {"message": "upstream \u202eboom\ud800", "request_id": "req\x1b\ud801"}
    done = {
        **OK_ENVELOPE,
        "response": {"status": 200, "message": "Password successfully deactivated\u202e\ud800"},
    }
    fake = (
        FakeMySafe()
        .on("POST", "/api/mysafe/password/inactive/1", (400, body(refused)))
        .on("POST", "/api/mysafe/password/inactive/2", (503, body(gateway)))
        .on("POST", "/api/mysafe/password/inactive/3", (200, body(done)))
    )
    client, _ = fake.client(retry=RetryPolicy(attempts=1))
    async with client:
        with pytest.raises(NotFoundError) as not_found:
            await client.deactivate(ItemRef(Kind.PASSWORD, "1"))
        with pytest.raises(GatewayError) as gateway_error:
            await client.deactivate(ItemRef(Kind.PASSWORD, "2"))
        result = await client.set_active(ItemRef(Kind.PASSWORD, "3"), Action.DEACTIVATE)
    for error in (not_found.value, gateway_error.value):
        assert_clean(str(error))
        assert_clean(repr(error))
        assert error.server_message is not None
        assert_clean(error.server_message)
    assert not_found.value.server_message == "1005: Password \ufffd not found␛[31m"
    assert gateway_error.value.request_id == "req␛\ufffd"
    assert_clean(result.message)
    assert result.changed and result.message.startswith("Password successfully deactivated")


def test_errors_clean_whatever_text_they_are_given() -> None:
    error = UnexpectedResponseError("bad \ud800\x1b", server_message="\u202e", request_id="\x07")
    assert_clean(str(error))
    assert error.server_message == "\ufffd" and error.request_id == "␇"


# -- 2. a write's 2xx must carry the documented envelope -------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "{}",
        '{"code": 200}',
        '{"response": {"status": 200, "error": false}}',
        '{"response": {"status": 200, "message": "", "mensagem": "  "}}',
        '{"message": "Password successfully deactivated"}',
        '{"response": "Password successfully deactivated"}',
    ],
)
async def test_a_write_answered_2xx_without_the_envelope_is_in_doubt(answer: str) -> None:
    fake = FakeMySafe().on("POST", "/api/mysafe/password/inactive/4", (200, answer))
    client, _ = fake.client()
    async with client:
        with pytest.raises(UnexpectedResponseError) as info:
            await client.deactivate(ItemRef(Kind.PASSWORD, "4"))
        outcomes = await client.set_active_many([ItemRef(Kind.PASSWORD, "4")], Action.DEACTIVATE)
    assert info.value.status == 200
    assert info.value.maybe_applied, "the server answered 2xx: it may have applied it"
    assert "\n" not in str(info.value)
    assert outcomes[0].result.value == "in_doubt" and outcomes[0].error is not None
    assert outcomes[0].error.maybe_applied


@pytest.mark.parametrize(
    ("answer", "changed"),
    [
        ('{"response": {"status": 200, "mensagem": "Senha desativada", "erro": false}}', True),
        ('{"response": {"Message": "Password has already been deactivated"}}', False),
    ],
)
async def test_every_documented_spelling_of_the_message_is_a_result(
    answer: str, changed: bool
) -> None:
    fake = FakeMySafe().on("POST", "/api/mysafe/password/inactive/4", (200, answer))
    client, _ = fake.client()
    async with client:
        result = await client.deactivate(ItemRef(Kind.PASSWORD, "4"))
    assert result.changed is changed and result.message


# -- 3. loopback by address, not by name -----------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost",
        "http://LOCALHOST:8080/",
        "http://127.0.0.1",
        "http://127.8.9.1:1",
        "http://[::1]:9",
    ],
)
def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    assert normalise_base_url(url).startswith("http://")


@pytest.mark.parametrize(
    "url",
    [
        "http://foo.localhost",
        "http://vault.localhost:8080",
        "http://localhost.evil.example",
        "http://localhost.",
    ],
)
def test_names_under_localhost_are_not_loopback(url: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        normalise_base_url(url)
    assert "refusing plain http://" in str(info.value) and "\n" not in str(info.value)
    assert normalise_base_url(url, insecure=True).startswith("http://")
    assert not is_loopback(url.split("//")[1].split(":")[0])


def test_a_localhost_name_is_refused_at_launch_too() -> None:
    env = {
        "MYSAFE_URL": "http://foo.localhost:8080",
        "MYSAFE_CLIENT_ID": "a",
        "MYSAFE_CLIENT_SECRET": "x",
    }
    with pytest.raises(UsageError, match="refusing plain http://"):
        resolve(**launch_options(environ=env))


# -- 4. empty and blank values are one-line errors -------------------------------------


SERVER_ENV = {
    "MYSAFE_URL": "https://vault.example.com",
    "MYSAFE_CLIENT_ID": "a",
    "MYSAFE_CLIENT_SECRET": "x",
}


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"url": ""}, "--url"),
        ({"url": "   "}, "--url"),
        ({"environ": {**SERVER_ENV, "MYSAFE_URL": "  "}}, "MYSAFE_URL"),
        ({"environ": SERVER_ENV, "client_id": "  "}, "--client-id"),
        ({"environ": {**SERVER_ENV, "MYSAFE_CLIENT_ID": " "}}, "MYSAFE_CLIENT_ID"),
        ({"environ": SERVER_ENV, "tenant": " "}, "--tenant"),
        ({"environ": {**SERVER_ENV, "MYSAFE_TENANT": "\t"}}, "MYSAFE_TENANT"),
        ({"environ": {**SERVER_ENV, "MYSAFE_CLIENT_SECRET": "  "}}, "MYSAFE_CLIENT_SECRET"),
        ({"environ": SERVER_ENV, "profile": ""}, "--profile"),
    ],
)
def test_blank_values_are_one_line_usage_errors(overrides: dict[str, Any], named: str) -> None:
    with pytest.raises(UsageError) as info:
        resolve(**launch_options(**overrides))
    message = str(info.value)
    assert named in message and "\n" not in message


def test_an_empty_environment_variable_counts_as_unset() -> None:
    # Empty is unset: nothing is configured, which the console may take as its
    # first-run demo (and an empty client id is no credential without a server).
    blank = {"MYSAFE_URL": "", "MYSAFE_CLIENT_ID": "", "SENHASEGURA_CLIENT_SECRET": ""}
    assert resolve(**launch_options(environ=blank, implicit_demo=True)).first_run
    env = {**SERVER_ENV, "MYSAFE_TENANT": "", "MYSAFE_PROFILE": ""}
    options = resolve(**launch_options(environ=env, client_id=" flag-id "))
    assert options.client is not None
    assert options.client.tenant is None and options.client.client_id == "flag-id"


@pytest.mark.parametrize(
    ("argv", "env", "named"),
    [
        (["--url", ""], {}, "--url"),
        (["--url", "  "], {}, "--url"),
        ([], {"MYSAFE_URL": "  "}, "MYSAFE_URL"),
        (["--client-id", "  "], {"MYSAFE_URL": "https://v.example.com"}, "--client-id"),
        ([], {"MYSAFE_URL": "https://v.example.com", "MYSAFE_CLIENT_ID": " "}, "MYSAFE_CLIENT_ID"),
        (["--tenant", " "], {"MYSAFE_URL": "https://v.example.com"}, "--tenant"),
        # The names of the official senhasegura tools get the same checks.
        ([], {"SENHASEGURA_URL": "  "}, "SENHASEGURA_URL"),
        (
            [],
            {"MYSAFE_URL": "https://v.example.com", "SENHASEGURA_CLIENT_ID": " "},
            "SENHASEGURA_CLIENT_ID",
        ),
        (
            [],
            {"SENHASEGURA_URL": "https://v.example.com", "SENHASEGURA_TENANT": "\t"},
            "SENHASEGURA_TENANT",
        ),
        (
            ["--client-id", "a"],
            {"MYSAFE_URL": "https://v.example.com", "SENHASEGURA_CLIENT_SECRET": "  "},
            "SENHASEGURA_CLIENT_SECRET",
        ),
    ],
)
def test_blank_values_exit_2_from_main(
    argv: list[str],
    env: dict[str, str],
    named: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    import tui.console.applog
    from tui.__main__ import main

    for variable in ("MYSAFE_URL", "MYSAFE_CLIENT_ID", "MYSAFE_TENANT", "MYSAFE_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
        monkeypatch.delenv(variable.replace("MYSAFE_", "SENHASEGURA_"), raising=False)
    monkeypatch.setenv("MYSAFE_CLIENT_SECRET", "x")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)

    def no_app(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the console was about to start")

    monkeypatch.setattr(tui.console.applog, "open_app_log", no_app)
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code  # type: ignore[assignment]
    err = capsys.readouterr().err
    assert code == 2
    assert named in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


# -- 5. one owner for a server's guards ------------------------------------------------

CONFIG = """
[profiles.prod]
url = "https://vault.example.com"
client_id = "prod-id"
tenant = "acme"
production = true
max_batch = 5
require_reason = true
read_timeout = 7.5
color = "red"

[profiles.staging]
url = "https://staging.example.com/"
client_id = "stage-id"
color = "green"
"""


def configured(tmp_path: Path, text: str = CONFIG, **overrides: Any) -> LaunchOptions:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    values = launch_options(config_path=path)
    values["environ"] = {"MYSAFE_CLIENT_SECRET": "s3cret", **overrides.pop("environ", {})}
    values.update(overrides)
    return resolve(**values)


def assert_prod_guards(options: LaunchOptions) -> None:
    assert options.production and options.read_only
    assert options.max_batch == 5 and options.require_reason
    assert options.client is not None and options.client.read_only


@pytest.mark.parametrize(
    "url",
    [
        "https://vault.example.com",
        "https://vault.example.com/",
        "https://VAULT.Example.COM/",
        "HTTPS://vault.example.com:443",
        "https://vault.example.com.//",
    ],
)
def test_a_url_naming_a_production_profiles_server_gets_its_guards(
    tmp_path: Path, url: str
) -> None:
    by_env = configured(tmp_path, environ={"MYSAFE_URL": url})
    by_flag = configured(tmp_path, url=url, client_id="flag-id")
    for options in (by_env, by_flag):
        assert_prod_guards(options)
        assert options.profile_name == "prod" and options.color == "red"
        assert options.client is not None and options.client.read_timeout == 7.5
        assert options.client.tenant == "acme"
    assert by_env.client is not None and by_env.client.client_id == "prod-id"
    assert by_flag.client is not None and by_flag.client.client_id == "flag-id", "flags still win"


def test_another_server_gets_no_profile(tmp_path: Path) -> None:
    options = configured(tmp_path, url="https://vault.example.com:8443", client_id="x")
    assert options.profile_name == "default" and not options.production and not options.read_only


def test_several_owners_give_the_strictest_guards_and_all_names(tmp_path: Path) -> None:
    text = CONFIG + (
        '\n[profiles.prod-alias]\nurl = "https://Vault.example.com/"\nclient_id = "alias-id"\n'
        "max_batch = 3\nread_only = true\n"
    )
    options = configured(tmp_path, text, environ={"MYSAFE_URL": "https://vault.example.com"})
    assert options.production and options.read_only and options.require_reason
    assert options.max_batch == 3
    assert "prod" in options.profile_name and "prod-alias" in options.profile_name


def test_a_named_profile_never_loses_guards_to_a_url(tmp_path: Path) -> None:
    other = configured(tmp_path, profile="prod", url="https://elsewhere.example.com")
    assert_prod_guards(other)
    assert other.profile_name == "prod"
    mixed = configured(tmp_path, profile="staging", url="https://vault.example.com/")
    assert_prod_guards(mixed)
    # The server is prod's: its guards, and its name in the header (issue 18).
    assert mixed.profile_name == "staging+prod"


# -- 6. the log redactor removes secrets, not words ------------------------------------

PROSE = [
    "no answer came",
    "GET /api/mysafe/password: no answer within 20 s",
    "Password: no answer came",
    "password: is required",
    "the token endpoint answered",
    "the token endpoint offered a token that is not Bearer",
    "a Bearer token is sent with every request",
    "the secret is never logged; the client secret is empty",
    "no access_token in the answer",
    "Password 12 'no password here' was deactivated",
    "deactivate 3 passwords: no, yes, no",
]


@pytest.mark.parametrize("line", PROSE)
def test_ordinary_sentences_come_out_unchanged(line: str) -> None:
    assert Redactor(["Sup3r-Secret-Client-Key-42"]).scrub(line) == line


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("Authorization: Bearer abcdef", "abcdef"),
        ("sent bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.x-y_z", "eyJ0eXAiOiJKV1Qi"),
        ('{"password": "two words", "token": 123456}', "two words"),
        ('{"password": "two words", "token": 123456}', "123456"),
        ("grant_type=client_credentials&client_secret=k3y-value&tenant=a", "k3y-value"),
        ("{'client_secret': 'sp ace'}", "sp ace"),
        ("client_secret: zzzz", "zzzz"),
        ('"access_token":"tok-987"', "tok-987"),
        ("login user_password=hunter2 ok", "hunter2"),
        ("the key is Sup3r-Secret-Client-Key-42.", "Sup3r-Secret-Client-Key-42"),
    ],
)
def test_real_secrets_are_removed(line: str, secret: str) -> None:
    redactor = Redactor(["Sup3r-Secret-Client-Key-42"])
    scrubbed = redactor.scrub(line)
    assert secret not in scrubbed and "[redacted]" in scrubbed
    assert redactor.scrub(scrubbed) == scrubbed, "scrubbing twice changes nothing"
