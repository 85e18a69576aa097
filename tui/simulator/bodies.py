"""Answers whose body misbehaves: a trickle, a body that never ends, a huge one.

Sans-IO like the core: these turn an answer into lazy (pause, bytes) pieces and
leave the waiting and the sending to the adapters. Nothing here holds more than
one 64 KB block, however long the body runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from tui.simulator.faults import HUGE_LENGTH
from tui.simulator.messages import SimResponse

#: The size of each piece of an endless body.
CHUNK = 64 * 1024


def misbehaving(fault: str, response: SimResponse, trickle: float) -> SimResponse:
    """``response`` with the body fault ``fault`` ("trickle", "endless" or "huge")."""
    if fault == "trickle":
        return trickled(response, trickle)
    return endless(response, declared=HUGE_LENGTH if fault == "huge" else None)


def trickled(response: SimResponse, pause: float) -> SimResponse:
    """The same answer, one byte every ``pause`` seconds (its length declared as usual)."""
    body = response.body
    pieces = ((pause, body[index : index + 1]) for index in range(len(body)))
    return response._replace(pieces=pieces)


def endless(response: SimResponse, *, declared: int | None) -> SimResponse:
    """An answer that starts like ``response`` and never ends: a list answer goes on
    listing its first entry, anything else goes on with spaces. ``declared`` is the
    Content-Length to claim; None sends it chunked, with no length at all."""
    head, filler = _left_open(response.body)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    if declared is not None:
        headers["Content-Length"] = str(declared)
    block = filler * max(1, CHUNK // len(filler))
    return response._replace(headers=headers, pieces=_forever(head, block))


def _forever(head: bytes, block: bytes) -> Iterator[tuple[float, bytes]]:
    yield 0.0, head
    while True:
        yield 0.0, block


def _left_open(body: bytes) -> tuple[bytes, bytes]:
    """The start of ``body`` with its end cut off, and what can follow it forever."""
    try:
        payload = json.loads(body)
    except ValueError:
        return body, b" "
    if isinstance(payload, dict) and payload:
        key, value = list(payload.items())[-1]
        if isinstance(value, list) and value:
            # The list is the answer's last key: reopen it and repeat an entry.
            opened = json.dumps({**payload, key: []}).encode()
            return opened[: -len(b"]}")], json.dumps(value[0]).encode() + b", "
    return body.rstrip()[:-1], b" "
