"""The audit journal: one JSON line per event, an intent before every request.

Each record is appended with a single ``write`` on a descriptor opened with
``O_APPEND``, so a kill loses at most the line being written. Every record starts
on a fresh line: a torn tail left by a kill, or a failed write (disk full), is
closed with a newline before the next record, so one bad line never swallows the
next. A write that fails raises :class:`JournalError`; outcomes that could not be
written are kept in memory and written with the next successful record or at
close. No record ever holds a secret: names, identifiers and server messages.

Every record is chained (:mod:`tui.ops.chain`): its ``seq`` and the hash of the
record before it, both learnt from the file's end under an exclusive ``flock``
at the moment it is written, so several processes appending keep one chain and a
record kept back (a full disk) is chained where it lands. A copy of each record
written may leave the machine (:class:`RecordCopy`, the syslog copy); it never
holds the write up.
"""

from __future__ import annotations

import errno
import fcntl
import getpass
import json
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from tui.api import Action, ItemRef
from tui.ops.chain import ChainHead, chained_line, line_hash, read_tail
from tui.ops.outcomes import ItemOutcome
from tui.ops.target import Target

Clock = Callable[[], datetime]

#: The records that bind what follows to a vault: a batch's plan, an unlock, a lock.
#: (Intents and outcomes name their batch, which names its target.)
TARGETED_PHASES = frozenset({"batch", "unlock", "lock"})


class JournalError(Exception):
    """The journal could not be written; the message says where and why."""


class Kept(NamedTuple):
    """A record stamped and not yet written: its line without the chain's fields."""

    body: bytes
    phase: str
    batch_id: str | None
    time: str


class RecordCopy(Protocol):
    """Where a copy of every record written goes (the syslog copy): takes it at
    once, never blocks, never raises."""

    def offer(self, line: bytes, record: Kept, seq: int) -> None: ...

    def close(self) -> None: ...

    def problem(self) -> str | None: ...


class JournalContext(NamedTuple):
    """Who acts, where: the same on every record of a session."""

    profile: str
    host: str
    operator: str = ""

    @classmethod
    def current(cls, profile: str, host: str) -> JournalContext:
        try:
            operator = getpass.getuser()
        except (KeyError, OSError):  # no passwd entry in some containers
            operator = str(os.getuid())
        return cls(profile=profile, host=host, operator=operator)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def encode_record(record: dict[str, Any]) -> bytes:
    """One JSON line. Text the client missed (a lone surrogate) is escaped, not fatal."""
    line = json.dumps(record, ensure_ascii=False)
    try:
        return (line + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(record, ensure_ascii=True) + "\n").encode("ascii")


class Journal:
    """Appends records to one file, readable by its owner only."""

    def __init__(
        self,
        path: Path,
        context: JournalContext,
        *,
        clock: Clock = _utc_now,
        write: Callable[[int, bytes], int] = os.write,
    ) -> None:
        self.path = path
        self.context = context
        self._clock = clock
        self._write = write
        self._fd: int | None = None
        #: The vault the session writing here acts on (set by the session), stamped
        #: on the records that bind what follows to it.
        self.target: Target | None = None
        #: False when the file may end inside a line (a torn tail, a failed write).
        self._at_line_start = True
        #: The chain at the file's end as this journal last wrote it: the size after
        #: its last write (-1: unknown, read the tail), the last seq and hash.
        self._end = -1
        self._seq = 0
        self._hash = ""
        #: Whether this journal wrote a record (``last_head`` is then its head).
        self._wrote = False
        #: Outcome records that could not be written yet.
        self.backlog: list[Kept] = []
        #: The last write failure, shown to the operator until a write succeeds.
        self.failure: str | None = None
        #: A copy of every record written, off the machine (None: none).
        self.copy: RecordCopy | None = None

    # -- the file -------------------------------------------------------------------

    def _open(self) -> int:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            self._end = -1
        return self._fd

    def problem(self) -> str | None:
        """Why records could not be written here, found without writing one; None if
        they can (its folder is made, an existing file opened for appending)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists():
                os.close(os.open(self.path, os.O_WRONLY | os.O_APPEND))
            elif not os.access(self.path.parent, os.W_OK | os.X_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self.path))
        except OSError as exc:
            where = f": {exc.filename}" if exc.filename else ""
            return f"the audit journal {self.path} cannot be written ({exc.strerror or exc}{where})"
        return None

    def _append(self, kept: Kept) -> None:
        """The record chained to the file's last one and written whole, or a
        JournalError; the next record starts on a fresh line."""
        try:
            fd = self._open()
            # flock inline, not a context manager: this runs ~2 000 times a batch.
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:  # a file system without locks: written unlocked
                line = self._append_locked(fd, kept)
            else:
                try:
                    line = self._append_locked(fd, kept)
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
        except OSError as exc:
            self._end = -1  # what is at the end now is read again next time
            self.failure = f"the audit journal {self.path} cannot be written: {exc.strerror or exc}"
            raise JournalError(self.failure) from None
        copy = self.copy
        if copy is not None:
            copy.offer(line, kept, self._seq)

    def _append_locked(self, fd: int, kept: Kept) -> bytes:
        size = os.fstat(fd).st_size
        if size != self._end:
            # Another process wrote since (or this one has not read the end yet).
            tail = read_tail(fd, size)
            self._seq, self._hash, self._at_line_start = tail.seq, tail.hash, tail.at_line_start
        line = chained_line(kept.body, self._seq + 1, self._hash)
        data = line if self._at_line_start else b"\n" + line
        written = 0
        while written < len(data):
            count = self._write(fd, data[written:])
            if count <= 0:
                raise OSError("nothing was written")
            written += count
            # Part of a line is on disk: if the rest fails, close it next time.
            self._at_line_start = False
        self._at_line_start = True
        self._seq, self._hash = self._seq + 1, line_hash(line)
        self._end = size + len(data)
        self._wrote = True
        return line

    @property
    def last_head(self) -> ChainHead | None:
        """The last record this journal wrote (the head at a batch's end)."""
        return ChainHead(self._seq, self._hash) if self._wrote else None

    def sync(self) -> None:
        """Make what was written survive a power loss (at batch ends and on close)."""
        if self._fd is not None:
            try:
                os.fsync(self._fd)
            except OSError as exc:
                raise JournalError(f"the audit journal {self.path}: {exc.strerror}") from None

    def close(self) -> None:
        """Write what is still kept in memory, sync, close. Raises if records are lost."""
        try:
            self._flush_backlog()
            self.sync()
        finally:
            if self._fd is not None:
                fd, self._fd = self._fd, None
                os.close(fd)
            if self.copy is not None:
                self.copy.close()  # sends what is queued, for a few seconds at most

    # -- records --------------------------------------------------------------------

    def _stamp(self, record: dict[str, Any]) -> Kept:
        time = self._clock().astimezone(UTC).isoformat(timespec="milliseconds")
        stamped: dict[str, Any] = {
            "time": time,
            "operator": self.context.operator,
            "profile": self.context.profile,
            "host": self.context.host,
        }
        target = self.target
        if target is not None and record.get("phase") in TARGETED_PHASES:
            stamped["target"] = target.as_record()
        batch_id = record.get("batch_id")
        return Kept(
            encode_record({**stamped, **record}),
            str(record.get("phase") or ""),
            batch_id if isinstance(batch_id, str) else None,
            time,
        )

    def flush(self) -> None:
        """Write the records kept back; JournalError if the file still refuses."""
        self._flush_backlog()

    def _flush_backlog(self) -> None:
        while self.backlog:
            self._append(self.backlog[0])
            self.backlog.pop(0)
        self.failure = None

    def write(self, record: dict[str, Any]) -> None:
        """One record, after any kept back; raises JournalError if it is not written."""
        data = self._stamp(record)
        self._flush_backlog()
        self._append(data)
        self.failure = None

    def keep(self, record: dict[str, Any]) -> None:
        """Like ``write``, but a failure keeps the record in memory to write later."""
        data = self._stamp(record)
        try:
            self._flush_backlog()
            self._append(data)
            self.failure = None
        except JournalError:
            self.backlog.append(data)
            raise

    def batch_started(
        self,
        batch_id: str,
        action: Action,
        refs: Sequence[ItemRef],
        reason: str = "",
        **extra: Any,
    ) -> None:
        """The whole plan, so that after a crash the items never attempted are known."""
        self.write(
            {
                "phase": "batch",
                "batch_id": batch_id,
                "action": action.value,
                "reason": reason,
                "pid": os.getpid(),
                **{key: value for key, value in extra.items() if value is not None},
                "items": [
                    {"kind": r.kind.value, "identifier": r.identifier, "name": r.name} for r in refs
                ],
            }
        )

    def intent(self, ref: ItemRef, action: Action, batch_id: str, reason: str = "") -> None:
        self.write(
            {
                "phase": "intent",
                "kind": ref.kind.value,
                "identifier": ref.identifier,
                "name": ref.name,
                "action": action.value,
                "batch_id": batch_id,
                "reason": reason,
            }
        )

    def outcome(
        self,
        outcome: ItemOutcome,
        batch_id: str,
        reason: str = "",
        *,
        phase: str = "outcome",
        **extra: Any,
    ) -> None:
        self.keep(
            {
                "phase": phase,
                "kind": outcome.ref.kind.value,
                "identifier": outcome.ref.identifier,
                "name": outcome.ref.name,
                "action": outcome.action.value,
                # One vocabulary: the machine value (tui.api.Result). ``result``
                # repeats it for readers of older versions, which look there first;
                # ``label`` has the words people read.
                "outcome": outcome.result.value,
                "result": outcome.result.value,
                "label": outcome.label,
                "http_status": outcome.http_status,
                "code": outcome.code,
                "message": outcome.message,
                "request_id": outcome.request_id,
                "batch_id": batch_id,
                "reason": reason,
                **extra,
            }
        )

    def batch_finished(self, batch_id: str, summary: str, *, state: str, left: int) -> None:
        """The end of a batch: ``state`` done, stopped or interrupted; ``left`` unsettled."""
        self.keep(
            {
                "phase": "batch_end",
                "batch_id": batch_id,
                "summary": summary,
                "state": state,
                "left": left,
            }
        )
