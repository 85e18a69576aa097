"""The pty benchmarks' pure parts (tests/benchmarks/run_all.py and its helpers).

Nothing here is timed: the table writer keeps what lies outside its markers, the
independent server answers as the API reference says, and a screen condition sees a
line that pyte rendered from escape sequences.
"""

from __future__ import annotations

import asyncio
import json

import pyte
from plain_server import CLIENT_ID, CLIENT_SECRET, Store, serve_connection
from pty_harness import all_shown, contains, matches
from run_all import BEGIN, END, Row, render, replace_between_markers


def test_the_table_replaces_only_what_lies_between_its_markers() -> None:
    document = f"# Benchmarks\n\nintro\n\n{BEGIN}\nold table\n{END}\n\n## History\nkept\n"

    written = replace_between_markers(document, "new table\n")

    assert written == f"# Benchmarks\n\nintro\n\n{BEGIN}\nnew table\n{END}\n\n## History\nkept\n"
    assert replace_between_markers(written, "new table\n") == written


def test_without_markers_the_table_goes_under_the_first_heading() -> None:
    written = replace_between_markers("# Benchmarks\nhistory\n", "table\n")

    assert written == f"# Benchmarks\n\n{BEGIN}\ntable\n{END}\nhistory\n"


def test_a_rendered_table_has_one_line_per_row_and_escapes_pipes() -> None:
    rows = [Row("a | b", "1 s", "anchor: 2 s", "0.50x", "≤ 1x", "pass")]

    table = render(rows, 3, "run_all.py --rounds 3")

    assert "| a \\| b | 1 s | anchor: 2 s | 0.50x | ≤ 1x | pass | - |" in table.splitlines()
    assert "medians of 3 interleaved rounds" in table


async def _exchange(store: Store, requests: bytes) -> bytes:
    """``requests`` through one connection of the server (no socket: a pair of streams)."""
    reader = asyncio.StreamReader()
    reader.feed_data(requests)
    reader.feed_eof()
    written = bytearray()

    class Writer:
        def write(self, data: bytes) -> None:
            written.extend(data)

        async def drain(self) -> None:
            return None

        def close(self) -> None:
            return None

    await serve_connection(store, 0.0, reader, Writer())  # type: ignore[arg-type]
    return bytes(written)


def _bodies(answer: bytes) -> list[tuple[int, dict[str, object]]]:
    """(status, JSON body) of each response in ``answer``, in order."""
    found = []
    while answer:
        head, _, rest = answer.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
        found.append((int(head.split(b" ")[1]), json.loads(rest[:length])))
        answer = rest[length:]
    return found


async def test_the_independent_server_grants_a_token_and_deactivates_once() -> None:
    store = Store(passwords=2, secrets=1)
    form = f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
    token_request = (
        f"POST /api/oauth2/token HTTP/1.1\r\nContent-Length: {len(form)}\r\n\r\n{form}".encode()
    )
    [(status, token)] = _bodies(await _exchange(store, token_request))
    assert status == 200 and token["token_type"] == "Bearer"

    bearer = f"Authorization: Bearer {token['access_token']}\r\n"
    requests = (
        f"POST /api/mysafe/password/inactive/2 HTTP/1.1\r\n{bearer}\r\n"
        f"POST /api/mysafe/password/inactive/2 HTTP/1.1\r\n{bearer}\r\n"
        f"GET /api/mysafe/password HTTP/1.1\r\n{bearer}\r\n"
        "GET /api/mysafe/password HTTP/1.1\r\n\r\n"
        f"GET /nowhere HTTP/1.1\r\n{bearer}\r\n"
    ).encode()
    answers = _bodies(await _exchange(store, requests))

    messages = [body.get("response", body) for _, body in answers]
    assert [status for status, _ in answers] == [200, 200, 200, 401, 404]
    assert messages[0]["message"] == "Password successfully deactivated"  # type: ignore[index]
    assert messages[1]["message"] == "Password has already been deactivated"  # type: ignore[index]
    assert [e["identifier"] for e in answers[2][1]["password_on_list"]] == ["1"]  # type: ignore[attr-defined]
    assert answers[4][1] == {"message": "no Route matched with those values"}


def test_a_screen_condition_sees_a_line_pyte_rendered() -> None:
    screen = pyte.Screen(60, 5)
    stream = pyte.ByteStream(screen)
    stream.feed(
        b"\x1b[?1049h\x1b[2J\x1b[5;2H\x1b[38;5;45m 7 marked \xc2\xb7 12 of 12 passwords shown"
    )

    assert all_shown()(screen.display)
    assert contains("7 marked")(screen.display)
    assert not matches(r"\b0 marked")(screen.display)
    stream.feed(b"\x1b[5;20H13")  # "12 of 13": not every row is shown any more
    assert not all_shown()(screen.display)
