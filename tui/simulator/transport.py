"""The in-process adapter: an httpx transport that asks the simulator directly."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx

from tui.simulator.messages import Handler, Pieces, SimRequest


class SimulatorTransport(httpx.AsyncBaseTransport):
    """No socket, but the same failures a socket gives: a dropped connection raises
    ``RemoteProtocolError`` and a stall longer than the read timeout ``ReadTimeout``,
    exactly as httpx does over the network. A body sent in pieces (a trickle, an
    endless body) is streamed piece by piece, as the socket would deliver it."""

    def __init__(self, simulator: Handler) -> None:
        self.simulator = simulator

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        target = request.url.raw_path.decode("ascii", errors="replace")
        headers = {name.lower(): value for name, value in request.headers.items()}
        sim_request = SimRequest.from_target(
            request.method, target, headers, body, host=request.url.host
        )
        reply = await self.simulator.handle(sim_request)
        read_timeout = request.extensions.get("timeout", {}).get("read")
        # Always a turn of the event loop, as a socket read is: with no delay, a
        # batch against the demo would otherwise run to its end without the screen
        # (its timers, its keys) getting a turn.
        await _wait(reply.delay, read_timeout, request)
        if reply.response is None:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        response = reply.response
        if response.pieces is not None:
            return httpx.Response(
                response.status,
                headers=response.headers,
                stream=_PieceStream(response.pieces, read_timeout, request),
                request=request,
            )
        return httpx.Response(
            response.status,
            headers=response.headers,
            content=response.body,
            request=request,
        )


async def _wait(seconds: float, read_timeout: float | None, request: httpx.Request) -> None:
    """Wait as a reader would: a wait past the read timeout is httpx's ReadTimeout."""
    if read_timeout is not None and seconds > read_timeout:
        await asyncio.sleep(read_timeout)
        raise httpx.ReadTimeout("timed out", request=request)
    await asyncio.sleep(seconds)


class _PieceStream(httpx.AsyncByteStream):
    """A body that arrives piece by piece; each pause yields to the event loop, so
    an endless body can be cancelled like any network read."""

    def __init__(self, pieces: Pieces, read_timeout: float | None, request: httpx.Request):
        self._pieces = pieces
        self._read_timeout = read_timeout
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for pause, data in self._pieces:
            await _wait(pause, self._read_timeout, self._request)
            yield data
