"""The command line never answers input with a traceback, and refuses bad input
with exit code 2 (issue 18: 41 tracebacks in 3 819 fuzzed runs).

Hypothesis builds a command line from the real commands and options, and an
environment of the variables the tool and httpx read, with garbage and edge
values, and runs the real CLI in this process (click's runner, exceptions not
caught). Nothing leaves the machine: a server URL that is not a loopback address
(or any request while a proxy variable is set) fails in the transport before a
socket is opened, names are never resolved but loopback ones, and a loopback URL
names a closed port. Retries are off, so a refused connection answers at once.

Derandomized by default (tests/conftest.py, the "ci" profile); a longer random
search on demand: HYPOTHESIS_PROFILE=random python -m pytest tests/cli/test_cli_fuzz.py
(raise ``FUZZ_EXAMPLES`` for more).
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import tui.api.client
from tui.__main__ import cli
from tui.api.retry import NO_RETRY
from tui.api.sending import with_retries

from support.servers import closed_port

#: Examples per run: < 30 s on a small machine (the runs measured about 0.1 s each).
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))

SECRET = "Fz-s3cret-9d2c"
CLOSED_PORT = closed_port()
GOOD_URLS = [
    f"https://127.0.0.1:{CLOSED_PORT}",
    f"http://127.0.0.1:{CLOSED_PORT}",
    f"https://[::1]:{CLOSED_PORT}/segura/",
]
#: Each refused with exit 2 wherever it is the URL in use (flag, then variables).
BAD_URLS = [
    "https://xn--a-.com",
    "https://127.0.0.1:65536",
    "https://127.0.0.1:99999",
    "https://exa mple.com",
    "https://127.0.0.1:0",
    "https://a..b",
    "https://[zz]",
    "https://127.0.0.1:-1",
    "https://127.0.0.1:\u0661",
    "https://h/%zz",
    "https://user:pw@127.0.0.1:9",
    "ftp://127.0.0.1",
    "127.0.0.1:9",
    "https://" + "a" * 3000,
]
PROXY_VARIABLES = ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "all_proxy"]
#: Each refused with exit 2 (for a server command that would build a client).
BAD_PROXIES = [
    "::",
    "http://:99999",
    "http://proxy:0",
    "ftp://x",
    "socks5://x",
    "http://",
    "http://a b",
    "http://xn--a-.com",
    "http://p:abc",
]
BAD_NO_PROXY = ["x:y", "[::1]", "::1/128", "\u00e9"]
BAD_CA = ["a" * 5000, "/nonexistent/ca.pem", "{tmp}", "{tmp}/garbage.pem", "~nobody-here/ca.pem"]

SERVER_COMMANDS = ["list", "deactivate", "activate", "undo", "resume"]
COMMANDS = [*SERVER_COMMANDS, "audit"]

# Text that an argv or an environment can carry: no NUL, no lone surrogates.
printable = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
garbage = st.text(printable, max_size=40)
edgy_numbers = st.sampled_from(
    ["0", "1", "4", "64", "65", "-1", "abc", "", " ", "1e3", "99999999999999999999", "\u0661"]
)


@dataclass
class Case:
    """One generated run: argv, environment, the ids file's bytes, stdin."""

    command: str
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    ids_file: bytes | None = None
    stdin: bytes | None = None
    #: Why this input must be refused with exit 2 (empty: no such claim).
    bad: list[str] = field(default_factory=list)


def _url_in_use(flag: str | None, env: dict[str, str]) -> str | None:
    if flag is not None:
        return flag
    for name in ("MYSAFE_URL", "SENHASEGURA_URL"):
        if env.get(name):
            return env[name]
    return None


def mostly(good: st.SearchStrategy[Any], odd: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``good`` nine times in ten: input refused at the first word explores nothing."""
    # Not 0 nor 9 for the odd one: Hypothesis favours the ends of a range.
    return st.integers(0, 9).flatmap(lambda n: odd if n == 4 else good)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    command = draw(st.sampled_from(COMMANDS))
    case = Case(command)
    args = case.args
    if command in ("list", "deactivate", "activate"):
        kinds = st.sampled_from(["passwords", "secrets"])
        args.append(draw(mostly(kinds, st.sampled_from(["password", "", "x"]))))
    elif command in ("undo", "resume"):
        args.append(draw(st.sampled_from(["b-1", "", "../x"]) | garbage))
    demo = draw(st.integers(0, 3)) == 2 and command != "audit"
    if demo:
        args.append("--demo")
    url_flag = None
    if command != "audit" and draw(st.integers(0, 3)) != 2:
        url_flag = draw(
            st.sampled_from(GOOD_URLS)
            | st.sampled_from(BAD_URLS)
            | st.builds(
                lambda scheme, host, port, path: f"{scheme}://{host}{port}{path}",
                st.sampled_from(["https", "http", "HTTPS", "", "ftp"]),
                st.sampled_from(["127.0.0.1", "[::1]", "localhost"]) | garbage,
                st.sampled_from(["", f":{CLOSED_PORT}", ":0", ":65536", ":"])
                | st.integers(-10, 200_000).map(lambda n: f":{n}"),
                st.sampled_from(["", "/", "/segura", "/a b", "/%"]) | garbage,
            )
        )
        args += ["--url", url_flag]
    env = case.env
    for name in ("MYSAFE_URL", "SENHASEGURA_URL"):
        if draw(st.booleans()):
            env[name] = draw(st.sampled_from(GOOD_URLS + BAD_URLS) | garbage)
    env["MYSAFE_CLIENT_ID"] = draw(mostly(st.just("demo-id"), st.sampled_from(["", " "]) | garbage))
    env[draw(st.sampled_from(["MYSAFE_CLIENT_SECRET", "SENHASEGURA_CLIENT_SECRET"]))] = draw(
        mostly(st.just(SECRET), st.sampled_from([f" {SECRET}", "", " ", f"{SECRET}\u00e9"]))
    )
    if draw(st.booleans()):
        env[draw(st.sampled_from(["MYSAFE_TENANT", "SENHASEGURA_TENANT"]))] = draw(garbage)
    proxy_bad = False
    if draw(st.booleans()):
        value = draw(st.sampled_from(BAD_PROXIES) | garbage)
        env[draw(st.sampled_from(PROXY_VARIABLES))] = value
        proxy_bad = value in BAD_PROXIES
    if draw(st.booleans()):
        value = draw(st.sampled_from([*BAD_NO_PROXY, "localhost,127.0.0.1", "*"]) | garbage)
        env[draw(st.sampled_from(["NO_PROXY", "no_proxy"]))] = value
        proxy_bad = proxy_bad or value in BAD_NO_PROXY
    ca_bad = False
    if command != "audit" and draw(st.booleans()):
        ca = draw(st.sampled_from(BAD_CA) | garbage)
        ca_bad = ca in BAD_CA
        args += ["--ca-bundle", ca]
    insecure = command != "audit" and draw(st.booleans())
    if insecure:
        args.append("--insecure")
    if command != "audit":
        for option in ("--tenant", "--client-id"):
            if draw(st.booleans()):
                args += [option, draw(mostly(st.just("acme"), garbage))]
        for option in ("--concurrency", "--max-batch"):
            if draw(st.booleans()):
                args += [option, draw(mostly(st.sampled_from(["1", "4", "64"]), edgy_numbers))]
    if command in ("deactivate", "activate"):
        how = draw(st.sampled_from(["ids", "file", "stdin", "none"]))
        if how == "ids":
            good_ids = st.sampled_from(["1", "1,2,3", "7 8"])
            odd_ids = st.sampled_from(["", ",", "-1", "1e3"]) | garbage
            args += ["--ids", draw(st.one_of(good_ids, odd_ids))]
        elif how in ("file", "stdin"):
            depth = draw(st.integers(1, 200_000))
            content = draw(
                st.sampled_from(
                    [
                        b"1\n2\n",
                        b"[" * depth + b"]" * depth,
                        b'{"identifier": ' + b"[" * depth + b"]" * depth + b"}\n",
                        b"\xff\xfe1\n",
                        b"1\x002\n",
                        b'[{"identifier": "1", "kind": "password", "name": [[[]]]}]',
                    ]
                )
                | st.binary(max_size=200)
            )
            if how == "file":
                case.ids_file = content
                args += ["--ids-file", "{ids}"]
            else:
                case.stdin = content
                args += ["--ids-file", "-"]
        if draw(st.integers(0, 3)) != 2:
            args.append("--yes")
        if draw(st.booleans()):
            args.append("--dry-run")
    if command == "audit":
        if draw(st.booleans()):
            args += ["--since", draw(st.sampled_from(["2026-01-01", "yesterday", ""]) | garbage)]
        if draw(st.booleans()):
            args += ["--batch", draw(garbage)]
    if draw(st.booleans()):
        formats = st.sampled_from(["json", "jsonl", "table"])
        args += ["--format", draw(mostly(formats, st.sampled_from(["csv", "xml", ""])))]
    if draw(st.integers(0, 19)) == 7:
        args.append(draw(st.sampled_from(["--bogus", "extra", "-h"])))
    # What must end in exit 2: a server command on a real server whose URL in use,
    # proxy variables or CA bundle are known bad.
    if command in SERVER_COMMANDS and not demo and "-h" not in args:
        url = _url_in_use(url_flag, env)
        if url is not None and url.strip() in BAD_URLS:
            case.bad.append(f"bad URL {url!r}")
        if url is not None and proxy_bad:
            case.bad.append("bad proxy variable")
        if url is not None and ca_bad and not insecure:
            case.bad.append("bad CA bundle")
    return case


@contextlib.contextmanager
def no_network() -> Iterator[None]:
    """Only loopback, and never through a proxy; no retries (a refusal answers at once)."""
    original = httpx.AsyncHTTPTransport.handle_async_request
    real_getaddrinfo = socket.getaddrinfo

    async def loopback_only(
        self: httpx.AsyncHTTPTransport, request: httpx.Request
    ) -> httpx.Response:
        proxied = any(
            value and name.lower() in ("https_proxy", "http_proxy", "all_proxy")
            for name, value in os.environ.items()
        )
        if proxied or request.url.host not in ("127.0.0.1", "::1"):
            raise httpx.ConnectError("no network in this test", request=request)
        return await original(self, request)

    def local_names(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", "::1", "localhost", b"127.0.0.1", b"::1", b"localhost"):
            raise socket.gaierror(socket.EAI_NONAME, "no name resolution in this test")
        return real_getaddrinfo(host, *args, **kwargs)

    def no_retries(call: Any, policy: Any, *rest: Any, **named: Any) -> Any:
        return with_retries(call, NO_RETRY, *rest, **named)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", loopback_only)
        patch.setattr(socket, "getaddrinfo", local_names)
        patch.setattr(tui.api.client, "with_retries", no_retries)
        yield


def run_case(case: Case) -> tuple[int, str, str]:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        (tmp / "garbage.pem").write_bytes(b"not a certificate")
        env: dict[str, str | None] = {
            name: None
            for name in os.environ
            if name.startswith(("MYSAFE_", "SENHASEGURA_"))
            or name.lower() in ("https_proxy", "http_proxy", "all_proxy", "no_proxy")
        }
        for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
            (tmp / name).mkdir()
            env[name] = str(tmp / name)
        env.update(case.env)
        ids = tmp / "ids.txt"
        if case.ids_file is not None:
            ids.write_bytes(case.ids_file)
        args = [a.replace("{ids}", str(ids)).replace("{tmp}", str(tmp)) for a in case.args]
        with no_network():
            result = CliRunner().invoke(
                cli, [case.command, *args], input=case.stdin, env=env, catch_exceptions=False
            )
        return result.exit_code, result.stdout, result.stderr


def check(case: Case) -> None:
    code, out, err = run_case(case)
    shown = f"exit {code}\nstdout: {out[-2000:]}\nstderr: {err[-2000:]}"
    assert "Traceback" not in out + err, shown
    assert "Unexpected error" not in err and "ExceptionGroup" not in err, shown
    assert code in (0, 1, 2, 3, 4), shown
    for line in err.splitlines():  # ours (and JSON twins), never Python's own text
        assert line.startswith(("mysafe-tui", "{")) or not line.strip(), shown
    if code in (2, 3, 4):
        assert err.startswith("mysafe-tui"), shown
    assert SECRET not in out + err, shown
    if case.bad:
        assert code == 2, f"{case.bad}: {shown}"


def pinned(command: str, *args: str, bad: str = "", **env: str) -> Case:
    values = {"MYSAFE_CLIENT_ID": "demo-id", "MYSAFE_CLIENT_SECRET": SECRET, **env}
    return Case(command, list(args), values, bad=[bad] if bad else [])


def with_file(case: Case, content: bytes) -> Case:
    case.ids_file = content
    return case


NESTED = b"[" * 100_000 + b"]" * 100_000
CLOSED = f"https://127.0.0.1:{CLOSED_PORT}"


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cases())
# The observed cases, pinned.
@example(pinned("list", "passwords", "--url", "https://xn--a-.com", bad="idna"))
@example(pinned("list", "passwords", bad="idna", MYSAFE_URL="https://xn--a-.com"))
@example(pinned("list", "passwords", "--url", "https://127.0.0.1:65536", bad="port"))
@example(pinned("list", "passwords", "--url", "https://127.0.0.1:99999", bad="port"))
@example(pinned("list", "passwords", "--url", "https://exa mple.com", bad="space"))
@example(pinned("list", "passwords", "--url", "https://127.0.0.1:0", bad="port 0"))
@example(pinned("list", "passwords", "--url", CLOSED, "--ca-bundle", "a" * 5000, bad="ca"))
@example(
    with_file(
        pinned("deactivate", "passwords", "--url", CLOSED, "--ids-file", "{ids}", bad="deep"),
        NESTED,
    )
)
@example(pinned("list", "passwords", "--url", CLOSED, bad="proxy", HTTPS_PROXY="::"))
@example(pinned("list", "passwords", "--url", CLOSED, bad="proxy", ALL_PROXY="http://:99999"))
@example(pinned("list", "passwords", "--url", CLOSED, bad="proxy", HTTPS_PROXY="ftp://x"))
@example(pinned("list", "passwords", "--url", CLOSED, bad="proxy", NO_PROXY="x:y"))
@example(pinned("list", "passwords", "--url", CLOSED, "--format", "table"))
@example(pinned("deactivate", "passwords", "--demo", "--ids", "1,2", "--yes"))
def test_the_cli_never_shows_a_traceback_and_refuses_bad_input_with_2(case: Case) -> None:
    check(case)
