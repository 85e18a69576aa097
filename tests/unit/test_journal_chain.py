"""The journal is a chain (issue 22): every record names the one before it by the
hash of its line, so an edited, removed, reordered or inserted record, or a cut
tail, is found by ``audit --verify`` at its line; two writers keep one chain; a
head kept in a ticket proves later that the journal still holds that record."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import tui
from tui.ops import Journal, JournalContext, JournalError
from tui.ops.chain import GENESIS, line_hash, verify
from tui.settings.paths import audit_path

from support.cli import invoke, server_env
from support.servers import served
from support.sims import writable

CONTEXT = JournalContext("p", "vault.example:443", "op")


def written(path: Path, count: int, context: JournalContext = CONTEXT) -> Journal:
    journal = Journal(path, context)
    for number in range(count):
        journal.write({"phase": "lock", "action": f"lock-{number}"})
    return journal


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def verified(*extra: str) -> tuple[int, str, str]:
    done = invoke(["audit", "--verify", "--format", "table", *extra])
    return done.exit_code, done.stdout, done.stderr


@pytest.fixture
def journal_file() -> Path:
    path = audit_path(demo=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_each_record_names_the_one_before_it(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    journal = written(path, 3)
    records = [json.loads(line) for line in lines(path)]
    assert [r["seq"] for r in records] == [1, 2, 3]
    assert records[0]["prev"] == GENESIS
    assert records[1]["prev"] == line_hash(lines(path)[0])
    assert records[2]["prev"] == line_hash(lines(path)[1])
    assert journal.last_head is not None and journal.last_head.hash == line_hash(lines(path)[2])
    # The record's own fields are unchanged behind the link.
    assert records[2]["phase"] == "lock" and records[2]["action"] == "lock-2"


def test_an_intact_journal_verifies_and_prints_its_head(journal_file: Path) -> None:
    journal = written(journal_file, 5)
    code, out, err = verified()
    assert code == 0 and err == ""
    head = journal.last_head
    assert head is not None
    assert out.splitlines()[0] == (
        f"chain holds: 5 records, head seq 5, sha256 {head.hash} (line 5)"
    )
    done = invoke(["audit", "--verify", "--format", "json"])
    verdict = json.loads(done.stdout)
    assert verdict["holds"] is True and verdict["head"] == {"seq": 5, "hash": head.hash}


def test_records_from_before_the_chain_read_as_before_and_are_said(journal_file: Path) -> None:
    old = [
        b'{"time": "2026-01-01T00:00:00.000+00:00", "phase": "lock", "action": "old"}\n',
        b'{"time": "2026-01-01T00:00:01.000+00:00", "phase": "unlock", "action": "old"}\n',
    ]
    journal_file.write_bytes(b"".join(old))
    written(journal_file, 2)
    first_chained = json.loads(lines(journal_file)[2])
    assert first_chained["seq"] == 1 and first_chained["prev"] == line_hash(old[-1])
    code, out, _ = verified()
    assert code == 0
    assert out.splitlines()[0].startswith("chain holds: 2 records, head seq 2")
    assert "2 records from before the chain began" in out
    # Editing the last record from before the chain breaks the first chained one.
    journal_file.write_bytes(
        old[0] + old[1].replace(b"old", b"odd") + b"".join(lines(journal_file)[2:])
    )
    code, out, err = verified()
    assert code == 5 and "chain broken at line 3 (edited)" in out
    assert "mysafe-tui: error:" in err and "broken at line 3" in err


def tamper(path: Path, change: str) -> None:
    """One of the changes an attacker (or an accident) makes to lines 3 and 4 of 6."""
    rows = lines(path)
    if change == "edit":
        record = json.loads(rows[2])
        record["action"] = "something else"
        rows[2] = (json.dumps(record, ensure_ascii=False) + "\n").encode()
    elif change == "remove":
        del rows[2]
    elif change == "reorder":
        rows[2], rows[3] = rows[3], rows[2]
    elif change == "insert":
        rows.insert(2, b'{"phase": "lock", "action": "slipped in"}\n')
    elif change == "insert linked":
        # A forged record that links correctly: the one that followed no longer does.
        forged = json.loads(rows[2])
        forged["action"] = "forged"
        rows.insert(2, (json.dumps(forged) + "\n").encode())
    elif change == "truncate":
        rows[-1] = rows[-1][: len(rows[-1]) // 2]
    path.write_bytes(b"".join(rows))


@pytest.mark.parametrize(
    ("change", "line", "kind", "words"),
    [
        ("edit", 3, "edited", "line 3 (seq 3) is not the record line 4 was chained to"),
        ("remove", 3, "missing", "1 record (seq 3) removed before line 3"),
        ("reorder", 3, "reordered", "seq 3 is at line 4"),
        ("insert", 3, "inserted", "line 3 is a record without its link"),
        ("insert linked", 4, "inserted", "lines 3 and 4 both hold seq 3"),
        ("truncate", 6, "truncated", "line 6 ends without its newline"),
    ],
)
def test_verify_finds_each_change_at_its_line(
    journal_file: Path, change: str, line: int, kind: str, words: str
) -> None:
    written(journal_file, 6)
    assert verified()[0] == 0
    tamper(journal_file, change)
    code, out, err = verified()
    assert code == 5, out
    assert f"chain broken at line {line} ({kind})" in out
    assert words in out
    assert f"broken at line {line} ({kind})" in err
    verdict = json.loads(invoke(["audit", "--verify", "--format", "json"]).stdout)
    assert verdict["broken"]["line"] == line and verdict["broken"]["kind"] == kind


def test_a_head_kept_in_a_ticket_proves_what_came_before(journal_file: Path) -> None:
    journal = written(journal_file, 4)
    head = journal.last_head
    assert head is not None
    written(journal_file, 3)
    code, out, _ = verified("--head", head.hash)
    assert code == 0
    assert out.splitlines()[0] == (
        f"head {head.hash} is line 4 (seq 4): the journal holds it and every record "
        "before it unchanged"
    )
    assert verified("--head", f"sha256:{head.hash.upper()}")[0] == 0
    # A later record edited: the head is still proven, the chain is not whole.
    rows = lines(journal_file)
    rows[5] = rows[5].replace(b"lock-1", b"lock-X")
    journal_file.write_bytes(b"".join(rows))
    code, out, _ = verified("--head", head.hash)
    assert code == 5 and "the journal holds it" in out and "chain broken at line 6" in out
    # A record before the head edited: not proven.
    rows[1] = rows[1].replace(b"lock-1", b"lock-Y")
    journal_file.write_bytes(b"".join(rows))
    code, out, _ = verified("--head", head.hash)
    assert code == 5 and out.startswith(f"head {head.hash} is not proven")
    # The records cut off the end, whole: only the head can tell.
    journal_file.write_bytes(b"".join(lines(journal_file)[:3]))
    code, out, _ = verified("--head", head.hash)
    assert code == 5 and "is not proven" in out


def test_a_head_that_is_no_hash_is_bad_usage(journal_file: Path) -> None:
    written(journal_file, 1)
    code, _, err = verified("--head", "abc")
    assert code == 2 and "--head 'abc' is not a SHA-256 hash" in err
    assert invoke(["audit", "--verify", "--batch", "b1"]).exit_code == 2


def test_a_record_kept_back_by_a_full_disk_is_chained_where_it_lands(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    full = True

    def write(fd: int, data: bytes) -> int:
        if full:
            raise OSError(28, "No space left on device")
        return os.write(fd, data)

    ours = Journal(path, CONTEXT, write=write)
    other = Journal(path, JournalContext("q", "vault.example:443", "op2"))
    other.write({"phase": "lock", "action": "first"})
    with pytest.raises(JournalError):
        ours.keep({"phase": "unlock", "action": "kept back"})
    assert len(ours.backlog) == 1
    other.write({"phase": "lock", "action": "meanwhile"})
    full = False
    ours.flush()
    records = [json.loads(line) for line in lines(path)]
    assert [(r["seq"], r["action"]) for r in records] == [
        (1, "first"),
        (2, "meanwhile"),
        (3, "kept back"),
    ]
    assert verify(path).holds


def test_a_torn_write_is_closed_and_the_chain_links_across_it(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    calls = 0

    def write(fd: int, data: bytes) -> int:
        nonlocal calls
        calls += 1
        if calls == 2:  # the second record: half of it, then the disk is full
            os.write(fd, data[: len(data) // 2])
            raise OSError(28, "No space left on device")
        return os.write(fd, data)

    journal = Journal(path, CONTEXT, write=write)
    journal.write({"phase": "lock", "action": "one"})
    with pytest.raises(JournalError):
        journal.write({"phase": "lock", "action": "two"})
    assert verify(path).broken is not None  # a torn tail until the next record
    journal.write({"phase": "lock", "action": "three"})
    verdict = verify(path)
    assert verdict.holds and verdict.head is not None and verdict.head.seq == 2
    assert verdict.unreadable == [2]


def test_two_journals_in_threads_keep_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    start = threading.Barrier(4)

    def writer(name: str) -> None:
        journal = Journal(path, JournalContext(name, "h", "op"))
        start.wait()
        for number in range(300):
            journal.write({"phase": "lock", "action": f"{name}-{number}"})
        journal.close()

    threads = [threading.Thread(target=writer, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    verdict = verify(path)
    assert verdict.holds, verdict.lines()
    assert verdict.head is not None and verdict.head.seq == 1200


WRITER = """
import sys
from pathlib import Path
from tui.ops import Journal, JournalContext
journal = Journal(Path(sys.argv[1]), JournalContext(sys.argv[2], "h", "op"))
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()
for number in range(int(sys.argv[3])):
    journal.write({"phase": "lock", "action": f"{sys.argv[2]}-{number}"})
journal.close()
"""


def test_two_processes_writing_at_once_keep_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    written(path, 2)  # a journal that already has a chain
    root = str(Path(tui.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": root}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name, "500"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name in ("console", "script")
    ]
    for process in writers:  # both started and holding the file open: then go
        assert process.stdout is not None and process.stdout.readline() == "ready\n"
    for process in writers:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.close()
    for process in writers:
        assert process.wait(timeout=60) == 0
    verdict = verify(path)
    assert verdict.holds, verdict.lines()
    assert verdict.head is not None and verdict.head.seq == 1002
    actions = [json.loads(line)["action"] for line in lines(path)]
    for name in ("console", "script"):
        assert [a for a in actions if a.startswith(name)] == [f"{name}-{n}" for n in range(500)]


def test_the_head_at_a_batch_s_end_goes_to_the_ticket_and_proves_the_batch() -> None:
    with served() as server:
        ids = writable(server.simulator, 2)
        done = invoke(
            ["deactivate", "passwords", "--ids", ",".join(ids), "--yes", "--format", "table"],
            server_env(server.url),
        )
    assert done.exit_code == 0, done.stderr
    told = re.fullmatch(
        r"mysafe-tui: journal head after batch (\w+): seq (\d+), sha256 ([0-9a-f]{64})\n",
        done.stderr,
    )
    assert told is not None, done.stderr
    batch_id, seq, digest = told.groups()
    last = lines(audit_path(demo=False))[-1]
    assert json.loads(last)["phase"] == "batch_end" and line_hash(last) == digest
    assert json.loads(last)["seq"] == int(seq)
    code, out, _ = verified("--head", digest)
    assert code == 0 and f"(seq {seq}): the journal holds it" in out
    receipt = invoke(["audit", "--batch", batch_id, "--format", "markdown"]).stdout
    assert f"- **Journal head at the end:** seq {seq}, sha256 `{digest}`" in receipt
    assert f"`mysafe-tui audit --verify --head {digest}`" in receipt
