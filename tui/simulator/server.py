"""The loopback adapter: a small HTTP/1.1 server on h11 (httpx's own HTTP engine).

ASGI servers cannot drop a connection without answering, and dropping is one of
the faults this server must produce; h11 over asyncio streams gives that control
with keep-alive, in a hundred lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import ssl
from collections.abc import AsyncIterator

import h11

from tui.simulator.core import Simulator
from tui.simulator.messages import SimRequest

MAX_BODY = 1024 * 1024


async def _serve_connection(
    simulator: Simulator, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    connection = h11.Connection(h11.SERVER, max_incomplete_event_size=64 * 1024)

    async def next_event() -> h11.Event | type[h11.NEED_DATA] | type[h11.PAUSED]:
        while True:
            event = connection.next_event()
            if event is not h11.NEED_DATA:
                return event
            data = await reader.read(65536)
            connection.receive_data(data)

    def send(*events: h11.Event) -> None:
        for event in events:
            data = connection.send(event)
            if data:
                writer.write(data)

    try:
        while True:
            event = await next_event()
            if isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
                return
            if not isinstance(event, h11.Request):
                return
            body = bytearray()
            while True:
                part = await next_event()
                if isinstance(part, h11.Data):
                    body += part.data
                    if len(body) > MAX_BODY:
                        raise h11.RemoteProtocolError("body too large", error_status_hint=413)
                elif isinstance(part, h11.EndOfMessage):
                    break
                else:
                    return
            headers = {
                name.decode("latin-1").lower(): value.decode("latin-1")
                for name, value in event.headers
            }
            request = SimRequest.from_target(
                event.method.decode("ascii"),
                event.target.decode("latin-1"),
                headers,
                bytes(body),
                host=headers.get("host", ""),
            )
            reply = await simulator.handle(request)
            if reply.delay:
                await asyncio.sleep(reply.delay)
            if reply.response is None:
                # The fault: close without a byte of answer.
                writer.transport.abort()
                return
            response = reply.response
            send(
                h11.Response(
                    status_code=response.status,
                    headers=[(k.encode(), v.encode()) for k, v in response.headers.items()],
                )
            )
            if response.pieces is None:
                send(h11.Data(data=response.body))
            else:
                # A trickle or an endless body: piece by piece, until the client leaves.
                for pause, data in response.pieces:
                    await asyncio.sleep(pause)  # even 0: the client may share this loop
                    if writer.transport.is_closing():
                        return
                    send(h11.Data(data=data))
                    await writer.drain()
            send(h11.EndOfMessage())
            await writer.drain()
            if connection.our_state is h11.MUST_CLOSE:
                return
            connection.start_next_cycle()
    except h11.RemoteProtocolError as exc:
        # A client that does not speak HTTP: answer 400 if we still can, then close.
        if connection.our_state in (h11.IDLE, h11.SEND_RESPONSE):
            with contextlib.suppress(h11.LocalProtocolError):
                bad = b'{\n  "message":"Bad request"\n}'
                # An id on every answer, as Kong's: this one reached no route to number it.
                request_id = secrets.token_hex(16).encode()
                send(
                    h11.Response(
                        status_code=exc.error_status_hint,
                        headers=[
                            (b"content-type", b"application/json"),
                            (b"connection", b"close"),
                            (b"x-kong-request-id", request_id),
                            (b"x-request-id", request_id),
                        ],
                    ),
                    h11.Data(data=bad),
                    h11.EndOfMessage(),
                )
    except (ConnectionError, asyncio.IncompleteReadError, h11.LocalProtocolError):
        return
    finally:
        with contextlib.suppress(Exception):
            if not writer.transport.is_closing():
                await writer.drain()
            writer.close()


@contextlib.asynccontextmanager
async def serve(
    simulator: Simulator,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    tls: ssl.SSLContext | None = None,
) -> AsyncIterator[str]:
    """Run the simulator on a real socket in this event loop; yields its base URL
    (``https://`` when ``tls``, a server context, is given)."""
    tasks: set[asyncio.Task[None]] = set()

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            tasks.add(task)
        try:
            await _serve_connection(simulator, reader, writer)
        except asyncio.CancelledError:
            # The server is closing (Ctrl+C on `simulate`, the end of a test) with this
            # client still connected. Ended quietly: Python 3.11's start_server reports
            # a cancelled handler as an unhandled exception, a traceback on stderr for
            # each (3.12 checks for cancellation first).
            writer.transport.abort()
        finally:
            if task is not None:
                tasks.discard(task)

    server = await asyncio.start_server(on_connect, host, port, ssl=tls)
    bound_port = server.sockets[0].getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    try:
        scheme = "https" if tls is not None else "http"
        yield f"{scheme}://{shown_host}:{bound_port}"
    finally:
        server.close()
        for task in list(tasks):
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), timeout=2)
