"""Start-up in bounded time: the batches still open, from a checkpoint beside the journal.

The console asks at every start which batches were left with something to do.
Reading the whole journal for that grows with its history (50 MB: five seconds).
Instead a small side file, ``<journal>.index``, keeps the reader's state at some
offset of the journal: every batch that may still be resumed (whole: items,
results, doubts), and only the id of the others (done, or resumed already),
with the number of lines read and skipped. A start reads it and parses only
what was appended since, by any process, then writes it again.

The journal stays the one source of truth; the side file is a cache. It is used
only when it is still about the same file (same device and inode, at least as
long, the same bytes just before the offset); anything else (a journal replaced,
truncated or rewritten, an index unreadable, of another version, or a record
that would reopen a batch the index has closed) reads the whole journal again.
Two processes may both write it: each writes a whole file and renames it over
the old one, and either one is a true state of a prefix of the journal.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from tui.api import Action, ItemRef, Kind, Result
from tui.ops.records import (
    BatchRecord,
    SkipReport,
    fold,
    journal_lines,
    new_batch,
    parse_line,
)
from tui.ops.target import Target

VERSION = 1
#: Bytes before the offset kept to recognise the same journal.
TAIL = 256
#: What a closed batch is: never to be resumed again.
DONE, RESUMED = "done", "resumed"


class _Stale(Exception):
    """The checkpoint cannot follow this record: read everything again."""


def index_path(journal: Path) -> Path:
    return journal.with_name(journal.name + ".index")


class OpenBatches(NamedTuple):
    """The batches that may still be resumed (oldest first), and the lines skipped."""

    batches: list[BatchRecord]
    skipped: SkipReport
    #: True when the whole journal was read (no usable checkpoint).
    rebuilt: bool = False


class _State:
    """What the checkpoint holds: the batches still open, those closed, how far the
    journal was read (a plain class: no dataclass to build at every start)."""

    __slots__ = ("closed", "lines", "live", "offset", "skipped")

    def __init__(
        self,
        live: dict[str, BatchRecord] | None = None,
        closed: dict[str, str] | None = None,
        offset: int = 0,
        lines: int = 0,
        skipped: SkipReport | None = None,
    ) -> None:
        self.live: dict[str, BatchRecord] = {} if live is None else live
        self.closed: dict[str, str] = {} if closed is None else closed
        self.offset = offset
        self.lines = lines
        self.skipped = SkipReport() if skipped is None else skipped

    def add(self, record: dict[str, Any]) -> None:
        """Like :func:`tui.ops.records.add_record`, closed batches kept as ids only."""
        phase = record["phase"]
        if phase == "batch":
            batch = new_batch(record)
            self.closed.pop(batch.batch_id, None)
            self.live[batch.batch_id] = batch
            if batch.resumes in self.live:
                self.live[str(batch.resumes)].resumed_by.append(batch.batch_id)
            elif batch.resumes in self.closed:
                self.closed[str(batch.resumes)] = RESUMED
            if batch.undoes in self.live:
                self.live[str(batch.undoes)].undone_by.append(batch.batch_id)
            return
        if phase not in ("intent", "outcome", "settle", "batch_end"):
            return
        batch_id = str(record["batch_id"])
        known = self.live.get(batch_id)
        if known is not None:
            fold(known, record)
        elif (
            phase == "batch_end"
            and self.closed.get(batch_id) == DONE
            and (record.get("state") or DONE) != DONE
        ):
            # Outcomes and settlements of a closed batch change nothing that matters
            # here; a second end that is not "done" would reopen it.
            raise _Stale

    def close_finished(self) -> None:
        for batch_id, batch in list(self.live.items()):
            if batch.resumed_by or batch.state == DONE:
                self.closed[batch_id] = RESUMED if batch.resumed_by else DONE
                del self.live[batch_id]


def _advance(state: _State, handle: BinaryIO) -> None:
    """Read from ``state.offset`` to the last complete line."""
    handle.seek(state.offset)
    for number, raw in journal_lines(handle, state.lines):
        record = None if raw is None else parse_line(raw)
        if record is None:
            state.skipped.add(number)
        else:
            state.add(record)
        state.lines = number
        state.offset = handle.tell()


def open_batches(journal: Path, *, save: bool = True) -> OpenBatches:
    """The batches that may be resumed, in about the time of what was appended since
    the last call (the first call, or one after the journal changed under the
    checkpoint, reads it all). ``OSError`` if the journal cannot be read."""
    if not journal.is_file():
        return OpenBatches([], SkipReport())
    side = index_path(journal)
    with journal.open("rb") as handle:
        stat = os.fstat(handle.fileno())
        identity = [stat.st_dev, stat.st_ino]
        state = _load(side, identity, stat.st_size, handle)
        rebuilt = state is None
        start = None if state is None else state.offset
        if state is not None:
            try:
                _advance(state, handle)
            except _Stale:
                state, rebuilt = None, True
        if state is None:
            state = _State()
            _advance(state, handle)
        state.close_finished()
        if save and state.offset != start:
            tail = _bytes_before(handle, state.offset)
            with contextlib.suppress(OSError, ValueError):
                _save(side, state, identity, tail)
    live = list(state.live.values())
    return OpenBatches(live, state.skipped, rebuilt=rebuilt)


def _bytes_before(handle: BinaryIO, offset: int) -> bytes:
    start = max(0, offset - TAIL)
    handle.seek(start)
    return handle.read(offset - start)


# -- the side file --------------------------------------------------------------------


def _key_list(keys: Any) -> list[tuple[str, str]]:
    return [(str(kind), str(identifier)) for kind, identifier in keys]


def _dump(batch: BatchRecord) -> dict[str, Any]:
    return {
        "batch_id": batch.batch_id,
        "action": batch.action.value,
        "refs": [[r.kind.value, r.identifier, r.name] for r in batch.refs],
        "time": batch.time,
        "reason": batch.reason,
        "operator": batch.operator,
        "profile": batch.profile,
        "host": batch.host,
        "target": batch.target.as_record() if batch.target else None,
        "undoes": batch.undoes,
        "resumes": batch.resumes,
        "pid": batch.pid,
        "state": batch.state,
        "summary": batch.summary,
        "results": [[k, i, r.value] for (k, i), r in batch.results.items()],
        "unanswered": [[k, i] for k, i in batch.unanswered],
        "inherited_doubt": [[k, i, list(o)] for (k, i), o in batch.inherited_doubt.items()],
        "resumed_by": batch.resumed_by,
        "undone_by": batch.undone_by,
    }


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _text_or_none(value: Any) -> str | None:
    return None if value is None else _text(value)


def _undump(data: dict[str, Any]) -> BatchRecord:
    """The batch :func:`_dump` wrote; TypeError, ValueError or KeyError if it is not."""
    pid = data["pid"]
    if pid is not None and (not isinstance(pid, int) or isinstance(pid, bool)):
        raise TypeError(pid)
    target = data["target"]
    return BatchRecord(
        _text(data["batch_id"]),
        Action(data["action"]),
        [ItemRef(Kind(k), _text(i), _text(n)) for k, i, n in data["refs"]],
        time=_text(data["time"]),
        reason=_text(data["reason"]),
        operator=_text(data["operator"]),
        profile=_text(data["profile"]),
        host=_text(data["host"]),
        target=None if target is None else _target(target),
        undoes=_text_or_none(data["undoes"]),
        resumes=_text_or_none(data["resumes"]),
        pid=pid,
        state=_text_or_none(data["state"]),
        summary=_text(data["summary"]),
        results={(_text(k), _text(i)): Result(r) for k, i, r in data["results"]},
        unanswered=set(_key_list(data["unanswered"])),
        inherited_doubt={
            (_text(k), _text(i)): [_text(o) for o in origins]
            for k, i, origins in data["inherited_doubt"]
        },
        resumed_by=[_text(b) for b in data["resumed_by"]],
        undone_by=[_text(b) for b in data["undone_by"]],
    )


def _target(value: Any) -> Target:
    target = Target.from_record(value)
    if target is None:
        raise ValueError(value)
    return target


def _load(side: Path, identity: list[int], size: int, handle: BinaryIO) -> _State | None:
    """The checkpoint, if it is one of this very journal; else None."""
    try:
        data = json.loads(side.read_bytes())
        if data["version"] != VERSION or data["journal"] != identity:
            return None
        offset, tail = data["offset"], bytes.fromhex(data["tail"])
        if not isinstance(offset, int) or not 0 <= offset <= size or len(tail) > offset:
            return None
        if _bytes_before(handle, offset) != tail or len(tail) < min(TAIL, offset):
            return None
        live = [_undump(batch) for batch in data["live"]]
        closed = {_text(k): v for k, v in data["closed"].items() if v in (DONE, RESUMED)}
        first = data["first_skipped_line"]
        skipped = SkipReport(int(data["skipped"]), None if first is None else int(first))
        return _State({b.batch_id: b for b in live}, closed, offset, int(data["lines"]), skipped)
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


def _save(side: Path, state: _State, identity: list[int], tail: bytes) -> None:
    data = {
        "version": VERSION,
        "journal": identity,
        "offset": state.offset,
        "lines": state.lines,
        "tail": tail.hex(),
        "skipped": state.skipped.count,
        "first_skipped_line": state.skipped.first_line,
        "live": [_dump(batch) for batch in state.live.values()],
        "closed": state.closed,
    }
    temporary = side.with_name(f"{side.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=True, separators=(",", ":"))
        os.replace(temporary, side)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
