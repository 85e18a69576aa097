"""httpcore's connection pool on asyncio's own sockets, without anyio in between.

httpx sends through httpcore, and httpcore reaches the network through anyio: a
cancel scope and a deadline for every read and write, a memory-BIO TLS layer, and
a typed-attribute lookup each time the pool asks whether an idle connection was
closed by the server (for every connection, each time a request starts or ends).
In a batch of 1 000 deactivations that was about a fifth of the client's CPU per
request (issue 23). Here httpcore is given a network backend of its public
interface (``httpcore.AsyncNetworkBackend``) made of an asyncio protocol: bytes
are kept as they arrive, a read waits only when none are there, a write waits
only when the socket's buffer is full, and TLS is asyncio's own.

What httpx gives is kept: its request and response models, httpcore's HTTP/1.1
(h11), its pool, keep-alive and timeouts (connect, read, write, pool), TLS with
the client's context, and httpx's exception types (mapped below as httpx maps
them). Through a proxy the environment names, the client keeps httpx's own
transport (see :mod:`tui.api.pools`).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import AsyncIterator, Iterable
from typing import Any

import httpcore
import httpx

#: Read from the socket no further ahead than this before the caller reads.
_HIGH_WATER = 256 * 1024


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


class AsyncioStream(httpcore.AsyncNetworkStream):
    def __init__(self, transport: asyncio.Transport, link: _Link) -> None:
        self._transport = transport
        self._link = link

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        link = self._link
        if not link.buffer and not link.ended:
            try:
                async with asyncio.timeout(timeout):
                    await link.more()
            except TimeoutError:
                raise httpcore.ReadTimeout(f"no data within {timeout} s") from None
        buffer = link.buffer
        if buffer:
            data = bytes(buffer[:max_bytes])
            del buffer[:max_bytes]
            if link.reading_paused and len(buffer) < _HIGH_WATER // 4:
                link.reading_paused = False
                self._transport.resume_reading()
            return data
        if link.error is not None:
            raise httpcore.ReadError(str(link.error) or type(link.error).__name__) from link.error
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        link = self._link
        if link.error is not None or self._transport.is_closing():
            error = link.error
            raise httpcore.WriteError(str(error) if error else "the connection is closed")
        self._transport.write(buffer)
        waiter = link.writable
        if waiter is not None:
            try:
                async with asyncio.timeout(timeout):
                    await waiter
            except TimeoutError:
                raise httpcore.WriteTimeout(f"could not write within {timeout} s") from None
            if link.error is not None:
                raise httpcore.WriteError(str(link.error)) from link.error

    async def aclose(self) -> None:
        self._transport.close()
        # One turn of the loop: the socket is closed then (asyncio closes it at its
        # next turn), not only when the caller next awaits.
        await asyncio.sleep(0)

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                secured = await loop.start_tls(
                    self._transport,
                    self._link,
                    ssl_context,
                    server_hostname=server_hostname,
                    ssl_handshake_timeout=timeout,
                )
        except TimeoutError:
            self._transport.close()
            raise httpcore.ConnectTimeout(f"no TLS handshake within {timeout} s") from None
        except (OSError, ssl.SSLError, EOFError) as exc:
            self._transport.close()
            raise httpcore.ConnectError(str(exc)) from exc
        if secured is None:  # the connection closed during the handshake
            raise httpcore.ConnectError("the connection was closed during the TLS handshake")
        assert isinstance(secured, asyncio.Transport)
        return AsyncioStream(secured, self._link)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # Asked of an idle connection: anything there (or its end) means the
            # server closed it or broke the protocol; either way it is not reused.
            link = self._link
            return link.ended or bool(link.buffer) or self._transport.is_closing()
        names = {"client_addr": "sockname", "server_addr": "peername"}
        return self._transport.get_extra_info(names.get(info, info))


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        local = (local_address, 0) if local_address else None
        try:
            async with asyncio.timeout(timeout):
                transport, link = await loop.create_connection(_Link, host, port, local_addr=local)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"no connection within {timeout} s") from None
        except OSError as exc:
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for option in socket_options or ():
                sock.setsockopt(*option)
        assert isinstance(transport, asyncio.Transport)
        return AsyncioStream(transport, link)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.UnsupportedProtocol("Unix sockets are not used by this client")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


#: httpcore's exceptions as httpx raises them (httpx's own transport maps them
#: alike), the more specific first.
_ERRORS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


def _as_httpx(exc: Exception) -> Exception:
    for core, mapped in _ERRORS:
        if isinstance(exc, core):
            return mapped(str(exc))
    return exc


#: What httpcore raises while a body is read or closed, raised as httpx's.
_BODY_ERRORS = (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError)


class _Body(httpx.AsyncByteStream):
    """httpcore's answer body, its errors raised as httpx's."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for part in self._stream:
                yield part
        except _BODY_ERRORS as exc:
            raise _as_httpx(exc) from exc

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        except _BODY_ERRORS as exc:
            raise _as_httpx(exc) from exc


class AsyncioTransport(httpx.AsyncBaseTransport):
    """httpx's HTTP/1.1 transport over :class:`AsyncioBackend` (see the module)."""

    def __init__(self, *, ssl_context: ssl.SSLContext | None, limits: httpx.Limits) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=AsyncioBackend(),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            answer = await self._pool.handle_async_request(core)
        except (
            httpcore.TimeoutException,
            httpcore.NetworkError,
            httpcore.ProtocolError,
            httpcore.UnsupportedProtocol,
            httpcore.ProxyError,
        ) as exc:
            raise _as_httpx(exc) from exc
        return httpx.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=_Body(answer.stream),
            extensions=answer.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()
