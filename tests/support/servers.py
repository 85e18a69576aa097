"""Servers on loopback for the tests: the simulator in a thread of the test process
(:class:`ServedSimulator`, :func:`served`), a server whose certificate nobody
trusts, and a port nothing listens on."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.simulator import Simulator, SimulatorConfig, serve


class ServedSimulator:
    """The simulator on a loopback socket, in a thread of this process, so the test
    can look at its state while the app talks to it over HTTP."""

    def __init__(self, simulator: Simulator, tls: ssl.SSLContext | None = None) -> None:
        self.simulator = simulator
        self.tls = tls
        self.url = ""
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with serve(self.simulator, tls=self.tls) as url:
            self.url = url
            self._ready.set()
            await self._stop.wait()

    def __enter__(self) -> ServedSimulator:
        self._thread.start()
        assert self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


@contextlib.contextmanager
def served(**config: Any) -> Iterator[ServedSimulator]:
    with ServedSimulator(Simulator(SimulatorConfig(seed=1, **config))) as server:
        yield server


def private_ca(folder: Path) -> tuple[Path, ssl.SSLContext]:
    """A private CA (its PEM file) and a server context for 127.0.0.1 signed by it."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl to make a private CA")
    folder.mkdir(parents=True, exist_ok=True)
    ca, ca_key = folder / "ca.pem", folder / "ca-key.pem"
    cert, key, request = folder / "server.pem", folder / "server-key.pem", folder / "server.csr"
    extensions = folder / "server.ext"
    extensions.write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for argv in (
        [openssl, "req", "-x509", *ec, "-keyout", str(ca_key), "-out", str(ca), "-days", "1",
         "-subj", "/CN=mysafe-tui test CA"],
        [openssl, "req", *ec, "-keyout", str(key), "-out", str(request), "-subj", "/CN=127.0.0.1"],
        [openssl, "x509", "-req", "-in", str(request), "-CA", str(ca), "-CAkey", str(ca_key),
         "-CAcreateserial", "-out", str(cert), "-days", "1", "-extfile", str(extensions)],
    ):  # fmt: skip
        subprocess.run(argv, check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return ca, context


@contextlib.contextmanager
def served_tls(folder: Path, **config: Any) -> Iterator[tuple[ServedSimulator, Path]]:
    """The simulator on https:// with a certificate of a private CA; the CA's file."""
    ca, context = private_ca(folder)
    simulator = Simulator(SimulatorConfig(seed=1, **config))
    with ServedSimulator(simulator, tls=context) as server:
        yield server, ca


@contextlib.contextmanager
def self_signed_https(tmp_path: Path) -> Iterator[str]:
    """An https:// URL whose certificate nobody trusts (made with openssl)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl (and no cryptography package) to make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return  # the listener was shut down: the test is over
            # The client refuses the certificate during the handshake: that is the test.
            with contextlib.suppress(OSError), context.wrap_socket(connection, server_side=True):
                pass
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() above
        listener.close()
        thread.join(5)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])
