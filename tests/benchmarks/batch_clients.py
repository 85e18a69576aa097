"""The batch's anchors: other clients sending the same deactivations to ``plain_server.py``.

- :func:`raw_batch`: asyncio streams, ``concurrency`` keep-alive HTTP/1.1 connections,
  one request in flight on each: what the latency and Python's own I/O cost, nothing else.
- :func:`httpx_batch`: a bare ``httpx.AsyncClient`` with ``concurrency`` workers: what
  the HTTP library costs before anything of the project is added.
- :func:`curl_batch`: ``curl --parallel --parallel-max N`` reading 1 000 URLs from a
  config file (one process, its start included).

Each is given a token fetched beforehand and times only its requests (curl: exec to
exit). :class:`ServerProcess` runs the server in a process of its own.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from plain_server import CLIENT_ID, CLIENT_SECRET
from pty_harness import kill_group

HERE = Path(__file__).resolve().parent


class ServerProcess:
    """``plain_server.py`` on a free loopback port, in its own process group."""

    def __init__(self, passwords: int, latency_ms: float, api_secrets: int = 1) -> None:
        self.process = subprocess.Popen(
            [
                *(sys.executable, str(HERE / "plain_server.py"), "--port", "0"),
                *("--passwords", str(passwords), "--api-secrets", str(api_secrets)),
                *("--latency-ms", str(latency_ms)),
            ],
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("listening on "):
            self.close()
            raise RuntimeError(f"plain_server.py did not start: {line!r}")
        self.url = line.split()[-1]

    def token(self) -> str:
        form = f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
        with urllib.request.urlopen(f"{self.url}/api/oauth2/token", form.encode(), 30) as answer:
            token: str = json.load(answer)["access_token"]
        return token

    def close(self) -> None:
        kill_group(self.process)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def deactivate_path(identifier: str) -> str:
    return f"/api/mysafe/password/inactive/{identifier}"


async def raw_batch(url: str, token: str, ids: Sequence[str], concurrency: int) -> float:
    """Seconds for ``ids`` over ``concurrency`` keep-alive connections (asyncio streams)."""
    where = urlsplit(url)
    host, port = where.hostname or "127.0.0.1", where.port or 80
    queue = iter(ids)
    answered: list[int] = []

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for identifier in queue:  # one shared iterator: each id is taken once
                writer.write(
                    f"POST {deactivate_path(identifier)} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                    f"Authorization: Bearer {token}\r\nContent-Length: 0\r\n\r\n".encode()
                )
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                answered.append(status)
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - began
    check_answers(answered, len(ids), "the raw asyncio client")
    return seconds


async def httpx_batch(url: str, token: str, ids: Sequence[str], concurrency: int) -> float:
    """Seconds for ``ids`` through one ``httpx.AsyncClient``, ``concurrency`` workers."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    answered: list[int] = []
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, limits=limits
    ) as client:
        queue = iter(ids)

        async def worker() -> None:
            for identifier in queue:
                response = await client.post(deactivate_path(identifier))
                answered.append(response.status_code)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - began
    check_answers(answered, len(ids), "the bare httpx client")
    return seconds


def curl_batch(url: str, token: str, ids: Sequence[str], concurrency: int) -> float:
    """Seconds from exec to exit of one ``curl --parallel`` sending ``ids``."""
    if shutil.which("curl") is None:
        return float("nan")
    with tempfile.TemporaryDirectory(prefix="bench-curl-") as folder:
        config = Path(folder) / "urls.curl"
        # The token in the config file, never on a command line.
        lines = [f'header = "Authorization: Bearer {token}"', 'request = "POST"']
        for identifier in ids:
            lines += [f'url = "{url}{deactivate_path(identifier)}"', f'output = "{os.devnull}"']
        config.write_text("\n".join(lines) + "\n")
        argv = ["curl", "-s", "--parallel", "--parallel-max", str(concurrency), "-K", str(config)]
        argv += ["-w", "%{http_code}\\n"]
        began = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        seconds = time.perf_counter() - began
    statuses = [int(code) for code in done.stdout.split()]
    check_answers(statuses, len(ids), "curl --parallel")
    return seconds


def check_answers(statuses: Sequence[int], expected: int, who: str) -> None:
    ok = sum(1 for status in statuses if status == 200)
    if ok != expected:
        raise RuntimeError(f"{who}: {ok} of {expected} requests answered 200")
