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
    (a cause, or else the context)."""
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


async def test_one_connection_serves_requests_in_turn_and_a_wait_has_its_bound() -> None:
    arrived, release = asyncio.Event(), asyncio.Event()

    async def slow_first(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_request(reader)
        arrived.set()
        await release.wait()
        w.write(answer(b"first"))
        await w.drain()
        await read_request(reader)
        w.write(answer(b"second"))
        await w.drain()

    one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with serving(slow_first) as (port, accepted):
        transport = AsyncioTransport(ssl_context=None, limits=one)
        try:
            first = asyncio.ensure_future(fetch(transport, f"http://127.0.0.1:{port}/slow"))
            await arrived.wait()  # the one connection is taken
            waiting = httpx.Request(
                "GET", f"http://127.0.0.1:{port}/x", extensions={"timeout": {"pool": 0.05}}
            )
            with pytest.raises(httpx.PoolTimeout):
                await transport.handle_async_request(waiting)
            second = asyncio.ensure_future(fetch(transport, f"http://127.0.0.1:{port}/next"))
            release.set()
            assert await first == (200, b"first")
            assert await second == (200, b"second")
        finally:
            await transport.aclose()
    assert len(accepted) == 1


async def test_a_cancelled_wait_passes_its_turn_on() -> None:
    async def answers(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        while True:
            await read_request(reader)
            w.write(answer(b"ok"))
            await w.drain()

    one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with serving(answers) as (port, _):
        transport = AsyncioTransport(ssl_context=None, limits=one)
        try:
            held = await transport.handle_async_request(
                httpx.Request("GET", f"http://127.0.0.1:{port}/a")
            )
            doomed = asyncio.ensure_future(fetch(transport, f"http://127.0.0.1:{port}/b"))
            patient = asyncio.ensure_future(fetch(transport, f"http://127.0.0.1:{port}/c"))
            await asyncio.sleep(0)  # both are waiting for the one connection
            await held.aread()
            await held.aclose()  # wakes the first in line...
            doomed.cancel()  # ...which is cancelled before it runs
            assert await patient == (200, b"ok")
            assert doomed.cancelled()
        finally:
            await transport.aclose()


async def test_an_answer_left_before_its_end_closes_its_connection() -> None:
    async def long_answers(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        while True:
            await read_request(reader)
            w.write(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nhello")  # half of it
            await w.drain()

    async with serving(long_answers) as (port, accepted):
        transport = AsyncioTransport(ssl_context=None, limits=LIMITS)
        try:
            for _ in range(2):
                request = httpx.Request(
                    "GET", f"http://127.0.0.1:{port}/", extensions={"timeout": {"read": 2.0}}
                )
                response = await transport.handle_async_request(request)
                async for part in response.aiter_raw():
                    assert part == b"hello"
                    break
                await response.aclose()
        finally:
            await transport.aclose()
    assert len(accepted) == 2


async def test_chunked_answers_informational_answers_and_connection_close() -> None:
    async def varied(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_request(reader)
        w.write(
            b"HTTP/1.1 100 Continue\r\n\r\n"
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
            b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
        )
        await read_request(reader)
        w.write(b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nby")
        await w.drain()
        await reader.read()

    async with serving(varied) as (port, accepted):
        transport = AsyncioTransport(ssl_context=None, limits=LIMITS)
        try:
            assert await fetch(transport, f"http://127.0.0.1:{port}/1") == (200, b"abcde")
            assert await fetch(transport, f"http://127.0.0.1:{port}/2") == (200, b"by")
            # A new connection, so the handler's first answer again.
            assert await fetch(transport, f"http://127.0.0.1:{port}/3") == (200, b"abcde")
        finally:
            await transport.aclose()
    assert len(accepted) == 2  # the "connection: close" was not reused


async def test_an_idle_connection_past_its_expiry_is_not_reused() -> None:
    async def answers(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        while True:
            await read_request(reader)
            w.write(answer(b"ok"))
            await w.drain()

    expiring = httpx.Limits(max_connections=2, max_keepalive_connections=2, keepalive_expiry=0)
    async with serving(answers) as (port, accepted):
        transport = AsyncioTransport(ssl_context=None, limits=expiring)
        try:
            for path in "ab":
                assert await fetch(transport, f"http://127.0.0.1:{port}/{path}") == (200, b"ok")
        finally:
            await transport.aclose()
    assert len(accepted) == 2


async def test_what_the_server_breaks_and_what_the_client_must_not_send() -> None:
    async def garbage_then_good(reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        while True:
            head = await read_request(reader)
            if head.startswith(b"GET /bad"):
                w.write(b"HTTP/1.1 200 OK\r\ncontent-length: nine\r\n\r\n")
            else:
                w.write(answer(b"good"))
            await w.drain()

    one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with serving(garbage_then_good) as (port, accepted):
        transport = AsyncioTransport(ssl_context=None, limits=one)
        try:
            with pytest.raises(httpx.RemoteProtocolError):
                await fetch(transport, f"http://127.0.0.1:{port}/bad")
            injected = httpx.Request(
                "GET", f"http://127.0.0.1:{port}/", headers={"x-token": "a\r\nx-evil: 1"}
            )
            with pytest.raises(httpx.LocalProtocolError):
                await transport.handle_async_request(injected)
            # Neither kept the pool's one connection: a request finds it free at once.
            good = httpx.Request(
                "GET", f"http://127.0.0.1:{port}/", extensions={"timeout": {"pool": 0.5}}
            )
            response = await transport.handle_async_request(good)
            assert (response.status_code, await response.aread()) == (200, b"good")
            await response.aclose()
        finally:
            await transport.aclose()
    assert len(accepted) == 3  # the broken connections were not reused
