"""A copy of the journal off the machine (issue 22): every record of a batch reaches
a syslog listener on loopback as an RFC 5424 message, over UDP and over TCP
(octet counting); failures to send are counted and told; a bad URL is exit 2."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.ops.chain import verify
from tui.ops.journal import Kept
from tui.ops.syslog import message, parse_syslog_url, sd_escape
from tui.settings.paths import audit_path
from tui.simulator import DEMO_CLIENT_SECRET

from support.cli import invoke, server_env
from support.servers import ServedSimulator, served
from support.sims import writable

#: <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA BOM MSG
RFC5424 = re.compile(
    rb"<(?P<pri>\d{1,3})>1 (?P<time>\S+) (?P<host>\S+) (?P<app>\S+) (?P<pid>\S+) (?P<msgid>\S+) "
    rb"(?P<sd>-|\[(?:[^\]\\]|\\.)*\]) \xef\xbb\xbf(?P<msg>.*)",
    re.DOTALL,
)
SD_PARAM = re.compile(r'(\w+)="((?:[^"\\\]]|\\.)*)"')


def parse(data: bytes) -> dict[str, Any]:
    match = RFC5424.fullmatch(data)
    assert match is not None, data[:200]
    sd = match["sd"].decode()
    assert sd.startswith("[mysafe@32473 ")
    params = {k: re.sub(r"\\(.)", r"\1", v) for k, v in SD_PARAM.findall(sd)}
    return {
        "pri": int(match["pri"]),
        "time": match["time"].decode(),
        "app": match["app"].decode(),
        "msgid": match["msgid"].decode(),
        "params": params,
        "msg": match["msg"],
    }


@pytest.fixture
def server() -> Iterator[ServedSimulator]:
    with served() as running:
        yield running


def batch(server: ServedSimulator, syslog: str, count: int = 3) -> Any:
    ids = writable(server.simulator, count)
    env = {**server_env(server.url), "MYSAFE_AUDIT_SYSLOG": syslog}
    return invoke(
        ["deactivate", "passwords", "--ids", ",".join(ids), "--yes", "--format", "json"], env
    )


def journal_lines() -> list[bytes]:
    return audit_path(demo=False).read_bytes().splitlines()


def assert_one_message_per_record(messages: list[bytes]) -> None:
    lines = journal_lines()
    parsed = [parse(m) for m in messages]
    assert [p["msg"] for p in parsed] == lines  # every record, in order, byte for byte
    for record_line, one in zip(lines, parsed, strict=True):
        record = json.loads(record_line)
        assert one["pri"] == 110 and one["app"] == "mysafe-tui"
        assert one["msgid"] == record["phase"] and one["time"] == record["time"]
        assert one["params"]["seq"] == str(record["seq"])
        assert one["params"].get("batch") == record.get("batch_id")
    assert not any(DEMO_CLIENT_SECRET.encode() in m for m in messages)
    assert verify(audit_path(demo=False)).holds


def test_every_record_of_a_batch_reaches_a_udp_listener(server: ServedSimulator) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.settimeout(10)
        done = batch(server, f"udp://127.0.0.1:{listener.getsockname()[1]}")
        assert done.exit_code == 0, done.stderr
        assert "syslog" not in done.stderr
        expected = len(journal_lines())
        assert expected >= 8  # batch, 3 intents, 3 outcomes, batch_end
        messages = [listener.recv(65_535) for _ in range(expected)]
    assert_one_message_per_record(messages)


def test_every_record_of_a_batch_reaches_a_tcp_listener(server: ServedSimulator) -> None:
    received = bytearray()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(10)

        def accept() -> None:
            connection, _ = listener.accept()
            with connection:
                while chunk := connection.recv(65_536):  # until the copy closes
                    received.extend(chunk)

        reader = threading.Thread(target=accept)
        reader.start()
        done = batch(server, f"tcp://127.0.0.1:{listener.getsockname()[1]}")
        reader.join(10)
    assert done.exit_code == 0, done.stderr
    messages = []
    rest = bytes(received)
    while rest:  # octet counting: MSG-LEN SP SYSLOG-MSG
        length, _, rest = rest.partition(b" ")
        messages.append(rest[: int(length)])
        rest = rest[int(length) :]
    assert_one_message_per_record(messages)


def test_records_not_sent_are_counted_and_told(server: ServedSimulator) -> None:
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]  # closed again below: nobody listens there
    done = batch(server, f"tcp://127.0.0.1:{port}")
    assert done.exit_code == 0  # the copy is no reason to fail the batch
    records = len(journal_lines())
    assert (
        f"mysafe-tui: warning: the syslog copy to tcp://127.0.0.1:{port}: {records} of "
        f"{records} journal records not sent ("
    ) in done.stderr
    assert "the local journal has them all" in done.stderr


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://logs:514", "is not udp://host:port or tcp://host:port"),
        ("udp://logs", "names no port"),
        ("tcp://:514", "names no host"),
        ("tcp://logs:99999", "no valid port"),
        ("tcp://user@logs:514/x", "only a scheme, a host and a port"),
    ],
)
def test_a_bad_syslog_url_is_one_line_and_exit_2(url: str, words: str) -> None:
    done = invoke(
        ["deactivate", "passwords", "--demo", "--ids", "1", "--yes", "--format", "table"],
        {"MYSAFE_AUDIT_SYSLOG": url},
    )
    assert done.exit_code == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("mysafe-tui: error: MYSAFE_AUDIT_SYSLOG: ") and words in line


def test_a_bad_syslog_url_in_a_profile_is_one_line_and_exit_2(tmp_path: Path) -> None:
    from tui.settings.paths import config_path

    config = config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        '[profiles.p]\nurl = "https://vault.example.com"\nclient_id = "x"\n'
        'audit_syslog = "udp://logs"\n'
    )
    done = invoke(
        ["list", "passwords", "--profile", "p", "--format", "table"], {"MYSAFE_CLIENT_SECRET": "s"}
    )
    assert done.exit_code == 2
    [line] = done.stderr.splitlines()
    assert "profiles.p.audit_syslog" in line and "names no port" in line


def test_the_url_is_normalised() -> None:
    assert parse_syslog_url(" TCP://[::1]:514 ").url == "tcp://[::1]:514"
    assert parse_syslog_url("udp://logs.example.com:6514").port == 6514


def test_structured_data_values_are_escaped() -> None:
    assert sd_escape('a"b\\c]d') == 'a\\"b\\\\c\\]d'
    kept = Kept(b"{}", "outcome", 'odd"]\\id', "2026-01-02T03:04:05.678+00:00")
    data = message(b'{"seq": 7}\n', kept, 7, hostname="host name", pid=42)
    assert data.startswith(
        b"<110>1 2026-01-02T03:04:05.678+00:00 - mysafe-tui 42 outcome "
        b'[mysafe@32473 seq="7" batch="odd\\"\\]\\\\id"] \xef\xbb\xbf{"seq": 7}'
    )
    assert parse(data)["params"] == {"seq": "7", "batch": 'odd"]\\id'}
