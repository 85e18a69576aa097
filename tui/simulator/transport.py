"""The in-process adapter: an httpx transport that asks the simulator directly."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import httpx

from tui.simulator.messages import SimRequest

if TYPE_CHECKING:
    from tui.simulator.core import Simulator


class SimulatorTransport(httpx.AsyncBaseTransport):
    """No socket, but the same failures a socket gives: a dropped connection raises
    ``RemoteProtocolError`` and a stall longer than the read timeout ``ReadTimeout``,
    exactly as httpx does over the network."""

    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        target = request.url.raw_path.decode("ascii", errors="replace")
        headers = {name.lower(): value for name, value in request.headers.items()}
        sim_request = SimRequest.from_target(
            request.method, target, headers, body, host=request.url.host
        )
        reply = await self.simulator.handle(sim_request)
        if reply.delay:
            timeouts = request.extensions.get("timeout", {})
            read_timeout = timeouts.get("read")
            if read_timeout is not None and reply.delay > read_timeout:
                await asyncio.sleep(read_timeout)
                raise httpx.ReadTimeout("timed out", request=request)
            await asyncio.sleep(reply.delay)
        if reply.response is None:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        response = reply.response
        return httpx.Response(
            response.status,
            headers=response.headers,
            content=response.body,
            request=request,
        )
