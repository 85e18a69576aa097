"""The client's transport on asyncio's sockets (tui/api/network.py): what httpx's
own transport does, it does: keep-alive that notices a connection the server
closed, whole answers of any size, httpx's error types, TLS with the client's
context."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from tui.api.network import AsyncioTransport

from support.servers import private_ca

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
LIMITS = httpx.Limits(max_connections=2, max_keepalive_connections=2)


@asynccontextmanager
async def serving(
    handler: Handler, context: ssl.SSLContext | None = None
) -> AsyncIterator[tuple[int, list[int]]]:
    """A loopback server running ``handler`` per connection; its port, and a list
    that grows by one for every connection it accepted."""
    accepted: list[int] = []

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        try:
            await handler(reader, writer)
        finally:
            writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0, ssl=context)
    try:
        yield server.sockets[0].getsockname()[1], accepted
    finally:
        server.close()


async def read_request(reader: asyncio.StreamReader) -> bytes:
    return await reader.readuntil(b"\r\n\r\n")


def answer(body: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body)


def chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and what is behind it, as the client's error messages read it
    (httpcore's pool re-raises ``from None``: the cause is then the context)."""
    links: list[BaseException] = []
    link: BaseException | None = exc
    while link is not None and len(links) < 10:
        links.append(link)
        link = link.__cause__ or link.__context__
    return links


async def fetch(transport: AsyncioTransport, url: str) -> tuple[int, bytes]:
    request = httpx.Request("GET", url, extensions={"timeout": {"read": 2.0, "connect": 2.0}})
    response = await transport.handle_async_request(request)
    try:
        return response.status_code, b"".join([part async for part in response.aiter_raw()])
    finally:
        await response.aclose()


async def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    closed = asyncio.Event()

    async def one_answer_then_close(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_request(reader)
        w.write(answer(b"hello"))
        await w.drain()
        w.close()
        await w.wait_closed()
        closed.set()

    async with serving(one_answer_then_close) as (port, accepted):
        transport = AsyncioTransport(ssl_context=None, limits=LIMITS)
        try:
            assert await fetch(transport, f"http://127.0.0.1:{port}/a") == (200, b"hello")
            await closed.wait()  # the server's end is sent; the client's loop hears it
            await asyncio.sleep(0)
            assert await fetch(transport, f"http://127.0.0.1:{port}/b") == (200, b"hello")
        finally:
            await transport.aclose()
    assert len(accepted) == 2


async def test_keep_alive_reuses_the_connection() -> None:
    async def answers(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        for _ in range(3):
            await read_request(reader)
            w.write(answer(b"ok"))
            await w.drain()

    async with serving(answers) as (port, accepted):
        transport = AsyncioTransport(ssl_context=None, limits=LIMITS)
        try:
            for path in "abc":
                assert await fetch(transport, f"http://127.0.0.1:{port}/{path}") == (200, b"ok")
        finally:
            await transport.aclose()
    assert len(accepted) == 1


async def test_an_answer_larger_than_the_read_ahead_arrives_whole() -> None:
    body = bytes(range(256)) * 8192  # 2 MiB: reading pauses and resumes on the way

    async def big(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_request(reader)
        w.write(answer(body))
        await w.drain()

    async with serving(big) as (port, _):
        transport = AsyncioTransport(ssl_context=None, limits=LIMITS)
        try:
            assert await fetch(transport, f"http://127.0.0.1:{port}/") == (200, body)
        finally:
            await transport.aclose()


async def test_errors_are_httpx_errors_with_their_cause() -> None:
    async def silent(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await reader.read()  # no answer, until the client gives up and closes

    async def hang_up(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_request(reader)

    transport = AsyncioTransport(ssl_context=None, limits=LIMITS)
    try:
        async with serving(silent) as (port, _):
            request = httpx.Request(
                "GET", f"http://127.0.0.1:{port}/", extensions={"timeout": {"read": 0.05}}
            )
            with pytest.raises(httpx.ReadTimeout):
                await transport.handle_async_request(request)
        async with serving(hang_up) as (port, _):
            with pytest.raises(httpx.RemoteProtocolError):
                await fetch(transport, f"http://127.0.0.1:{port}/")
        closed = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = closed.sockets[0].getsockname()[1]
        closed.close()
        await closed.wait_closed()
        with pytest.raises(httpx.ConnectError) as refused:
            await fetch(transport, f"http://127.0.0.1:{port}/")
        assert any(isinstance(link, ConnectionRefusedError) for link in chain(refused.value))
    finally:
        await transport.aclose()


async def test_tls_with_the_clients_context(tmp_path: Path) -> None:
    # The suite's private CA (openssl, as every TLS test here makes it).
    ca_file, server_side = private_ca(tmp_path / "ca")

    async def secret(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_request(reader)
        w.write(answer(b"over TLS"))
        await w.drain()

    async with serving(secret, server_side) as (port, _):
        trusting = AsyncioTransport(
            ssl_context=ssl.create_default_context(cafile=str(ca_file)), limits=LIMITS
        )
        try:
            assert await fetch(trusting, f"https://127.0.0.1:{port}/") == (200, b"over TLS")
        finally:
            await trusting.aclose()
        wary = AsyncioTransport(ssl_context=ssl.create_default_context(), limits=LIMITS)
        try:
            with pytest.raises(httpx.ConnectError) as refused:
                await fetch(wary, f"https://127.0.0.1:{port}/")
        finally:
            await wary.aclose()
    assert any(isinstance(link, ssl.SSLCertVerificationError) for link in chain(refused.value))
