"""One HTTP exchange within bounds: an overall deadline, and a cap on the answer's body.

httpx's timeouts are per operation (connect, each read), so a server sending a
byte every few seconds never trips them, and httpx reads a whole body into memory
whatever its length. Here the answer is read as a stream: the body is refused as
soon as it declares or passes its cap, and the whole exchange, from connecting to
the last byte, is bounded by one deadline. Cancelling the awaiting task ends the
exchange cleanly too: the connection is closed and nothing is left reading.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, NamedTuple

import httpx

from tui.api.errors import AnswerTooLargeError, DeadlineExceededError
from tui.api.parsing import request_id_of

if TYPE_CHECKING:
    from tui.api.pools import Lane

#: Headers that describe the body as it came over the wire, not as it was read.
_WIRE_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


class Bounds(NamedTuple):
    #: Seconds from sending to the last byte of the answer.
    deadline: float
    #: The most the (decoded) body may hold, in bytes.
    limit: int
    #: What the cap is for, as the refusal says it ("list answers").
    what: str = "answers"
    #: Added to the refusal: what the operator can do about it.
    hint: str = ""


def size_text(size: int) -> str:
    """64 MB, 1 MB, 1.5 MB, 500000 bytes."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size} bytes"


async def bounded_exchange(
    http: Lane,
    request: httpx.Request,
    *,
    auth: tuple[str, str] | None,
    bounds: Bounds,
    where: str,
) -> httpx.Response:
    """Send ``request`` and read its whole answer within ``bounds``; the answer comes
    back fully read. Raises :class:`DeadlineExceededError` or
    :class:`AnswerTooLargeError`, or lets httpx's own errors through."""
    timer = asyncio.timeout(bounds.deadline)
    try:
        async with timer:
            streamed = await http.send(request, auth)
            try:
                content = await read_capped(streamed, bounds, where)
            finally:
                await streamed.aclose()
    except TimeoutError:
        if not timer.expired():
            raise
        raise DeadlineExceededError(
            f"{where}: no complete answer within {bounds.deadline:g} s"
        ) from None
    headers = [
        (name, value)
        for name, value in streamed.headers.multi_items()
        if name.lower() not in _WIRE_HEADERS
    ]
    return httpx.Response(
        streamed.status_code,
        headers=headers,
        content=content,
        request=request,
        extensions=streamed.extensions,
    )


async def read_capped(response: httpx.Response, bounds: Bounds, where: str) -> bytes:
    """The decoded body of a streamed ``response``, refused past ``bounds.limit``."""
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > bounds.limit:
        raise _too_large(response, bounds, where, f"it declares {int(declared)} bytes")
    chunks: list[bytes] = []
    size = 0
    # Without a content encoding the body is its raw bytes: httpx's decoder chain
    # (an identity decoder and a re-chunker) would hand back the same bytes, for
    # a twentieth of the client's CPU per request in a batch (issue 23). An answer
    # already read (a transport that gives its body whole) has only decoded bytes.
    raw = "content-encoding" not in response.headers and not response.is_stream_consumed
    async for chunk in response.aiter_raw() if raw else response.aiter_bytes():
        size += len(chunk)
        if size > bounds.limit:
            raise _too_large(response, bounds, where, "it went past that and was cut off")
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(
    response: httpx.Response, bounds: Bounds, where: str, reason: str
) -> AnswerTooLargeError:
    hint = f"; {bounds.hint}" if bounds.hint else ""
    return AnswerTooLargeError(
        f"{where}: HTTP {response.status_code} with a body over the "
        f"{size_text(bounds.limit)} cap for {bounds.what} ({reason}); refused{hint}",
        status=response.status_code,
        request_id=request_id_of(response.headers, None),
    )
