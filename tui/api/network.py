"""HTTP/1.1 on asyncio's own sockets: h11 speaks the protocol, a small pool keeps
the connections, httpx's models carry the requests and answers.

httpx sends through httpcore, and httpcore reaches the network through anyio.
For every request that is a connection pool matching requests to connections
under locks, a trace context per step, a cancel scope per read and write, and a
state machine of its own around h11's. In a batch of 1 000 deactivations that was
about a quarter of the client's CPU per request (issue 23), for nothing this
client uses: it talks to one server, over HTTP/1.1, one request per connection
at a time.

Here each request takes an idle connection (or opens one, up to the pool's
size), h11 writes the request and reads the answer, and the connection goes back
to the pool when the answer has been read whole and both sides may go on. What
httpx's own transport gives is kept, and done the way httpcore does it:

- HTTP semantics are h11's (httpcore's too): framing, chunked bodies, 1xx
  answers skipped, keep-alive only when both sides allow it, its limits on
  header sizes, its validation of what is sent and what comes back.
- Timeouts as httpx names them: ``connect`` (TCP and the TLS handshake),
  ``write`` (while the socket's buffer is full), ``read`` (each wait for bytes),
  ``pool`` (waiting for a free connection); errors are httpx's exception types,
  with the socket's or h11's error as their cause.
- A connection the server closed, or sent bytes on, while it was idle is not
  reused; nor one idle past ``keepalive_expiry``.
- A write that fails is not an answer: the answer is read anyway, as httpcore
  does (a server may answer and close before reading the whole request).
- TLS is asyncio's, with the client's context and the server's name.
- An answer abandoned before its end (cancelled, an error, a deadline) closes its
  connection: nothing half-read is ever reused.

Through a proxy the environment names, the client keeps httpx's own transport
(see :mod:`tui.api.pools`).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator
from typing import Any

import h11
import httpx

#: Read from the socket no further ahead than this before the caller reads.
_HIGH_WATER = 256 * 1024
#: What one read hands to h11 (httpcore's figure).
_READ_SIZE = 64 * 1024
#: The largest head (status line and headers) h11 waits for (httpcore's figure).
_MAX_HEAD = 100 * 1024
#: A request body is written in pieces no larger than this.
_WRITE_SIZE = 64 * 1024

Timeouts = dict[str, float | None]


class _Link(asyncio.Protocol):
    """One connection's bytes as they come, and whether writing must wait."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        #: The peer will send nothing more (or the connection is gone).
        self.ended = False
        self.error: BaseException | None = None
        self.reading_paused = False
        self._reader: asyncio.Future[None] | None = None
        self._writable: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) > _HIGH_WATER and self.transport is not None:
            self.transport.pause_reading()
            self.reading_paused = True
        self._wake_reader()

    def eof_received(self) -> None:
        self.ended = True
        self._wake_reader()

    def connection_lost(self, exc: Exception | None) -> None:
        self.ended = True
        self.error = exc
        self._wake_reader()
        self.resume_writing()

    def pause_writing(self) -> None:
        if self._writable is None:
            self._writable = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        waiter, self._writable = self._writable, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _wake_reader(self) -> None:
        waiter, self._reader = self._reader, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def more(self) -> asyncio.Future[None]:
        waiter = self._reader = asyncio.get_running_loop().create_future()
        return waiter

    @property
    def writable(self) -> asyncio.Future[None] | None:
        return self._writable


Origin = tuple[bytes, bytes, int]


class _Connection:
    """One keep-alive connection: h11's state machine over a :class:`_Link`."""

    __slots__ = ("idle_since", "link", "origin", "protocol", "transport")

    def __init__(self, origin: Origin, transport: asyncio.Transport, link: _Link) -> None:
        self.origin = origin
        self.transport = transport
        self.link = link
        self.protocol = h11.Connection(h11.CLIENT, max_incomplete_event_size=_MAX_HEAD)
        self.idle_since = 0.0

    def still_good(self) -> bool:
        """Whether an idle connection may carry a request: anything the server sent
        while it was idle (bytes, or its end) means it closed it or broke the
        protocol; either way it is not reused."""
        link = self.link
        return not (link.ended or link.buffer or self.transport.is_closing())

    def close(self) -> None:
        self.transport.close()

    async def write(self, data: bytes, timeout: float | None) -> None:
        link = self.link
        if link.error is not None or self.transport.is_closing():
            error = link.error
            raise httpx.WriteError(str(error) if error else "the connection is closed") from error
        self.transport.write(data)
        waiter = link.writable
        if waiter is not None:
            try:
                async with asyncio.timeout(timeout):
                    await waiter
            except TimeoutError:
                raise httpx.WriteTimeout(f"could not write within {timeout} s") from None
            if link.error is not None:
                raise httpx.WriteError(str(link.error)) from link.error

    async def read(self, timeout: float | None) -> bytes:
        link = self.link
        if not link.buffer and not link.ended:
            try:
                async with asyncio.timeout(timeout):
                    await link.more()
            except TimeoutError:
                raise httpx.ReadTimeout(f"no data within {timeout} s") from None
        buffer = link.buffer
        if buffer:
            data = bytes(buffer[:_READ_SIZE])
            del buffer[:_READ_SIZE]
            if link.reading_paused and len(buffer) < _HIGH_WATER // 4:
                link.reading_paused = False
                self.transport.resume_reading()
            return data
        if link.error is not None:
            raise httpx.ReadError(str(link.error) or type(link.error).__name__) from link.error
        return b""

    async def next_event(self, timeout: float | None) -> Any:
        """h11's next event from the server, reading as much as it needs."""
        protocol = self.protocol
        while True:
            try:
                event = protocol.next_event()
            except h11.RemoteProtocolError as exc:
                raise httpx.RemoteProtocolError(str(exc)) from exc
            if event is not h11.NEED_DATA:
                return event
            data = await self.read(timeout)
            if not data and protocol.their_state is h11.SEND_RESPONSE:
                # h11 would say "can't handle event type ConnectionClosed when
                # role=SERVER and state=SEND_RESPONSE"; httpcore says it so:
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
            protocol.receive_data(data)

    async def send(self, request: httpx.Request, timeouts: Timeouts) -> None:
        """Write ``request`` whole; a failed write is left for the answer to tell."""
        protocol = self.protocol
        timeout = timeouts.get("write")
        url = request.url
        try:
            pending = _bytes_of(
                protocol,
                h11.Request(
                    method=request.method, target=url.raw_path, headers=request.headers.raw
                ),
            )
            assert isinstance(request.stream, httpx.AsyncByteStream)
            async for chunk in request.stream:
                pending += _bytes_of(protocol, h11.Data(data=chunk))
                if len(pending) >= _WRITE_SIZE:
                    await self.write(pending, timeout)
                    pending = b""
            pending += _bytes_of(protocol, h11.EndOfMessage())
        except h11.LocalProtocolError as exc:
            raise httpx.LocalProtocolError(str(exc)) from exc
        # The server may have answered and closed before reading it all (a 413,
        # say): what it said is read next; if nothing, that says so.
        with contextlib.suppress(httpx.WriteError):
            await self.write(pending, timeout)

    async def answer_head(self, timeouts: Timeouts) -> h11.Response:
        """The answer's status line and headers, past any 1xx."""
        timeout = timeouts.get("read")
        while True:
            event = await self.next_event(timeout)
            if type(event) is h11.Response:
                return event
            if type(event) is h11.InformationalResponse:
                if event.status_code == 101:
                    # Never asked for: a switch of protocols is the server's mistake.
                    raise httpx.RemoteProtocolError("unexpected 101 Switching Protocols")
                continue
            raise httpx.RemoteProtocolError(f"unexpected {type(event).__name__} for an answer")

    def next_cycle(self) -> bool:
        """Ready the connection for the next request, if both sides allow one."""
        protocol = self.protocol
        if protocol.our_state is h11.DONE and protocol.their_state is h11.DONE:
            protocol.start_next_cycle()
            return True
        return False


def _bytes_of(protocol: h11.Connection, event: h11.Event) -> bytes:
    return protocol.send(event) or b""


class _Answer(httpx.AsyncByteStream):
    """The answer's body as h11 reads it; the connection goes back to the pool when
    the body was read to its end, and is closed when it was not."""

    __slots__ = ("_closed", "_connection", "_ended", "_pool", "_timeout")

    def __init__(
        self, pool: AsyncioTransport, connection: _Connection, timeout: float | None
    ) -> None:
        self._pool = pool
        self._connection = connection
        self._timeout = timeout
        self._ended = False
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection, timeout = self._connection, self._timeout
        while not self._ended:
            event = await connection.next_event(timeout)
            kind = type(event)
            if kind is h11.Data:
                yield bytes(event.data)
            elif kind is h11.EndOfMessage:
                self._ended = True
            else:
                raise httpx.RemoteProtocolError(f"unexpected {kind.__name__} in an answer's body")

    async def aclose(self) -> None:
        # Nothing awaited: closing must finish even in a task being cancelled.
        if self._closed:
            return
        self._closed = True
        connection = self._connection
        if self._ended and connection.next_cycle():
            self._pool.release(connection)
        else:
            self._pool.discard(connection)


_DEFAULT_PORTS = {b"http": 80, b"https": 443}


class AsyncioTransport(httpx.AsyncBaseTransport):
    """httpx's HTTP/1.1 transport, over asyncio and h11 (see the module)."""

    def __init__(self, *, ssl_context: ssl.SSLContext | None, limits: httpx.Limits) -> None:
        self._ssl_context = ssl_context
        self._max_connections = limits.max_connections
        keep = limits.max_keepalive_connections
        self._max_idle = keep if keep is not None else limits.max_connections
        self._expiry = limits.keepalive_expiry
        #: Idle connections, the most recently used last.
        self._idle: list[_Connection] = []
        #: Connections open or being opened, idle ones included.
        self._open = 0
        #: Requests waiting for a connection to be released, in order.
        self._waiting: list[asyncio.Future[None]] = []
        self._closed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        scheme = url.raw_scheme
        port = url.port or _DEFAULT_PORTS.get(scheme)
        if port is None:
            raise httpx.UnsupportedProtocol(f"unsupported URL scheme {scheme.decode()!r}")
        if not url.raw_host:
            raise httpx.UnsupportedProtocol("the URL has no host")
        timeouts: Timeouts = request.extensions.get("timeout", {})
        connection = await self._acquire((scheme, url.raw_host, port), timeouts)
        try:
            await connection.send(request, timeouts)
            head = await connection.answer_head(timeouts)
        except BaseException:
            self.discard(connection)
            raise
        return httpx.Response(
            status_code=head.status_code,
            headers=head.headers.raw_items(),
            stream=_Answer(self, connection, timeouts.get("read")),
            extensions={
                "http_version": b"HTTP/" + head.http_version,
                "reason_phrase": head.reason,
            },
        )

    async def _acquire(self, origin: Origin, timeouts: Timeouts) -> _Connection:
        loop = asyncio.get_running_loop()
        while True:
            if self._closed:
                raise httpx.ConnectError("the client is closed")
            connection = self._take_idle(origin, loop.time())
            if connection is not None:
                return connection
            limit = self._max_connections
            if limit is None or self._open < limit:
                self._open += 1
                try:
                    return await self._connect(origin, timeouts.get("connect"))
                except BaseException:
                    self._open -= 1
                    self._wake_one()
                    raise
            await self._wait_for_release(loop, timeouts.get("pool"))

    def _take_idle(self, origin: Origin, now: float) -> _Connection | None:
        idle = self._idle
        expiry = self._expiry
        for index in range(len(idle) - 1, -1, -1):
            connection = idle[index]
            stale = expiry is not None and now - connection.idle_since > expiry
            if stale or not connection.still_good():
                del idle[index]
                self._forget(connection)
            elif connection.origin == origin:
                del idle[index]
                return connection
        limit = self._max_connections
        if idle and limit is not None and self._open >= limit:
            # Full, with a connection to elsewhere idle: closed to make room.
            self._forget(idle.pop(0))
        return None

    async def _wait_for_release(
        self, loop: asyncio.AbstractEventLoop, timeout: float | None
    ) -> None:
        waiter = loop.create_future()
        self._waiting.append(waiter)
        try:
            async with asyncio.timeout(timeout):
                await waiter
        except BaseException as exc:
            if waiter in self._waiting:
                self._waiting.remove(waiter)
            elif waiter.done() and not waiter.cancelled():
                # Woken, but leaving without its turn (cancelled at that moment):
                # the turn goes to the next in line.
                self._wake_one()
            if isinstance(exc, TimeoutError):
                raise httpx.PoolTimeout(f"no free connection within {timeout} s") from None
            raise

    def _wake_one(self) -> None:
        waiting = self._waiting
        while waiting:
            waiter = waiting.pop(0)
            if not waiter.done():
                waiter.set_result(None)
                return

    async def _connect(self, origin: Origin, timeout: float | None) -> _Connection:
        scheme, raw_host, port = origin
        host = raw_host.decode("ascii")
        loop = asyncio.get_running_loop()
        secure = scheme == b"https"
        context = self._ssl_context
        if secure and context is None:
            raise httpx.ConnectError("https without a TLS context")
        try:
            async with asyncio.timeout(timeout):
                transport, link = await loop.create_connection(
                    _Link,
                    host,
                    port,
                    ssl=context if secure else None,
                    server_hostname=host if secure else None,
                    ssl_handshake_timeout=timeout if secure else None,
                )
        except TimeoutError:
            raise httpx.ConnectTimeout(f"no connection within {timeout} s") from None
        except (OSError, ssl.SSLError, EOFError) as exc:
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
        assert isinstance(transport, asyncio.Transport)
        return _Connection(origin, transport, link)

    def release(self, connection: _Connection) -> None:
        """Take back a connection ready for its next request."""
        full = self._max_idle is not None and len(self._idle) >= self._max_idle
        if self._closed or full or not connection.still_good():
            self.discard(connection)
            return
        connection.idle_since = asyncio.get_running_loop().time()
        self._idle.append(connection)
        self._wake_one()

    def discard(self, connection: _Connection) -> None:
        """Close a connection that must not be reused."""
        self._forget(connection)
        self._wake_one()

    def _forget(self, connection: _Connection) -> None:
        connection.close()
        self._open -= 1

    async def aclose(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for connection in idle:
            self._forget(connection)
        for waiter in self._waiting:
            if not waiter.done():
                waiter.set_result(None)
        if idle:
            # One turn of the loop: the sockets are closed then (asyncio closes them
            # at its next turn), not only when the caller next awaits.
            await asyncio.sleep(0)
