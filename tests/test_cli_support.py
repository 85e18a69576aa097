"""Helpers for the command-line tests: the simulator on a real socket, the CLI in-process.

Most tests call the click entry point in-process with ``CliRunner`` (fast); the
few that need a real process (pipes, signals, import time) use :func:`run_tui`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tui.__main__ import cli
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Simulator, SimulatorConfig

from served import ServedSimulator

#: Where a write goes: POST /api/mysafe/<kind>/(in)active/<id>.
WRITE_PATHS = ("/active/", "/inactive/")


def server_env(url: str, secret: str = DEMO_CLIENT_SECRET) -> dict[str, str | None]:
    """The environment that points the CLI at ``url`` (None unsets a variable)."""
    return {
        "MYSAFE_URL": url,
        "MYSAFE_CLIENT_ID": DEMO_CLIENT_ID,
        "MYSAFE_CLIENT_SECRET": secret,
        "MYSAFE_PROFILE": None,
        "MYSAFE_TENANT": None,
    }


def invoke(
    args: Sequence[str], env: Mapping[str, str | None] | None = None, stdin: str | None = None
) -> Result:
    """The CLI in this process; stdin and stdout are not terminals."""
    return CliRunner().invoke(cli, list(args), input=stdin, env=env, catch_exceptions=False)


def writes(sim: Simulator) -> list[tuple[str, str, int | str]]:
    """The write requests the simulator received."""
    return [entry for entry in sim.request_log if any(p in entry[1] for p in WRITE_PATHS)]


def writable(sim: Simulator, count: int, kind: str = "password") -> list[str]:
    """Ids of active items the key may see and edit (in the list, can_write true)."""
    ids = [i.identifier for i in sim.items(kind) if i.can_view and i.can_write and i.active]
    return ids[:count]


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def only_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@contextlib.contextmanager
def served(**config: Any) -> Iterator[ServedSimulator]:
    with ServedSimulator(Simulator(SimulatorConfig(seed=1, **config))) as server:
        yield server


def process_env(tmp_path: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A clean environment for a child process, every file under ``tmp_path``."""
    prefixes = ("MYSAFE_", "SENHASEGURA_", "XDG_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        folder = tmp_path / "child" / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    env.update(extra or {})
    return env


def run_tui(
    args: Sequence[str],
    env: Mapping[str, str],
    *,
    stdin: str | None = None,
    python: Sequence[str] = (),
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *python, "-m", "tui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=dict(env),
        timeout=60,
        check=False,
    )


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
