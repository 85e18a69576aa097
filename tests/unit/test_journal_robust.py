"""A journal no line can break, read back in bounded time at start (issue 18).

Every record is checked against the schema of its phase before use; one that
does not fit (or is no record at all: invalid UTF-8, NUL bytes, nested too deep,
too long) is skipped and counted, and the count and first line number are told
by ``audit`` (stderr) and the console's audit view. Start-up reads the open
batches through a checkpoint beside the journal (``tui.ops.journal_index``),
which must always agree with reading the whole file.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tui.api import Action, ItemRef, Kind
from tui.console.screens.audit_view import AuditScreen
from tui.console.widgets import LogPanel
from tui.ops import Journal, JournalContext, journal_index, load_batches, records
from tui.ops.journal_index import index_path, open_batches
from tui.ops.records import read_journal
from tui.settings.paths import audit_path
from tui.simulator import Simulator, SimulatorConfig

from support.cli import invoke
from support.console import (
    make_app,
    running,
    slow_batch_app,
    spy_toasts,
    start_slow_batch,
    wait_until,
)
from support.terminals import PtyTerminal, clean_env

DEAD_PID = 2**22 + 11

#: One line of each kind that cannot be used, and why.
BAD_LINES: dict[str, bytes] = {
    "items not a list": b'{"phase":"batch","batch_id":"x","action":"deactivate","items":5}',
    "nested deep": b"[" * 1500 + b"]" * 1500,
    "invalid utf-8": b'{"phase": "lock", "action": "\xff\xfe"}',
    "nul bytes": b'{"phase": "lock",\x00 "action": "x"}',
    "not an object": b"[1, 2, 3]",
    "resumes a list": (
        b'{"phase":"batch","batch_id":"y","action":"deactivate","items":[],"resumes":[1]}'
    ),
    "bad target": (
        b'{"phase":"batch","batch_id":"z","action":"activate","items":[],"target":{"port":"x"}}'
    ),
    "item without identifier": (
        b'{"phase":"batch","batch_id":"w","action":"activate","items":[{"kind":"password"}]}'
    ),
    "outcome with a list for a message": (
        b'{"phase":"outcome","batch_id":"b1","kind":"password","identifier":"1","message":[1]}'
    ),
    "batch_id a number": b'{"phase":"intent","batch_id":7,"kind":"password","identifier":"1"}',
    "state an object": b'{"phase":"batch_end","batch_id":"b1","state":{}}',
}


def refs(*ids: str) -> list[ItemRef]:
    return [ItemRef(Kind.PASSWORD, i, f"item {i}") for i in ids]


def good_journal(path: Path) -> None:
    """b1 done; b2 interrupted (a dead pid, 1 of 3 answered)."""
    trail = Journal(path, JournalContext("demo", "sim", "alice"))
    trail.batch_started("b1", Action.DEACTIVATE, refs("1"), pid=DEAD_PID)
    trail.batch_finished("b1", "1 deactivated", state="done", left=0)
    trail.batch_started("b2", Action.DEACTIVATE, refs("2", "3", "4"), pid=DEAD_PID)
    trail.intent(refs("2")[0], Action.DEACTIVATE, "b2")
    trail.close()


def append(path: Path, *lines: bytes) -> None:
    with path.open("ab") as handle:
        for line in lines:
            handle.write(line + b"\n")


@pytest.mark.parametrize("kind", sorted(BAD_LINES))
def test_a_bad_line_is_skipped_and_counted(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "audit.jsonl"
    good_journal(path)
    lines_before = len(path.read_bytes().splitlines())
    append(path, BAD_LINES[kind], BAD_LINES[kind])
    Journal(path, JournalContext("demo", "sim", "alice")).batch_started(
        "b3", Action.ACTIVATE, refs("9"), pid=DEAD_PID
    )
    reading = read_journal(path)
    assert [b.batch_id for b in reading.batches] == ["b1", "b2", "b3"]
    assert (reading.skipped, reading.first_skipped_line) == (2, lines_before + 1)
    found = open_batches(path)
    assert [b.batch_id for b in found.batches if b.resumable] == ["b2", "b3"]
    assert (found.skipped.count, found.skipped.first_line) == (2, lines_before + 1)


def test_a_line_too_long_is_skipped_without_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(records, "MAX_LINE", 4096)
    monkeypatch.setattr(records, "_CHUNK", 1000)
    path = tmp_path / "audit.jsonl"
    good_journal(path)
    append(path, b'{"phase": "lock", "action": "' + b"x" * 20_000 + b'"}')
    reading = read_journal(path)
    assert [b.batch_id for b in reading.batches] == ["b1", "b2"]
    assert (reading.skipped, reading.first_skipped_line) == (1, 5)


def test_a_torn_last_line_is_not_counted(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    good_journal(path)
    with path.open("ab") as handle:
        handle.write(b'{"phase": "outcome", "batch_id": "b2", "ident')
    assert read_journal(path).skipped == 0


def test_audit_warns_with_the_count_and_first_line_and_still_prints(tmp_path: Path) -> None:
    path = audit_path()
    path.parent.mkdir(parents=True)
    good_journal(path)
    append(path, *BAD_LINES.values())
    for args in ([], ["--format", "json"]):
        done = invoke(["audit", *args])
        assert done.exit_code == 0
        assert "b1" in done.stdout and "b2" in done.stdout
        assert f"warning: {len(BAD_LINES)} lines of the audit journal {path} skipped" in done.stderr
        assert "the first at line 5" in done.stderr
        assert "Traceback" not in done.stderr
    [batch] = json.loads(invoke(["audit", "--format", "json", "--batch", "b1"]).stdout)
    assert batch["state"] == "done"


# -- the checkpoint agrees with the whole file ---------------------------------------


def resumable(path: Path) -> list[tuple[str, int, int]]:
    return [
        (b.batch_id, len(b.left()), len(b.in_doubt())) for b in load_batches(path) if b.resumable
    ]


def fast(path: Path) -> list[tuple[str, int, int]]:
    return [
        (b.batch_id, len(b.left()), len(b.in_doubt()))
        for b in open_batches(path).batches
        if b.resumable
    ]


def test_the_checkpoint_follows_appends_and_is_rebuilt_when_stale(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    good_journal(path)
    assert fast(path) == resumable(path) == [("b2", 3, 1)]
    assert index_path(path).is_file()
    # Another process appends: a resume of b2, a settlement, a new open batch.
    other = Journal(path, JournalContext("demo", "sim", "bob"))
    other.batch_started("b4", Action.DEACTIVATE, refs("2", "3", "4"), resumes="b2", pid=DEAD_PID)
    other.intent(refs("3")[0], Action.DEACTIVATE, "b4")
    other.batch_finished("b4", "stopped", state="stopped", left=3)
    other.batch_started("b5", Action.ACTIVATE, refs("7", "8"), pid=DEAD_PID)
    other.close()
    assert fast(path) == resumable(path) == [("b4", 3, 1), ("b5", 2, 0)]
    assert not open_batches(path).rebuilt
    # A done batch ended again as stopped: the checkpoint cannot follow, reads it all.
    append(path, b'{"phase": "batch_end", "batch_id": "b1", "state": "stopped"}')
    assert open_batches(path).rebuilt
    assert fast(path) == resumable(path)
    # The journal replaced under the checkpoint (same length, other bytes).
    data = path.read_bytes().replace(b'"b5"', b'"b6"')
    path.write_bytes(data)
    assert fast(path) == resumable(path)
    assert [b for b, _, _ in fast(path)] == ["b1", "b4", "b6"]
    # A damaged checkpoint is read past, never trusted.
    index_path(path).write_text('{"version": 1, "journal": [')
    assert fast(path) == resumable(path)
    index = json.loads(index_path(path).read_text())
    index["live"][0]["refs"] = "garbage"
    index_path(path).write_text(json.dumps(index))
    assert fast(path) == resumable(path)


def test_the_checkpoint_is_only_a_cache(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    good_journal(path)
    open_batches(path)
    path.unlink()
    good_journal(path)  # a new file (another inode), the same content
    assert fast(path) == resumable(path)
    assert json.loads(index_path(path).read_text())["version"] == journal_index.VERSION


# -- the console ----------------------------------------------------------------------


async def test_the_console_starts_on_a_bad_journal_and_the_audit_view_says_so(
    sim: Simulator, tmp_path: Path
) -> None:
    path = tmp_path / "audit.jsonl"
    good_journal(path)
    append(path, BAD_LINES["items not a list"], BAD_LINES["nested deep"])
    app = make_app(sim, audit=Journal(path, JournalContext("demo", "sim", "op")))
    async with running(app) as pilot:
        lines = app.main.query_one("#log", LogPanel).all_lines
        assert any("1 interrupted batch of other servers" in line for line in lines())
        assert any("2 lines of the audit journal" in line for line in lines())
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert "2 lines of the audit journal skipped" in app.screen.skipped
        assert "the first at line 5" in app.screen.skipped
        assert len(app.screen.batches) == 2
    assert not app.return_code  # run_test re-raises a crash, too


async def test_audit_view_mid_batch_with_a_bad_line_appended_does_not_crash(
    tmp_path: Path,
) -> None:
    sim, app = slow_batch_app()
    path = tmp_path / "audit.jsonl"
    trail = Journal(path, JournalContext("demo", "sim", "op"))
    app.session.journal = trail
    app.session._runner.journal = trail  # the journal both write through
    async with running(app) as pilot:
        await start_slow_batch(app, sim, pilot)
        await wait_until(pilot, lambda: app.session.running is not None)
        append(path, BAD_LINES["items not a list"], BAD_LINES["nested deep"])
        await pilot.press("A")
        await pilot.pause(0.3)
        assert isinstance(app.screen, AuditScreen)
        assert "2 lines" in app.screen.skipped
        await pilot.press("escape")
        await pilot.press("escape")  # stops the batch
        await wait_until(pilot, lambda: app.session.running is None)
    assert not app.return_code  # run_test re-raises a crash, too


async def test_many_interrupted_batches_give_one_notice(tmp_path: Path) -> None:
    sim = Simulator(SimulatorConfig(seed=1, passwords=40, api_secrets=0))
    path = tmp_path / "audit.jsonl"
    trail = Journal(path, JournalContext("demo", "sim", "op"))
    app = make_app(sim, audit=trail)
    trail.target = app.session.target
    keys = [i.identifier for i in sim.items("password") if i.can_write and i.active][:5]
    for number in range(120):  # some 1.6 MB: each batch plans 200 items
        batch_id = f"old{number:04d}"
        plan = [ItemRef(Kind.PASSWORD, k) for k in keys] + refs(*map(str, range(1000, 1195)))
        trail.batch_started(batch_id, Action.DEACTIVATE, plan, pid=DEAD_PID)
        for ref in plan[:2]:
            trail.intent(ref, Action.DEACTIVATE, batch_id)
    trail.close()
    assert path.stat().st_size > 1_500_000
    toasts = spy_toasts(app)
    async with running(app) as pilot:
        told = [m for _, m in toasts if "interrupted" in m]
        assert told == [
            "120 interrupted batches of this server: 24000 items left, 240 of them in doubt "
            "(sent, no answer). A lists them, R resumes the oldest (old0000)."
        ]
        await pilot.press("R")
        await pilot.pause()
        from tui.console.dialogs import ConfirmBatch

        assert isinstance(app.screen, ConfirmBatch)
        assert app.screen.plan.resumes == "old0000"
        await pilot.press("escape")
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert app.screen.interrupted[:2] == ["old0000", "old0001"]


async def test_an_unusable_state_folder_makes_a_read_only_session(
    sim: Simulator, tmp_path: Path
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("a file where the folder should be")
    app = make_app(sim, audit=Journal(blocked / "audit.jsonl", JournalContext("d", "s", "o")))
    async with running(app) as pilot:
        assert app.session.read_only
        assert any(
            "this session is read-only; reading still works" in e.message for e in app.errors
        )
        assert app.main.loaded[Kind.PASSWORD]
        await pilot.press("d")
        await pilot.pause()
        lines = app.main.query_one("#log", LogPanel).all_lines()
        assert any("cannot be written" in line and "refused" in line for line in lines)
    assert not [p for m, p, _ in sim.request_log if m == "POST" and "mysafe" in p]


# -- the real program -------------------------------------------------------------------


@pytest.mark.skipif(os.environ.get("CI_NO_PTY") == "1", reason="no pty")
def test_the_console_started_on_an_unusable_state_folder_says_so_and_quits(
    tmp_path: Path,
) -> None:
    blocked = tmp_path / "state-file"
    blocked.write_text("not a folder")
    env = clean_env(XDG_STATE_HOME=str(blocked), XDG_CONFIG_HOME=str(tmp_path / "config"))
    terminal = PtyTerminal(["--demo"], env)
    # The toast (its title; the text wraps) and the header's mode.
    terminal.read_until(b"Audit journal", timeout=60)
    terminal.read_until(b"READ-ONLY", timeout=10)
    terminal.drain(0.5)
    terminal.send(b"q")
    assert terminal.wait(30) == 0
    assert b"Traceback" not in terminal.output


CRASHING = """
import sys
from tui.console.screens.main import screen as main

def boom(self):
    raise RuntimeError("injected by the test")

main.MainScreen.on_mount = boom
from tui.__main__ import main as run
sys.exit(run(["--demo"]))
"""


def test_a_crash_of_the_console_exits_non_zero(tmp_path: Path) -> None:
    env = clean_env(
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
    )
    terminal = PtyTerminal([], env, run=("-c", CRASHING))
    code = terminal.wait(60)
    assert b"injected by the test" in terminal.output
    assert code != 0
