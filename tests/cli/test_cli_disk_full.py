"""A full disk under a command-line batch (issue 18): no outcome the program holds
is lost. It keeps trying the journal for a bounded time, says so, and on giving up
hands the records over on stderr as JSON lines, exiting non-zero.

The state folder is a real, tiny tmpfs (mounting needs root, as CI has; the test
skips elsewhere), so the journal meets ENOSPC from the kernel, not from a mock.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.ops import load_batches, read_records
from tui.simulator import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    FaultConfig,
    Simulator,
    SimulatorConfig,
)

from support.cli import process_env, start_tui
from support.servers import ServedSimulator
from support.sims import writable

#: Pages left free for the journal: its batch record and a few records, no more.
FREE_PAGES = 3


@contextlib.contextmanager
def tiny_disk(where: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs at ``where``, full but for FREE_PAGES pages; yields the filler."""
    where.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        filler = where / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            with contextlib.suppress(OSError):  # until the disk is full
                while True:
                    os.write(fd, b"\0" * 4096)
        finally:
            os.close(fd)
        os.truncate(filler, filler.stat().st_size - FREE_PAGES * 4096)
        yield filler
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def start_batch(
    server: ServedSimulator, env: dict[str, str], errors: Path
) -> subprocess.Popen[str]:
    ids = writable(server.simulator, 40)
    args = ["deactivate", "passwords", "--ids", ",".join(ids), "--yes", "--format", "json"]
    return start_tui([*args, "--concurrency", "2"], env, stderr=errors.open("w"))


def wait_for_text(path: Path, text: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while text not in path.read_text():
        assert time.monotonic() < deadline, f"{text!r} never appeared in {path.read_text()!r}"
        time.sleep(0.05)


def environment(tmp_path: Path, server: ServedSimulator, state: Path) -> dict[str, str]:
    env = process_env(
        tmp_path,
        {
            "MYSAFE_URL": server.url,
            "MYSAFE_CLIENT_ID": DEMO_CLIENT_ID,
            "MYSAFE_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        },
    )
    env["XDG_STATE_HOME"] = str(state)
    return env


def test_space_freed_while_it_waits_every_outcome_reaches_the_journal(tmp_path: Path) -> None:
    slow = SimulatorConfig(seed=1, faults=FaultConfig(latency=0.01))
    with ServedSimulator(Simulator(slow)) as server, tiny_disk(tmp_path / "state") as filler:
        env = environment(tmp_path, server, tmp_path / "state")
        errors = tmp_path / "stderr.txt"
        child = start_batch(server, env, errors)
        wait_for_text(errors, "trying again for 10 s")
        filler.unlink()  # the operator frees space while the program waits
        out, _ = child.communicate(timeout=60)
        trail = tmp_path / "state" / "mysafe-tui" / "audit.jsonl"
        records = list(read_records(trail))
        [batch] = load_batches(trail)
    assert child.returncode == 1, errors.read_text()  # items not sent: not a success
    result = json.loads(out)
    outcomes = {item["identifier"]: item["outcome"] for item in result["items"]}
    assert "not_attempted" in outcomes.values() and "failed" not in outcomes.values()
    intents = [r["identifier"] for r in records if r["phase"] == "intent"]
    answered = {r["identifier"]: r["result"] for r in records if r["phase"] == "outcome"}
    assert answered == outcomes, "every outcome the program held is in the journal"
    assert all(answered[ident] != "not_attempted" for ident in intents)
    assert batch.ended and not batch.unanswered


def test_space_never_freed_the_records_are_handed_over_on_stderr(tmp_path: Path) -> None:
    with served_slowly() as server, tiny_disk(tmp_path / "state"):
        env = environment(tmp_path, server, tmp_path / "state")
        errors = tmp_path / "stderr.txt"
        child = start_batch(server, env, errors)
        out, _ = child.communicate(timeout=60)
    assert child.returncode == 1
    lines = errors.read_text().splitlines()
    records = [json.loads(line) for line in lines if line.startswith('{"time"')]
    [error] = [line for line in lines if line.startswith("mysafe-tui: error:")]
    assert error.startswith("mysafe-tui: error: the audit journal could not be written")
    assert f"its last {len(records)} records are above" in error
    assert json.loads(lines[-1])["error"]["kind"] == "journal"
    assert records[-1]["phase"] == "batch_end"
    handed = {r["identifier"] for r in records if r["phase"] == "outcome"}
    assert handed and handed <= {item["identifier"] for item in json.loads(out)["items"]}


@contextlib.contextmanager
def served_slowly() -> Iterator[ServedSimulator]:
    with ServedSimulator(Simulator(SimulatorConfig(seed=1, faults=FaultConfig(latency=0.01)))) as s:
        yield s
