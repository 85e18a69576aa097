"""The simulator answers like senhasegura behind Kong, faults included."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator

import httpx
import pytest

from tui.simulator import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    FaultConfig,
    Simulator,
    SimulatorConfig,
    serve,
)

FORM = {
    "grant_type": "client_credentials",
    "client_id": DEMO_CLIENT_ID,
    "client_secret": DEMO_CLIENT_SECRET,
}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sim(clock: Clock) -> Simulator:
    return Simulator(SimulatorConfig(seed=3, passwords=30, api_secrets=20, clock=clock))


@pytest.fixture
async def http(sim: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=sim.transport(), base_url=sim.base_url) as client:
        yield client


async def token(http: httpx.AsyncClient) -> dict[str, str]:
    answer = await http.post("/api/oauth2/token", data=FORM)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def visible_writable(sim: Simulator, kind: str) -> list[str]:
    return [i.identifier for i in sim.items(kind) if i.can_view and i.can_write]


# -- data -----------------------------------------------------------------------------


def test_same_seed_same_data_and_other_seed_other_data() -> None:
    def snapshot(seed: int) -> list[tuple[str, str, str, str]]:
        sim = Simulator(SimulatorConfig(seed=seed))
        return [
            (i.kind, i.identifier, i.name, i.tags)
            for k in ("password", "api_secret")
            for i in sim.items(k)
        ]

    assert snapshot(5) == snapshot(5)
    assert snapshot(5) != snapshot(6)


def test_demo_data_has_the_awkward_cases() -> None:
    sim = Simulator()
    passwords = sim.items("password")
    secrets = sim.items("api_secret")
    names = [i.name for i in passwords + secrets]
    assert len(passwords) == 40 and len(secrets) == 30
    assert any("[bold]" in n for n in names)
    assert any("\x1b]52;" in n for n in names)
    assert any(not i.can_write for i in passwords) and any(not i.can_write for i in secrets)
    assert any(not i.can_view for i in passwords)
    assert any(i.need_justify for i in passwords) and any(i.need_approval for i in passwords)
    assert len({i.identifier for i in passwords + secrets}) == 70, "one shared id counter"
    assert len({i.identifier_code for i in secrets}) == 30


async def test_a_hundred_thousand_items_list() -> None:
    sim = Simulator(SimulatorConfig(passwords=100_000, api_secrets=0))
    async with httpx.AsyncClient(transport=sim.transport(), base_url=sim.base_url) as http:
        headers = await token(http)
        answer = await http.get("/api/mysafe/password", headers=headers)
    entries = answer.json()["password_on_list"]
    assert len(entries) == sum(1 for i in sim.items("password") if i.can_view) > 95_000
    assert len({e["identifier"] for e in entries}) == len(entries)


# -- OAuth2 ---------------------------------------------------------------------------


async def test_token_by_form_json_and_basic(http: httpx.AsyncClient) -> None:
    by_form = await http.post("/api/oauth2/token", data=FORM)
    by_json = await http.post("/api/oauth2/token", json={**FORM, "tenant": "teste"})
    basic = base64.b64encode(f"{DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET}".encode()).decode()
    by_basic = await http.post(
        "/api/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    by_get = await http.get("/api/oauth2/token", params=FORM)
    for answer in (by_form, by_json, by_basic, by_get):
        assert answer.status_code == 200
        body = answer.json()
        assert list(body) == ["token_type", "expires_in", "access_token"]
        assert body["token_type"] == "Bearer" and body["expires_in"] == 3600


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({**FORM, "client_secret": "wrong"}, 401, "invalid_client"),
        ({**FORM, "client_id": "someone"}, 401, "invalid_client"),
        ({**FORM, "grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID}, 400, "invalid_request"),
    ],
)
async def test_token_failures(
    http: httpx.AsyncClient, form: dict[str, str], status: int, error: str
) -> None:
    answer = await http.post("/api/oauth2/token", data=form)
    assert answer.status_code == status
    assert answer.json()["error"] == error
    assert DEMO_CLIENT_SECRET not in answer.text


async def test_tenant_is_required_by_ip_when_configured() -> None:
    sim = Simulator(SimulatorConfig(require_tenant_for_ip=True))
    async with httpx.AsyncClient(transport=sim.transport(), base_url="http://10.1.2.3") as http:
        refused = await http.post("/api/oauth2/token", data=FORM)
        accepted = await http.post("/api/oauth2/token", data={**FORM, "tenant": "teste"})
    assert refused.status_code == 400 and "tenant" in refused.json()["message"]
    assert accepted.status_code == 200


async def test_no_token_bad_token_and_expired_token_are_401(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    expected = {"message": "You are not authorized to access this resource."}
    assert (await http.get("/api/mysafe/password")).json() == expected
    bad = await http.get("/api/mysafe/password", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    headers = await token(http)
    assert (await http.get("/api/mysafe/password", headers=headers)).status_code == 200
    clock.now += 3600
    expired = await http.get("/api/mysafe/password", headers=headers)
    assert expired.status_code == 401 and expired.json() == expected


async def test_auth_failure_can_look_like_kongs_no_route() -> None:
    sim = Simulator(SimulatorConfig(auth_failure_as_no_route=True))
    async with httpx.AsyncClient(transport=sim.transport(), base_url=sim.base_url) as http:
        answer = await http.get("/api/mysafe/password")
    assert answer.status_code == 404
    assert answer.json()["message"] == "no Route matched with those values"


# -- MySafe ---------------------------------------------------------------------------


async def test_list_shapes(http: httpx.AsyncClient) -> None:
    headers = await token(http)
    body = (await http.get("/api/mysafe/password", headers=headers)).json()
    assert list(body) == ["code", "response", "password_on_list"]
    assert body["response"] == {
        "status": 200,
        "message": "",
        "error": False,
        "error_code": 0,
        "detail": "",
        "mensagem": "",
        "erro": False,
        "cod_erro": 0,
    }
    entry = body["password_on_list"][0]
    assert set(entry) == {
        "identifier",
        "name",
        "url",
        "username",
        "tags",
        "need_justify",
        "need_approval",
        "can_view",
        "can_write",
    }
    assert isinstance(entry["identifier"], str) and entry["need_justify"] in ("0", "1")
    secrets = (await http.get("/api/mysafe/secretapi", headers=headers)).json()[
        "api_secret_on_list"
    ]
    assert set(secrets[0]) == {
        "identifier",
        "name",
        "need_justify",
        "need_approval",
        "can_view",
        "can_write",
    }
    assert "password" not in json.dumps(body["password_on_list"]).replace('"password_on_list"', "")


async def test_list_filters(http: httpx.AsyncClient, sim: Simulator) -> None:
    headers = await token(http)
    item = next(i for i in sim.items("password") if i.can_view and i.tags)
    tag = item.tags.split(",")[0].strip()
    for params in (
        {"tag": tag.upper()},
        {"name": item.name[:6]},
        {"username": item.username},
        {"url": item.url.removeprefix("https://")},
    ):
        entries = (await http.get("/api/mysafe/password", headers=headers, params=params)).json()[
            "password_on_list"
        ]
        assert item.identifier in [e["identifier"] for e in entries], params
        assert len(entries) < 30
    secret = next(i for i in sim.items("api_secret") if i.can_view)
    entries = (
        await http.get(
            "/api/mysafe/secretapi",
            headers=headers,
            params={"identifier_code": secret.identifier_code},
        )
    ).json()["api_secret_on_list"]
    assert [e["identifier"] for e in entries] == [secret.identifier]


async def test_get_entity_shapes(http: httpx.AsyncClient, sim: Simulator) -> None:
    headers = await token(http)
    password = visible_writable(sim, "password")[0]
    body = (await http.get(f"/api/mysafe/password/{password}", headers=headers)).json()
    assert body["response"]["message"] == "Success"
    assert set(body["password_entity"]) >= {
        "password",
        "secret_key",
        "token",
        "notes",
        "users_allowed",
    }
    secret = next(i for i in sim.items("api_secret") if i.can_view and i.users_allowed)
    entity = (await http.get(f"/api/mysafe/secretapi/{secret.identifier}", headers=headers)).json()[
        "api_secret_entity"
    ]
    assert set(entity["users_allowed"][0]) == {"name", "can_edit"}


@pytest.mark.parametrize("kind", ["password", "secretapi"])
async def test_state_changes_are_real_and_idempotent(
    http: httpx.AsyncClient, sim: Simulator, kind: str
) -> None:
    headers = await token(http)
    store = "password" if kind == "password" else "api_secret"
    label = "Password" if kind == "password" else "Api secret"
    identifier = visible_writable(sim, store)[0]
    listing = f"/api/mysafe/{kind}"
    key = "password_on_list" if kind == "password" else "api_secret_on_list"

    async def listed() -> bool:
        entries = (await http.get(listing, headers=headers)).json()[key]
        return identifier in [e["identifier"] for e in entries]

    assert await listed()
    first = await http.post(f"{listing}/inactive/{identifier}", headers=headers)
    assert first.json()["response"]["message"] == f"{label} successfully deactivated"
    assert not sim.is_active(store, identifier) and not await listed()
    again = await http.post(f"{listing}/inactive/{identifier}", headers=headers)
    assert again.status_code == 200
    assert again.json()["response"]["message"] == f"{label} has already been deactivated"
    inactive = await http.get(f"{listing}/{identifier}", headers=headers)
    assert inactive.status_code == 400 and inactive.json()["exception"]["code"] == 1009
    back = await http.post(f"{listing}/active/{identifier}", headers=headers)
    expected = (
        "Password successfully activated"
        if kind == "password"
        else "Api secret activated successfully"
    )
    assert back.json()["response"]["message"] == expected
    assert await listed()
    repeat = await http.post(f"{listing}/active/{identifier}", headers=headers)
    assert repeat.json()["response"]["message"] == f"{label} has already been activated"


async def test_inactive_items_can_be_listed_when_asked() -> None:
    sim = Simulator(SimulatorConfig(list_inactive=True))
    identifier = visible_writable(sim, "password")[0]
    sim.set_active("password", identifier, False)
    async with httpx.AsyncClient(transport=sim.transport(), base_url=sim.base_url) as http:
        entries = (await http.get("/api/mysafe/password", headers=await token(http))).json()[
            "password_on_list"
        ]
    assert identifier in [e["identifier"] for e in entries]


async def test_application_errors(http: httpx.AsyncClient, sim: Simulator) -> None:
    headers = await token(http)
    hidden = next(i.identifier for i in sim.items("password") if not i.can_view)
    readonly = next(i.identifier for i in sim.items("password") if i.can_view and not i.can_write)
    cases = [
        ("GET", "/api/mysafe/password/abc", 1010, "1010: Unexpected identifier type"),
        ("GET", "/api/mysafe/password/999999", 1005, "1005: Password not found"),
        ("GET", "/api/mysafe/secretapi/999999", 1005, "1005: Api secret not found"),
        ("GET", f"/api/mysafe/password/{hidden}", 1006, "1006: User does not have access"),
        (
            "POST",
            f"/api/mysafe/password/inactive/{hidden}",
            1006,
            "1006: User does not have access",
        ),
        (
            "POST",
            f"/api/mysafe/password/inactive/{readonly}",
            1006,
            "1006: User does not have access",
        ),
        ("POST", "/api/mysafe/password/active/999999", 1005, "1005: Password not found"),
        ("POST", "/api/mysafe/secretapi/inactive/x1", 1010, "1010: Unexpected identifier type"),
    ]
    for method, path, code, message in cases:
        answer = await http.request(method, path, headers=headers)
        body = answer.json()
        assert answer.status_code == 400, path
        assert body["exception"] == {"code": code, "message": message, "detail": None}
        assert body["response"]["error"] is True and body["response"]["error_code"] == 1
        assert body["response"]["mensagem"] == message
    assert sim.is_active("password", readonly)


async def test_iso_aliases_and_doubled_slashes(http: httpx.AsyncClient) -> None:
    headers = await token(http)
    assert (await http.get("/iso/mysafe/password", headers=headers)).status_code == 200
    doubled = "https://mysafe.simulator.invalid//api/mysafe//password"
    assert (await http.get(doubled, headers=headers)).status_code == 200


@pytest.mark.parametrize(
    ("accept", "content_type", "text"),
    [
        (
            "application/json",
            "application/json",
            '{\n  "message":"no Route matched with those values",\n  "request_id":"',
        ),
        ("text/plain", "text/plain", "no Route matched with those values\nrequest_id: "),
        ("text/html", "text/html", "<p>no Route matched with those values.</p>"),
        (
            "application/xml",
            "application/xml",
            "<message>no Route matched with those values</message>",
        ),
    ],
)
async def test_unknown_routes_answer_as_kong(
    http: httpx.AsyncClient, accept: str, content_type: str, text: str
) -> None:
    for method, path in (
        ("GET", "/api/nothing"),
        ("DELETE", "/api/mysafe/password/1"),
        ("GET", "/"),
    ):
        answer = await http.request(method, path, headers={"Accept": accept})
        assert answer.status_code == 404
        assert answer.headers["content-type"].startswith(content_type)
        assert text in answer.text
        assert len(answer.headers["x-kong-request-id"]) == 32
        assert answer.headers["server"].startswith("kong/")


# -- faults ---------------------------------------------------------------------------


async def test_scripted_faults_in_order(http: httpx.AsyncClient, sim: Simulator) -> None:
    headers = await token(http)
    sim.inject("502", "503", "504", "500", "drop", "401")
    statuses: list[int | str] = []
    for _ in range(7):
        try:
            statuses.append((await http.get("/api/mysafe/password", headers=headers)).status_code)
        except httpx.RemoteProtocolError:
            statuses.append("drop")
    assert statuses == [502, 503, 504, 500, "drop", 401, 200]


async def test_gateway_fault_bodies_are_kongs(http: httpx.AsyncClient, sim: Simulator) -> None:
    headers = await token(http)
    sim.inject("502", "504", "500")
    bad_gateway = await http.get("/api/mysafe/password", headers=headers)
    assert (
        bad_gateway.json()["message"] == "An invalid response was received from the upstream server"
    )
    timeout = await http.get("/api/mysafe/password", headers=headers)
    assert timeout.json()["message"] == "The upstream server is timing out"
    envelope_500 = await http.get("/api/mysafe/password", headers=headers)
    assert envelope_500.json()["response"]["message"] == "Unexpected error."


async def test_a_lost_answer_still_applied_the_change(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    headers = await token(http)
    identifier = visible_writable(sim, "password")[0]
    sim.inject("lost")
    with pytest.raises(httpx.RemoteProtocolError):
        await http.post(f"/api/mysafe/password/inactive/{identifier}", headers=headers)
    assert not sim.is_active("password", identifier)


async def test_a_hang_longer_than_the_read_timeout_times_out(sim: Simulator) -> None:
    sim.faults.hang = 5.0
    async with httpx.AsyncClient(
        transport=sim.transport(), base_url=sim.base_url, timeout=0.05
    ) as http:
        headers = await token(http)
        sim.inject("hang")
        with pytest.raises(httpx.ReadTimeout):
            await http.get("/api/mysafe/password", headers=headers)


async def test_fault_rates_are_reproducible_with_a_seed() -> None:
    async def run() -> list[int | str]:
        faults = FaultConfig(error_rate=0.3, drop_rate=0.1, seed=42)
        sim = Simulator(SimulatorConfig(faults=faults))
        async with httpx.AsyncClient(transport=sim.transport(), base_url=sim.base_url) as http:
            for _ in range(200):
                with contextlib.suppress(httpx.RemoteProtocolError):
                    await http.get("/api/mysafe/password")
        return [status for _, _, status in sim.request_log]

    first, second = await run(), await run()
    assert first == second
    faults = sum(1 for s in first if s in (500, 502, 503, 504, "drop"))
    assert 50 <= faults <= 110  # about 40% of 200


def test_fault_config_is_validated() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        Simulator(SimulatorConfig(faults=FaultConfig(error_rate=1.5)))
    with pytest.raises(ValueError, match="unknown fault"):
        Simulator().inject("418")


# -- the real socket ------------------------------------------------------------------


async def test_real_socket_serves_httpx_with_keep_alive_and_drops() -> None:
    sim = Simulator()
    async with serve(sim) as url, httpx.AsyncClient(base_url=url) as http:
        assert url.startswith("http://127.0.0.1:")
        headers = await token(http)
        for _ in range(5):
            assert (await http.get("/api/mysafe/password", headers=headers)).status_code == 200
        sim.inject("drop")
        with pytest.raises(httpx.RemoteProtocolError):
            await http.get("/api/mysafe/password", headers=headers)
        assert (await http.get("/api/mysafe/secretapi", headers=headers)).status_code == 200


def raw_exchange(port: int, payload: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(payload)
        chunks = []
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


async def test_real_socket_answers_curl_and_raw_http() -> None:
    import asyncio
    import shutil

    sim = Simulator()
    async with serve(sim) as url:
        port = int(url.rsplit(":", 1)[1])
        if shutil.which("curl"):
            process = await asyncio.create_subprocess_exec(
                "curl",
                "-s",
                "-i",
                "-X",
                "POST",
                f"{url}/api/oauth2/token",
                "-d",
                "grant_type=client_credentials",
                "-d",
                f"client_id={DEMO_CLIENT_ID}",
                "-d",
                f"client_secret={DEMO_CLIENT_SECRET}",
                stdout=asyncio.subprocess.PIPE,
            )
            out, _ = await process.communicate()
            assert b"200" in out.split(b"\r\n", 1)[0] and b"access_token" in out
        # Two requests on one connection, the second asking to close.
        request = (
            b"GET /api/nothing HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /api/mysafe/password HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        answer = await asyncio.to_thread(raw_exchange, port, request)
        assert answer.count(b"HTTP/1.1 ") == 2
        assert b"no Route matched" in answer and b"You are not authorized" in answer
        garbage = await asyncio.to_thread(raw_exchange, port, b"NOT HTTP AT ALL\r\n\r\n")
        assert garbage.startswith(b"HTTP/1.1 400")
        # The server is still fine after a bad client.
        async with httpx.AsyncClient(base_url=url) as http:
            assert (await http.post("/api/oauth2/token", data=FORM)).status_code == 200


# -- the command line -----------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", "simulate", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_simulate_help_and_bad_flags() -> None:
    assert "--latency-ms" in run_cli("--help").stdout
    for args, text in (
        (("--error-rate", "2"), "between 0 and 1"),
        (("--port", "x"), "not a whole number"),
        (("--latency-ms", "-1"), "must be at least 0"),
        (("--host", "0.0.0.0"), "--allow-remote"),
    ):
        done = run_cli(*args)
        assert done.returncode == 2, args
        assert text in done.stderr and "Traceback" not in done.stderr


def test_simulate_starts_prints_its_url_and_serves() -> None:
    env = {**os.environ, "MYSAFE_CLIENT_ID": "ops-key", "MYSAFE_CLIENT_SECRET": "from-env-secret"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "simulate", "--port", "0", "--passwords", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "client id: ops-key" in line and "from-env-secret" not in line
        url = next(word for word in line.split() if word.startswith("http://"))
        answer = httpx.post(
            f"{url}/api/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "ops-key",
                "client_secret": "from-env-secret",
            },
        )
        assert answer.status_code == 200
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
    assert process.stderr is not None and "Traceback" not in process.stderr.read()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_simulate_stops_quietly_with_clients_still_connected(signum: int) -> None:
    """Ctrl+C (or a TERM) while a client keeps its connection open, as httpx does
    between requests: exit 0 and nothing on stderr. Python 3.11's start_server
    printed a traceback for each connection the shutdown cancelled."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "simulate", "--port", "0", "--passwords", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = next(word for word in process.stdout.readline().split() if "://" in word)
        host, port = url.removeprefix("http://").rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=10) as kept:
            # Answered, so its handler is running and now waits on the open connection.
            kept.sendall(b"GET /api/health HTTP/1.1\r\nHost: sim\r\n\r\n")
            assert kept.recv(64).startswith(b"HTTP/1.1 ")
            process.send_signal(signum)
            assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()
    assert process.stderr is not None
    assert process.stderr.read() == ""
