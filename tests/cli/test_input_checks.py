"""Bad input ends in one line naming the culprit and exit 2, before anything is sent
(issue 18: the tracebacks and the silently accepted values of the fuzzed runs).

Each observed case is pinned at the level it was seen: the URL and CA bundle
checks, the proxy variables, the ids file, the command line in-process, the
console's start through ``tui.__main__.main``, and a couple in a real process.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tui.api import ConfigurationError, Kind, TLSSettings, normalise_base_url
from tui.api.proxies import check_proxy_environment
from tui.api.sending import transport_error
from tui.cli import ids as ids_module
from tui.cli.errors import CliError
from tui.cli.ids import read_ids
from tui.simulator import DEMO_CLIENT_ID

from support.cli import invoke, only_line, process_env, run_tui
from support.servers import closed_port, served

SECRET = "s3cr3t-Value-Never-Shown"
CLOSED = f"https://127.0.0.1:{closed_port()}"


def env(**extra: str | None) -> dict[str, str | None]:
    """A server that cannot be reached (a closed loopback port) and the credentials."""
    values: dict[str, str | None] = {
        "MYSAFE_URL": CLOSED,
        "MYSAFE_CLIENT_ID": DEMO_CLIENT_ID,
        "MYSAFE_CLIENT_SECRET": SECRET,
        "MYSAFE_PROFILE": None,
        "MYSAFE_TENANT": None,
    }
    values.update(extra)
    return values


def assert_one_line_exit_2(args: list[str], environ: dict[str, str | None], named: str) -> str:
    """``args`` (a table: no JSON twin of the error line) exit 2 with one line naming ``named``."""
    result = invoke([*args, "--format", "table"], env=environ)
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    line = only_line(result.stderr)
    assert named in line, line
    assert "Traceback" not in result.stderr and SECRET not in result.stderr + result.stdout
    return line


# -- the server URL --------------------------------------------------------------------

BAD_URLS = [
    ("https://xn--a-.com", "invalid IDNA label 'xn--a-'"),
    ("https://a.xn--a-.com", "invalid IDNA label"),
    ("https://127.0.0.1:65536", "port 65536 is out of range"),
    ("https://127.0.0.1:99999", "port 99999 is out of range"),
    ("https://127.0.0.1:0", "port 0 is out of range"),
    ("https://exa mple.com", "holds a space"),
    ("https://a..b.com", "empty label"),
    ("https://.example.com", "empty label"),
    ("https://-a.example.com", "hyphen"),
    ("https://ex!ample.com", "holds '!'"),
    ("https://1.2.3", "not a valid IPv4 address"),
    ("https://[zz]", "not a valid IPv6 address"),
    ("https://[::1", "not closed"),
    ("https://::1", "IPv6 address goes in brackets"),
    ("https://host:", "port after ':' is empty"),
    ("https://host:abc", "'abc' is not a number"),
    ("https://host:+1", "'+1' is not a number"),
    ("https://host:\u0661", "is not a number"),  # an Arabic-Indic digit: int() takes it
    ("https://host/pa th", "path holds a space"),
    ("https://host/a%zz", "'%' not followed"),
    ("https://\uff45x.com", "not a valid international domain name"),
    ("https://" + "a" * 2100 + ".com", "at most 2048"),
    ("https://" + "a" * 64 + ".com", "longer than 63"),
]


@pytest.mark.parametrize(("url", "why"), BAD_URLS)
def test_malformed_urls_are_refused_in_one_line(url: str, why: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        normalise_base_url(url)
    message = str(info.value)
    assert why in message and "\n" not in message and len(message) < 400


def test_a_url_with_a_user_or_password_is_refused_and_not_quoted() -> None:
    with pytest.raises(ConfigurationError) as info:
        normalise_base_url(f"https://admin:{SECRET}@vault.example.com")
    assert "user name or password" in str(info.value) and SECRET not in str(info.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://vault.example.com.", "https://vault.example.com."),
        ("https://VAULT.example.com:443/", "https://vault.example.com"),
        ("https://vault.example.com:8443/a%2Fb/", "https://vault.example.com:8443/a%2Fb"),
        ("https://b\u00fccher.example", "https://b\u00fccher.example"),
        ("https://xn--bcher-kva.example", "https://b\u00fccher.example"),
        ("https://under_score.corp", "https://under_score.corp"),
        ("https://[::1]:8443", "https://[::1]:8443"),
        ("https://127.0.0.1:65535", "https://127.0.0.1:65535"),
    ],
)
def test_good_urls_still_pass(raw: str, expected: str) -> None:
    assert normalise_base_url(raw) == expected


# -- the CA bundle ---------------------------------------------------------------------


def ca_problem(path: Path) -> str:
    with pytest.raises(ConfigurationError) as info:
        TLSSettings(ca_bundle=path).verify()
    message = str(info.value)
    assert "\n" not in message and len(message) < 400
    return message


def test_ca_bundle_problems_are_each_one_line(tmp_path: Path) -> None:
    assert "cannot be read: File name too long" in ca_problem(Path("a" * 5000))
    assert "does not exist" in ca_problem(tmp_path / "missing.pem")
    assert "is a directory" in ca_problem(tmp_path)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert "not a regular file" in ca_problem(fifo)  # opening it would block for ever
    huge = tmp_path / "huge.pem"
    with huge.open("wb") as handle:
        handle.truncate(17 * 1024 * 1024)  # sparse: no disk used
    assert "far smaller" in ca_problem(huge)
    assert "NUL" in ca_problem(Path("a\x00b"))
    assert "could not be found" in ca_problem(Path("~no-such-user-here/ca.pem"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_ca_bundle_is_named(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    bundle.chmod(0)
    assert "permission denied" in ca_problem(bundle)


def test_a_5000_character_ca_bundle_exits_2_from_the_command_line() -> None:
    line = assert_one_line_exit_2(
        ["list", "passwords", "--ca-bundle", "a" * 5000], env(), "--ca-bundle"
    )
    assert "File name too long" in line and len(line) < 300


# -- the proxy variables ---------------------------------------------------------------

BAD_PROXIES = [
    ("::", "IPv6 address goes in brackets"),
    ("http://proxy:99999", "port 99999 is out of range"),
    ("http://proxy:0", "port 0 is out of range"),
    ("http://proxy:abc", "is not a number"),
    ("http://", "no host"),
    ("http://pro xy:3128", "holds a space"),
    ("http://xn--a-.com:3128", "invalid IDNA label"),
    ("ftp://proxy", "its scheme 'ftp'"),
    ("socks5://proxy:1080", "socksio"),
]


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "ALL_PROXY"])
@pytest.mark.parametrize(("value", "why"), BAD_PROXIES)
def test_proxy_variables_are_checked_as_httpx_reads_them(
    variable: str, value: str, why: str
) -> None:
    if "socksio" in why and importlib.util.find_spec("socksio") is not None:
        pytest.skip("socksio is installed: a SOCKS proxy is usable")
    with pytest.raises(ConfigurationError) as info:
        check_proxy_environment({variable: value})
    assert str(info.value).startswith(f"Configuration error: {variable} ")
    assert why in str(info.value)


def test_a_proxys_password_is_never_quoted() -> None:
    with pytest.raises(ConfigurationError) as info:
        check_proxy_environment({"HTTPS_PROXY": f"http://me:{SECRET}@proxy:99999"})
    assert SECRET not in str(info.value) and "HTTPS_PROXY" in str(info.value)


@pytest.mark.parametrize("value", ["x:y", "[::1]", "::1/128", "\u00e9", "ab:cd:ef"])
def test_no_proxy_entries_httpx_cannot_read_are_named(value: str) -> None:
    with pytest.raises(ConfigurationError, match="NO_PROXY"):
        check_proxy_environment({"NO_PROXY": value})


@pytest.mark.parametrize(
    "environ",
    [
        {"HTTPS_PROXY": "proxy.corp:3128"},
        {"https_proxy": "http://user:pw@proxy.corp:3128", "NO_PROXY": "localhost,127.0.0.1,.corp"},
        {"ALL_PROXY": "http://[::1]:3128", "NO_PROXY": "*"},
        {"NO_PROXY": "x:y,*"},  # httpx stops at "*": nothing else is read
        {"HTTP_PROXY": ""},
    ],
)
def test_usable_proxy_settings_pass(environ: dict[str, str]) -> None:
    check_proxy_environment(environ)


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "ALL_PROXY", "http_proxy", "NO_PROXY"])
def test_a_garbage_proxy_variable_exits_2_from_the_command_line(variable: str) -> None:
    value = "x:y" if variable == "NO_PROXY" else "::"
    assert_one_line_exit_2(["list", "passwords"], env(**{variable: value}), variable)


def test_the_client_never_lets_a_proxy_error_out_as_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the checks might miss is still a ConfigurationError naming the variables."""
    from tui.api import ClientSettings, MySafeClient, Secret
    from tui.api import client as client_module

    monkeypatch.setattr(client_module, "check_proxy_environment", lambda environ: None)
    monkeypatch.setenv("HTTPS_PROXY", "ftp://proxy")
    with pytest.raises(ConfigurationError, match="HTTPS_PROXY"):
        MySafeClient(ClientSettings(CLOSED, "id", Secret(SECRET)))


# -- the ids file ----------------------------------------------------------------------


def ids_problem(path: Path) -> str:
    with pytest.raises(CliError) as info:
        read_ids(None, str(path), Kind.PASSWORD)
    assert info.value.exit_code == 2 and "\n" not in info.value.message
    return info.value.message


def test_ids_file_problems_are_each_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in ids_problem(nested)
    lines = tmp_path / "nested.jsonl"
    lines.write_text('{"identifier": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    assert "nested too deeply" in ids_problem(lines)
    binary = tmp_path / "binary"
    binary.write_bytes(bytes(range(256)) * 4)
    assert "NUL bytes" in ids_problem(binary)
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("12\n# caf\u00e9\n".encode("latin-1"))
    assert "is not UTF-8 text" in ids_problem(latin)
    assert "Is a directory" in ids_problem(tmp_path)
    monkeypatch.setattr(ids_module, "MAX_IDS_BYTES", 1000)
    huge = tmp_path / "huge.txt"
    huge.write_text("1\n" * 600)
    assert "bigger than" in ids_problem(huge)


def test_deeply_nested_values_inside_entries_are_named_not_printed(tmp_path: Path) -> None:
    deep = "[" * 900 + "]" * 900  # parses, but printing it back would overflow
    for entry in (
        f'{{"identifier": {deep}}}',
        f'{{"identifier": "5", "kind": {deep}}}',
    ):
        path = tmp_path / "entries.jsonl"
        path.write_text(entry + "\n")
        assert "a JSON array" in ids_problem(path)
    path.write_text(f'{{"identifier": "5", "name": {deep}}}\n')
    assert [ref.identifier for ref in read_ids(None, str(path), Kind.PASSWORD)] == ["5"]


def test_a_nested_ids_file_exits_2_from_the_command_line(tmp_path: Path) -> None:
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 100_000 + "]" * 100_000)
    args = ["deactivate", "passwords", "--ids-file", str(nested), "--yes", "--format", "json"]
    result = invoke(args, env=env())
    assert result.exit_code == 2 and "nested too deeply" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_utf8_on_stdin_exits_2(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tui.__main__ import cli

    args = ["deactivate", "passwords", "--ids-file", "-", "--yes", "--format", "table"]
    result = CliRunner().invoke(cli, args, input=b"\xff\xfe12\n", env=env(), catch_exceptions=False)
    assert result.exit_code == 2
    assert "stdin" in only_line(result.stderr) and "not UTF-8" in result.stderr


# -- the command line and the console's start -----------------------------------------

OBSERVED = [
    "https://xn--a-.com",
    "https://127.0.0.1:65536",
    "https://127.0.0.1:99999",
    "https://exa mple.com",
    "https://127.0.0.1:0",
]


@pytest.mark.parametrize("url", OBSERVED)
def test_observed_urls_exit_2_as_a_flag_and_as_a_variable(url: str) -> None:
    assert_one_line_exit_2(["list", "passwords", "--url", url], env(), "--url")
    assert_one_line_exit_2(["list", "passwords"], env(MYSAFE_URL=url), "MYSAFE_URL")
    assert_one_line_exit_2(
        ["list", "passwords"], env(MYSAFE_URL=None, SENHASEGURA_URL=url), "SENHASEGURA_URL"
    )


@pytest.mark.parametrize(
    ("argv", "extra", "named"),
    [
        (["--url", "https://xn--a-.com"], {}, "--url"),
        (["--url", "https://127.0.0.1:65536"], {}, "port 65536"),
        (["--url", "https://127.0.0.1:99999"], {}, "port 99999"),
        ([], {"MYSAFE_URL": "https://exa mple.com"}, "MYSAFE_URL"),
        (["--ca-bundle", "a" * 5000], {}, "--ca-bundle"),
        ([], {"HTTPS_PROXY": "::"}, "HTTPS_PROXY"),
        ([], {"ALL_PROXY": "http://proxy:99999"}, "ALL_PROXY"),
    ],
)
def test_the_console_start_says_one_line_and_exits_2(
    argv: list[str],
    extra: dict[str, str],
    named: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import tui.console.applog
    from tui.__main__ import main

    for variable, value in env(**extra).items():
        if value is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, value)

    def no_app(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the console was about to start")

    monkeypatch.setattr(tui.console.applog, "open_app_log", no_app)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert named in only_line(err) and "ExceptionGroup" not in err and SECRET not in err


@pytest.mark.parametrize(
    ("args", "extra", "named"),
    [
        (["list", "passwords", "--url", "https://xn--a-.com", "--format", "table"], {}, "--url"),
        (["--url", "https://127.0.0.1:65536"], {}, "port 65536"),  # the console
        (["list", "passwords", "--format", "table"], {"HTTPS_PROXY": "::"}, "HTTPS_PROXY"),
    ],
)
def test_in_a_real_process_too(
    args: list[str], extra: dict[str, str], named: str, tmp_path: Path
) -> None:
    child = process_env(
        tmp_path,
        {"MYSAFE_URL": CLOSED, "MYSAFE_CLIENT_ID": "id", "MYSAFE_CLIENT_SECRET": SECRET, **extra},
    )
    done = run_tui(args, child)
    assert done.returncode == 2, done.stderr
    assert named in only_line(done.stderr) and SECRET not in done.stderr


# -- a connection error always names its reason ---------------------------------------


@contextlib.contextmanager
def closing_server() -> Iterator[str]:
    """A loopback port that accepts and closes at once (in the TLS handshake)."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{listener.getsockname()[1]}"
    finally:
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        thread.join(5)


def test_a_connection_closed_in_the_handshake_names_its_reason() -> None:
    async def attempt(address: str) -> httpx.HTTPError:
        async with httpx.AsyncClient() as client:
            try:
                await client.get(f"https://{address}/")
            except httpx.HTTPError as exc:
                return exc
        raise AssertionError("the request succeeded")

    with closing_server() as address:
        exc = asyncio.run(attempt(address))
    assert str(exc) == ""  # what httpx gives: nothing to say
    error = transport_error(exc, host=address, where="GET /", connect_timeout=5, read_timeout=5)
    assert str(error).endswith(
        f"could not connect to {address}: the server closed the connection during the "
        "TLS handshake (is it plain http?)"
    )


def test_every_connection_error_has_a_reason() -> None:
    for exc in (httpx.ConnectError(""), httpx.ReadError(""), httpx.ProxyError("")):
        error = transport_error(exc, host="h:1", where="GET /", connect_timeout=5, read_timeout=5)
        assert not str(error).rstrip().endswith(":") and "()" not in str(error), str(error)


def test_https_to_a_plain_http_port_says_so() -> None:
    with served() as server:
        url = server.url.replace("http://", "https://")
        result = invoke(["list", "passwords", "--format", "table"], env=env(MYSAFE_URL=url))
    assert result.exit_code == 3
    line = only_line(result.stderr)
    assert "is it plain http?" in line and not line.endswith(": "), line


def test_a_connection_error_says_when_a_proxy_variable_is_set() -> None:
    """A proxy that is well formed but wrong fails when used: the error says it was set."""
    proxy = f"http://127.0.0.1:{closed_port()}"
    result = invoke(["list", "passwords", "--format", "table"], env=env(HTTPS_PROXY=proxy))
    assert result.exit_code == 3
    assert "(HTTPS_PROXY is set)" in only_line(result.stderr)
