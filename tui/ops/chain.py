"""The journal's chain: each record names the one before it, so a change shows.

Every record the journal writes starts with ``seq`` (1, 2, 3, ...) and ``prev``:
the SHA-256 (hex) of the previous record's line, its exact bytes without the
newline. The first chained record names the last record written before the chain
existed (an older version's), or 64 zeros in a new journal. An edited record no
longer hashes to what the next one names; a removed one leaves a gap in ``seq``;
a moved or inserted one comes out of order. Lines that are not records at all
(a write cut short by a kill or a full disk, closed by the next write) stand
outside the chain, which links across them.

What the chain cannot tell by itself is that records were cut off the end, whole,
or the last record edited: for that the head (the last record's ``seq`` and hash)
is printed at every batch's end, to be kept in the ticket, and
:func:`verify` with ``head`` proves later that the journal still holds that record
and everything before it unchanged.

Several processes append to one journal (two consoles, a console and a script):
each takes an exclusive ``flock`` on the file around reading the tail and
appending, so the chain stays one (:class:`tui.ops.journal.Journal`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from tui.base.records import SlotRecord

#: What the first record of a new journal names as the one before it.
GENESIS = "0" * 64
#: The longest line read; longer stands outside the chain (as in ``tui.ops.records``).
MAX_LINE = 64 * 1024 * 1024
#: How much of the file's end is read at a time to find its last record.
_BLOCK = 64 * 1024
_HEX64 = re.compile(r"[0-9a-f]{64}")

#: What is wrong where the chain breaks.
EDITED, MISSING, REORDERED, INSERTED, TRUNCATED = (
    "edited",
    "missing",
    "reordered",
    "inserted",
    "truncated",
)


def line_hash(line: bytes) -> str:
    """The hash the next record names: SHA-256 of the line without its newline."""
    if line.endswith(b"\n"):
        line = line[:-1]
    return hashlib.sha256(line).hexdigest()


def chained_line(body: bytes, seq: int, prev: str) -> bytes:
    """``body`` (one JSON object on a line, as ``encode_record`` makes it) with
    ``seq`` and ``prev`` as its first fields."""
    return b'{"seq": %d, "prev": "%s", ' % (seq, prev.encode("ascii")) + body[1:]


def link_of(record: dict[str, Any]) -> tuple[int, str] | None:
    """(seq, prev) of a chained record; None for a record written before the chain."""
    seq, prev = record.get("seq"), record.get("prev")
    if (
        isinstance(seq, int)
        and not isinstance(seq, bool)
        and seq > 0
        and isinstance(prev, str)
        and _HEX64.fullmatch(prev)
    ):
        return seq, prev
    return None


def read_line(raw: bytes) -> dict[str, Any] | None:
    """The JSON object on a line, or None when it is no record at all."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


class ChainHead(NamedTuple):
    """A record of the chain: its sequence number and the hash of its line."""

    seq: int
    hash: str

    def words(self) -> str:
        """'seq 42, sha256 3f0c...' (the whole hash: it is pasted into a ticket)."""
        return f"seq {self.seq}, sha256 {self.hash}"

    def as_record(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash}


class Tail(NamedTuple):
    """What a writer must know of the file's end: the last record, where lines start."""

    seq: int
    hash: str
    #: False when the file ends inside a line (a torn write).
    at_line_start: bool


def read_tail(fd: int, size: int) -> Tail:
    """The last record of the first ``size`` bytes of ``fd`` (read backwards, a block
    at a time): its seq (0 for a record from before the chain, or none) and hash."""
    if size == 0:
        return Tail(0, GENESIS, True)
    at_line_start = os.pread(fd, 1, size - 1) == b"\n"
    buffer = b""  # the bytes from ``pos`` to the part already looked at
    pos = size
    #: Whether the last piece of the buffer is a whole line (ends at a newline).
    whole_last = False
    while pos > 0:
        start = max(0, pos - _BLOCK)
        buffer = os.pread(fd, pos - start, start) + buffer
        pos = start
        pieces = buffer.split(b"\n")
        # The first piece may go on before ``pos``: a line only at the file's start.
        lines = pieces[1:] if pos > 0 else pieces
        if not whole_last:
            lines = lines[:-1]  # after the last newline: empty, or a torn piece
        for line in reversed(lines):
            found = _tail_of(line)
            if found is not None:
                return Tail(found[0], found[1], at_line_start)
        buffer, whole_last = (pieces[0] if pos > 0 else b""), True
        if len(buffer) > MAX_LINE:
            buffer, whole_last = b"", False  # too long to be a record: skip it
    return Tail(0, GENESIS, at_line_start)


def _tail_of(line: bytes) -> tuple[int, str] | None:
    if not line or len(line) > MAX_LINE:
        return None
    record = read_line(line)
    if record is None:
        return None
    link = link_of(record)
    return (link[0] if link else 0), line_hash(line)


@contextlib.contextmanager
def locked(fd: int, operation: int) -> Iterator[None]:
    """``flock`` held around the block; a file system without locks goes unlocked."""
    try:
        fcntl.flock(fd, operation)
    except OSError:
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


# -- verifying ------------------------------------------------------------------------


class ChainBreak(NamedTuple):
    """Where the chain breaks first, and what is wrong there."""

    line: int
    kind: str
    detail: str


class _Entry(NamedTuple):
    """One chained line as read (never changed after)."""

    line: int
    seq: int | None
    prev: str | None
    hash: str


class Verdict(SlotRecord):
    """What :func:`verify` found."""

    # In the order of the fields: the repr follows it.
    __slots__ = (  # noqa: RUF023
        "path",
        "chained",
        "pre_chain",
        "head",
        "head_line",
        "broken",
        "unreadable",
        "repeated",
        "wanted",
        "proven",
        "proven_line",
    )

    def __init__(
        self,
        path: Path,
        chained: int = 0,
        pre_chain: int = 0,
        head: ChainHead | None = None,
        head_line: int | None = None,
        broken: ChainBreak | None = None,
        unreadable: list[int] | None = None,
        repeated: list[int] | None = None,
        wanted: str | None = None,
        proven: ChainHead | None = None,
        proven_line: int | None = None,
    ) -> None:
        self.path = path
        #: Records of the chain read (with those after a break).
        self.chained = chained
        #: Records written before the chain began (by an older version), not covered.
        self.pre_chain = pre_chain
        #: The last record of the chain that holds (None: no chained record, or none holds).
        self.head = head
        #: Line number of the head.
        self.head_line = head_line
        self.broken = broken
        #: Lines that are no record (writes cut short and closed), outside the chain.
        self.unreadable: list[int] = [] if unreadable is None else unreadable
        #: Records written twice (a write cut short just before its newline, then again).
        self.repeated: list[int] = [] if repeated is None else repeated
        #: The head asked to prove (``--head``), and whether it was.
        self.wanted = wanted
        self.proven = proven
        self.proven_line = proven_line

    @property
    def holds(self) -> bool:
        """The whole chain holds, and the head asked for (if any) is proven."""
        return self.broken is None and (self.wanted is None or self.proven is not None)

    def lines(self) -> list[str]:
        """The verdict in words, a line each: the answer first, then what else was seen."""
        out: list[str] = []
        if self.wanted is not None:
            if self.proven is not None:
                out.append(
                    f"head {self.wanted} is line {self.proven_line} (seq {self.proven.seq}): "
                    "the journal holds it and every record before it unchanged"
                )
            else:
                out.append(
                    f"head {self.wanted} is not proven: no record the chain holds up to has "
                    "that hash (removed, edited, cut off the end, or another journal)"
                )
        if self.broken is not None:
            out.append(
                f"chain broken at line {self.broken.line} ({self.broken.kind}): "
                f"{self.broken.detail}"
            )
            if self.head is not None:
                out.append(f"it holds up to line {self.head_line}: {self.head.words()}")
        elif self.head is not None:
            out.append(
                f"chain holds: {self.chained} records, head {self.head.words()} "
                f"(line {self.head_line})"
            )
        else:
            out.append("no chained record yet: nothing to verify")
        if self.pre_chain:
            out.append(
                f"{_count(self.pre_chain, 'record')} from before the chain began (written by "
                "an older version): not covered by it"
            )
        if self.unreadable:
            out.append(
                f"{_count(len(self.unreadable), 'line')} of no record (a write cut short, then "
                f"closed) outside the chain, the first at line {self.unreadable[0]}"
            )
        if self.repeated:
            out.append(
                f"a record written again after a write cut short, at line {self.repeated[0]}"
            )
        return out

    def summary(self) -> str:
        """One line (the console's audit view)."""
        if self.broken is not None:
            return (
                f"Chain broken at line {self.broken.line} ({self.broken.kind}): "
                f"{self.broken.detail}"
            )
        if self.head is None:
            return "Chain: no chained record yet."
        before = f"; {self.pre_chain} older records before it" if self.pre_chain else ""
        return f"Chain holds: {self.chained} records, head {self.head.words()}{before}."


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _lines(handle: BinaryIO, size: int) -> Iterator[tuple[int, bytes | None, bool]]:
    """(line number, bytes or None when too long, complete) of the first ``size``
    bytes; the last is incomplete when the snapshot ends inside a line."""
    pos = number = 0
    while pos < size:
        raw = handle.readline(min(MAX_LINE + 1, size - pos))
        if not raw:
            return
        pos += len(raw)
        number += 1
        if raw.endswith(b"\n"):
            yield number, raw, True
            continue
        if len(raw) <= MAX_LINE:
            yield number, raw, False  # the snapshot ends here, inside a line
            return
        while not raw.endswith(b"\n") and pos < size:  # too long: skip to its end
            raw = handle.readline(min(1024 * 1024, size - pos))
            if not raw:
                return
            pos += len(raw)
        yield number, None, raw.endswith(b"\n")


def verify(path: Path, head: str | None = None) -> Verdict:
    """Check the chain of the journal at ``path`` (as it is now: records appended
    while reading are left for next time); with ``head``, whether it still holds
    that record and everything before it. ``OSError`` if it cannot be read."""
    verdict = Verdict(path, wanted=head.strip().lower() if head is not None else None)
    if not path.exists():
        return verdict
    entries: list[_Entry] = []
    torn: int | None = None
    last_record = GENESIS  # the hash of the last record line (chained or not)
    first_prev = GENESIS
    with path.open("rb") as handle:
        with locked(handle.fileno(), fcntl.LOCK_SH):
            size = os.fstat(handle.fileno()).st_size  # writers append whole lines, locked
        for number, raw, complete in _lines(handle, size):
            if not complete:
                torn = number
                break
            record = None if raw is None else read_line(raw)
            if raw is None or record is None:
                verdict.unreadable.append(number)
                continue
            digest = line_hash(raw)
            link = link_of(record)
            if link is None and not entries:
                verdict.pre_chain += 1
            else:
                if not entries:
                    first_prev = last_record
                seq, prev = link if link is not None else (None, None)
                entries.append(_Entry(number, seq, prev, digest))
            last_record = digest
    verdict.chained = sum(1 for e in entries if e.seq is not None)
    _walk(verdict, entries, first_prev)
    if torn is not None and verdict.broken is None:
        verdict.broken = ChainBreak(
            torn,
            TRUNCATED,
            f"line {torn} ends without its newline: a truncated tail (the file cut, or a "
            "write cut short by a kill or a full disk; the next record closes it)",
        )
    return verdict


def _walk(verdict: Verdict, entries: list[_Entry], first_prev: str) -> None:
    expected_seq, expected_prev = 1, first_prev
    good: _Entry | None = None
    for index, entry in enumerate(entries):
        if entry.seq == expected_seq and entry.prev == expected_prev:
            good = entry
            expected_seq, expected_prev = expected_seq + 1, entry.hash
            verdict.head, verdict.head_line = ChainHead(entry.seq, entry.hash), entry.line
            if verdict.wanted == entry.hash:
                verdict.proven, verdict.proven_line = verdict.head, entry.line
            continue
        if good is not None and (entry.seq, entry.prev, entry.hash) == (
            good.seq,
            good.prev,
            good.hash,
        ):
            verdict.repeated.append(entry.line)  # the same bytes again: a retried write
            continue
        verdict.broken = _diagnose(verdict, entries, index, expected_seq, good)
        return


def _diagnose(
    verdict: Verdict, entries: list[_Entry], index: int, expected: int, good: _Entry | None
) -> ChainBreak:
    entry = entries[index]
    line = entry.line
    if entry.seq is None:
        return ChainBreak(
            line,
            INSERTED,
            f"line {line} is a record without its link after the chain began: inserted "
            "(or written by a version without the chain)",
        )
    after = good.line if good is not None else 0
    between = [n for n in verdict.unreadable if after < n < line]
    if entry.seq > expected:
        later = next((e for e in entries[index + 1 :] if e.seq == expected), None)
        if later is not None:
            return ChainBreak(
                line,
                REORDERED,
                f"line {line} holds seq {entry.seq} where seq {expected} belongs; seq "
                f"{expected} is at line {later.line}: records were moved",
            )
        count = entry.seq - expected
        which = f"seq {expected}" if count == 1 else f"seq {expected} to {entry.seq - 1}"
        if between:
            return ChainBreak(
                between[0],
                EDITED,
                f"line {between[0]} is no longer a record ({which} should be there): "
                "edited beyond reading",
            )
        return ChainBreak(
            line,
            MISSING,
            f"{count} record{'s' if count != 1 else ''} ({which}) removed before line {line}",
        )
    if entry.seq < expected:
        twin = next((e for e in entries[:index] if e.seq == entry.seq), None)
        if twin is not None:
            return ChainBreak(
                line,
                INSERTED,
                f"lines {twin.line} and {line} both hold seq {entry.seq}: a record was "
                "inserted (or copied)",
            )
        return ChainBreak(
            line,
            REORDERED,
            f"line {line} holds seq {entry.seq} after seq {expected - 1}: out of order",
        )
    if good is None:
        return ChainBreak(
            line,
            EDITED,
            f"line {line}, the chain's first record, does not name the record before it: "
            "that record was edited, or records before it removed or added",
        )
    return ChainBreak(
        good.line,
        EDITED,
        f"line {good.line} (seq {good.seq}) is not the record line {line} was chained to: "
        "it was changed after it was written",
    )


def batch_heads(path: Path) -> dict[str, ChainHead]:
    """The head at each batch's end: the seq and hash of its ``batch_end`` record
    (the last one, for a batch ended twice). Records from before the chain: none."""
    heads: dict[str, ChainHead] = {}
    if not path.is_file():
        return heads
    with path.open("rb") as handle:
        for raw in handle:
            if b'"batch_end"' not in raw or not raw.endswith(b"\n"):
                continue
            record = read_line(raw)
            if record is None or record.get("phase") != "batch_end":
                continue
            link = link_of(record)
            batch_id = record.get("batch_id")
            if link is not None and isinstance(batch_id, str):
                heads[batch_id] = ChainHead(link[0], line_hash(raw))
    return heads
