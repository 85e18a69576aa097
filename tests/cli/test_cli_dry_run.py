"""A dry run that runs: the printed curl lines, executed by a shell with curl, do
against the server they were printed for what the batch would have done, TLS with
a private CA (``--ca-bundle``, ``--cacert``) or unverified (``--insecure``, ``-k``),
the secret read from the environment and never printed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tui.simulator import DEMO_CLIENT_SECRET

from support.cli import invoke, server_env
from support.servers import served_tls
from support.sims import writable

CURL = shutil.which("curl")
pytestmark = pytest.mark.skipif(CURL is None, reason="curl is not installed")


def run_lines(lines: list[str]) -> subprocess.CompletedProcess[str]:
    """The lines in one shell, the secret in its environment as the first line says."""
    env = {"PATH": os.environ.get("PATH", os.defpath), "MYSAFE_CLIENT_SECRET": DEMO_CLIENT_SECRET}
    script = "set -e\n" + "\n".join(lines) + '\ntest -n "$TOKEN"\n'
    return subprocess.run(
        ["sh", "-c", script], capture_output=True, text=True, env=env, timeout=60, check=False
    )


@pytest.mark.parametrize("trust", ["ca-bundle", "insecure"])
def test_the_printed_lines_do_what_the_batch_would_do(tmp_path: Path, trust: str) -> None:
    with served_tls(tmp_path / "tls") as (server, ca):
        sim = server.simulator
        ids = writable(sim, 2)
        flags = ["--ca-bundle", str(ca)] if trust == "ca-bundle" else ["--insecure"]
        done = invoke(
            [
                "deactivate",
                "passwords",
                "--ids",
                ",".join(ids),
                "--dry-run",
                *flags,
                "--format",
                "table",
            ],
            server_env(server.url),
        )
        assert done.exit_code == 0, done.stderr
        assert DEMO_CLIENT_SECRET not in done.stdout + done.stderr
        lines = done.stdout.splitlines()
        assert len(lines) == 3 and lines[0].startswith("TOKEN=$(curl ")
        expected = f"--cacert {ca}" if trust == "ca-bundle" else "-k"
        assert all(f" {expected} " in line for line in lines)
        assert sim.request_log == [] and all(sim.is_active("password", i) for i in ids)

        ran = run_lines(lines)
        assert ran.returncode == 0, ran.stderr
        assert not any(sim.is_active("password", i) for i in ids)


def test_without_the_ca_the_lines_fail_as_the_session_would(tmp_path: Path) -> None:
    # The flags are what makes them run: the same lines without --cacert are refused.
    with served_tls(tmp_path / "tls") as (server, ca):
        ids = writable(server.simulator, 1)
        done = invoke(
            [
                "deactivate",
                "passwords",
                "--ids",
                ids[0],
                "--dry-run",
                "--ca-bundle",
                str(ca),
                "--format",
                "table",
            ],
            server_env(server.url),
        )
        bare = [line.replace(f"--cacert {ca} ", "") for line in done.stdout.splitlines()]
        assert run_lines(bare).returncode != 0
        assert server.simulator.is_active("password", ids[0])


def test_the_json_dry_run_carries_the_token_request_first(tmp_path: Path) -> None:
    with served_tls(tmp_path / "tls") as (server, ca):
        ids = writable(server.simulator, 2)
        args = ["deactivate", "passwords", "--ids", ",".join(ids), "--dry-run"]
        args += ["--ca-bundle", str(ca)]
        whole = json.loads(invoke([*args, "--format", "json"], server_env(server.url)).stdout)
        assert whole["token_request"].startswith("TOKEN=$(curl ")
        lines = invoke([*args, "--format", "jsonl"], server_env(server.url)).stdout.splitlines()
        requests = [json.loads(line)["request"] for line in lines]
        assert requests[0] == whole["token_request"]
        assert requests[1:] == [entry["request"] for entry in whole["requests"]]
