"""Reading the audit journal back: batches, what each did, what is left or in doubt.

Tolerant of everything a crash or an older version can leave: a torn last line,
a bad line in the middle, records written before ``result`` and ``state`` existed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from tui.api import Action, ItemRef, Kind, Result
from tui.base.records import SlotRecord
from tui.ops.outcomes import LEGACY_LABELS, OLD_ANSWER_LOST, SETTLED, UNDOABLE
from tui.ops.target import Target

Key = tuple[str, str]


#: The longest line read (a plan of 200 000 items is some 30 MB); longer is skipped.
MAX_LINE = 64 * 1024 * 1024
#: How much of a line is read at a time while skipping one that is too long.
_CHUNK = 1024 * 1024


class SkipReport:
    """Lines of the journal that were not records it can have: how many, the first.

    A plain class, not a dataclass (read at every start; nothing compares or prints
    reports)."""

    __slots__ = ("count", "first_line")

    def __init__(self, count: int = 0, first_line: int | None = None) -> None:
        self.count = count
        #: 1-based line number of the first skipped line (None: none skipped).
        self.first_line = first_line

    def add(self, line: int) -> None:
        self.count += 1
        if self.first_line is None:
            self.first_line = line

    def message(self, path: Path | None = None) -> str:
        """'2 lines of the audit journal … skipped (…), the first at line 7'."""
        if not self.count:
            return ""
        where = f" {path}" if path is not None else ""
        lines = "1 line" if self.count == 1 else f"{self.count} lines"
        return (
            f"{lines} of the audit journal{where} skipped (unreadable, or not a record it "
            f"can hold), the first at line {self.first_line}"
        )


def journal_lines(handle: BinaryIO, line: int = 0) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) of every complete line, None for one too long (skipped,
    never held in memory whole). A last line without its newline is a write cut
    short (or one another process is making): left alone, not yielded."""
    while True:
        raw = handle.readline(MAX_LINE + 1)
        if not raw:
            return
        if not raw.endswith(b"\n"):
            if len(raw) <= MAX_LINE:
                return  # the torn (or unfinished) last line
            while not raw.endswith(b"\n"):  # too long: skip to its end
                raw = handle.readline(_CHUNK)
                if not raw:
                    return  # too long and never finished: the torn tail
            line += 1
            yield line, None
            continue
        line += 1
        yield line, raw


def parse_line(raw: bytes) -> dict[str, Any] | None:
    """The record on one line, or None if it is not one the journal can hold
    (invalid UTF-8, NUL bytes, not JSON, nested too deep, or not fitting its schema)."""
    try:
        record = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    if not isinstance(record, dict) or not fits(record):
        return None
    return record


def read_records(path: Path, skipped: SkipReport | None = None) -> Iterator[dict[str, Any]]:
    """Every complete record that fits its schema; the others are skipped, and
    counted in ``skipped`` when given (a torn last line is not counted)."""
    report = skipped if skipped is not None else SkipReport()
    if not path.is_file():
        return  # absent, or not a file one can read to its end (a device)
    with path.open("rb") as handle:
        for number, raw in journal_lines(handle):
            record = None if raw is None else parse_line(raw)
            if record is None:
                report.add(number)
            else:
                yield record


# -- the schema: what each record must be before anything uses it -------------------

_KINDS = frozenset(kind.value for kind in Kind)
_ACTIONS = frozenset(action.value for action in Action)
_SCALAR = (str, int, float, bool, type(None))
_TEXT = (str, type(None))
#: Fields of any record, when present (older journals lack some).
_COMMON_TEXT = ("time", "operator", "profile", "host")
#: Fields an outcome or settlement shows as they are (strings, numbers, null).
_OUTCOME_SHOWN = (
    "name",
    "action",
    "outcome",
    "label",
    "guard",
    "http_status",
    "code",
    "message",
    "request_id",
    "reason",
    "settled_by",
)


def _optional(record: dict[str, Any], key: str, types: tuple[type, ...]) -> bool:
    return key not in record or isinstance(record[key], types)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _item(value: object, *, origin: bool = False) -> bool:
    """{"kind": "password", "identifier": "7", "name": "..."} (an origin batch_id too)."""
    return (
        isinstance(value, dict)
        and value.get("kind") in _KINDS
        and isinstance(value.get("identifier"), str)
        and _optional(value, "name", _TEXT)
        and (not origin or _optional(value, "batch_id", _TEXT))
    )


def _items(value: object, *, origin: bool = False) -> bool:
    return isinstance(value, list) and all(_item(item, origin=origin) for item in value)


def _findings(value: object) -> bool:
    """A triage batch's findings: references (text, numbers, flags) and their items."""
    return isinstance(value, list) and all(
        isinstance(finding, dict)
        and _items(finding.get("items", []))
        and all(isinstance(v, _SCALAR) or v is None for k, v in finding.items() if k != "items")
        for finding in value
    )


def _fits_batch(record: dict[str, Any]) -> bool:
    target = record.get("target")
    return (
        record.get("action") in _ACTIONS
        and _items(record.get("items"))
        and (record.get("in_doubt") is None or _items(record["in_doubt"], origin=True))
        and all(_optional(record, key, _TEXT) for key in ("reason", "undoes", "resumes"))
        and (record.get("pid") is None or _whole(record["pid"]))
        and (record.get("findings") is None or _findings(record["findings"]))
        and (target is None or Target.from_record(target) is not None)
    )


def _fits_item_record(record: dict[str, Any], shown: tuple[str, ...]) -> bool:
    return (
        record.get("kind") in _KINDS
        and isinstance(record.get("identifier"), str)
        and _optional(record, "result", _TEXT)
        and all(_optional(record, key, _SCALAR) for key in shown)
    )


def fits(record: dict[str, Any]) -> bool:
    """Whether ``record`` has the shape its phase must have (what ``Journal`` writes,
    older journals included: ``result``, ``state`` and ``target`` may be absent).
    Phases this reader does not use need a text ``phase`` only."""
    phase = record.get("phase")
    if not isinstance(phase, str) or not all(_optional(record, k, _TEXT) for k in _COMMON_TEXT):
        return False
    if phase not in ("batch", "intent", "outcome", "settle", "batch_end"):
        return True  # unlock, lock, dry_run: read by nobody here
    if not isinstance(record.get("batch_id"), str):
        return False
    if phase == "batch":
        return _fits_batch(record)
    if phase == "intent":
        return _fits_item_record(record, ("name", "action", "reason"))
    if phase in ("outcome", "settle"):
        return _fits_item_record(record, _OUTCOME_SHOWN)
    return (
        _optional(record, "state", _TEXT)
        and _optional(record, "summary", _TEXT)
        and (record.get("left") is None or _whole(record["left"]))
    )


def result_of(record: dict[str, Any]) -> Result:
    """The record's result, from ``result`` or ``outcome`` (both the machine value
    now) or, in older journals, from the words ``outcome`` held then.

    Older journals called an "already" after a lost answer ``changed_answer_lost``
    ("... (first answer lost)"); it was uncertain all along, and reads so."""
    value = record.get("result")
    if value == OLD_ANSWER_LOST:
        return Result.UNCERTAIN
    for given in (value, record.get("outcome")):
        if isinstance(given, str):
            try:
                return Result(given)
            except ValueError:
                pass
    return LEGACY_LABELS.get(str(record.get("outcome")), Result.FAILED)


def _ref(item: Any) -> ItemRef | None:
    try:
        return ItemRef(Kind(item["kind"]), str(item["identifier"]), str(item.get("name") or ""))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def pid_alive(pid: object) -> bool:
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class BatchRecord(SlotRecord):
    """One batch as the journal tells it."""

    # In the order of the fields: the repr follows it.
    __slots__ = (  # noqa: RUF023
        "batch_id",
        "action",
        "refs",
        "time",
        "reason",
        "operator",
        "profile",
        "host",
        "target",
        "undoes",
        "resumes",
        "pid",
        "state",
        "summary",
        "results",
        "unanswered",
        "inherited_doubt",
        "resumed_by",
        "undone_by",
    )

    def __init__(
        self,
        batch_id: str,
        action: Action,
        refs: list[ItemRef],
        time: str = "",
        reason: str = "",
        operator: str = "",
        profile: str = "",
        host: str = "",
        target: Target | None = None,
        undoes: str | None = None,
        resumes: str | None = None,
        pid: object = None,
        state: str | None = None,
        summary: str = "",
        results: dict[Key, Result] | None = None,
        unanswered: set[Key] | None = None,
        inherited_doubt: dict[Key, list[str]] | None = None,
        resumed_by: list[str] | None = None,
        undone_by: list[str] | None = None,
    ) -> None:
        self.batch_id = batch_id
        self.action = action
        self.refs = refs
        self.time = time
        self.reason = reason
        self.operator = operator
        self.profile = profile
        self.host = host
        #: The vault it was made on; None for batches recorded before targets were kept.
        self.target = target
        self.undoes = undoes
        self.resumes = resumes
        self.pid = pid
        #: None while no ``batch_end`` is on record.
        self.state = state
        self.summary = summary
        #: The latest result of each item (outcome or later settlement).
        self.results: dict[Key, Result] = {} if results is None else results
        #: Items whose request was sent and has no outcome on record.
        self.unanswered: set[Key] = set() if unanswered is None else unanswered
        #: Items a resume took over as in doubt, with every batch whose request for
        #: the item is unanswered (a chain of kills leaves several).
        self.inherited_doubt: dict[Key, list[str]] = (
            {} if inherited_doubt is None else inherited_doubt
        )
        #: Later batches that resumed this one.
        self.resumed_by: list[str] = [] if resumed_by is None else resumed_by
        #: Later batches that undid this one.
        self.undone_by: list[str] = [] if undone_by is None else undone_by

    @property
    def ended(self) -> bool:
        return self.state is not None

    @property
    def total(self) -> int:
        return len(self.refs)

    def left(self) -> list[ItemRef]:
        """Items not brought to the asked state and not refused for good."""
        out = []
        for ref in self.refs:
            key = (ref.kind.value, ref.identifier)
            result = self.results.get(key)
            if result is None or result in (Result.IN_DOUBT, Result.NOT_ATTEMPTED):
                out.append(ref)
        return out

    def in_doubt(self) -> list[ItemRef]:
        keys = {k for k, r in self.results.items() if r is Result.IN_DOUBT}
        keys |= self.unanswered | set(self.inherited_doubt)
        return [ref for ref in self.refs if (ref.kind.value, ref.identifier) in keys]

    def doubt_origins(self) -> dict[Key, tuple[str, ...]]:
        """For each item in doubt, every batch whose request for it went unanswered:
        those this batch took over, and this batch itself if its own request did."""
        origins = {key: tuple(batches) for key, batches in self.inherited_doubt.items()}
        for ref in self.in_doubt():
            key = (ref.kind.value, ref.identifier)
            if key in self.unanswered or self.results.get(key) is Result.IN_DOUBT:
                before = origins.get(key, ())
                origins[key] = (*before, self.batch_id) if self.batch_id not in before else before
        return origins

    def undoable(self) -> list[ItemRef]:
        """What this batch changed, or whose request is in doubt: what an undo reverts."""
        return [
            ref
            for ref in self.refs
            if self.results.get((ref.kind.value, ref.identifier)) in UNDOABLE
        ]

    def uncertain(self) -> list[ItemRef]:
        """Items found "already so" after a lost answer: maybe this batch, maybe
        someone else. An undo leaves them out unless the operator includes them."""
        return [
            ref
            for ref in self.refs
            if self.results.get((ref.kind.value, ref.identifier)) is Result.UNCERTAIN
        ]

    def settled_count(self) -> int:
        return sum(1 for result in self.results.values() if result in SETTLED)

    @property
    def resumable(self) -> bool:
        """Left undone by a quit, a stop, a crash or a kill, and not yet taken over."""
        if self.resumed_by or not self.left():
            return False
        if self.state is None:
            return not pid_alive(self.pid)  # another running instance owns it
        return self.state in ("stopped", "interrupted", "unsettled")


def new_batch(record: dict[str, Any]) -> BatchRecord:
    """The batch a ``batch`` record (one that fits) starts."""
    batch_id = str(record["batch_id"])
    batch = BatchRecord(
        batch_id,
        Action(record["action"]),
        [ref for ref in map(_ref, record["items"]) if ref is not None],
        time=str(record.get("time") or ""),
        reason=str(record.get("reason") or ""),
        operator=str(record.get("operator") or ""),
        profile=str(record.get("profile") or ""),
        host=str(record.get("host") or ""),
        target=Target.from_record(record.get("target")),
        undoes=record.get("undoes"),
        resumes=record.get("resumes"),
        pid=record.get("pid"),
    )
    for item in record.get("in_doubt") or []:
        ref = _ref(item)
        if ref is not None:
            # One entry per (item, origin): a chain of kills leaves several.
            origin = str(item.get("batch_id") or batch_id)
            origins = batch.inherited_doubt.setdefault((ref.kind.value, ref.identifier), [])
            if origin not in origins:
                origins.append(origin)
    return batch


def fold(batch: BatchRecord, record: dict[str, Any]) -> None:
    """What an intent, outcome, settlement or end (of ``batch``) tells of it."""
    phase = record["phase"]
    key = (str(record.get("kind")), str(record.get("identifier")))
    if phase == "intent":
        batch.unanswered.add(key)
    elif phase in ("outcome", "settle"):
        result = result_of(record)
        if phase == "outcome" or result is not Result.IN_DOUBT:
            batch.unanswered.discard(key)  # a settlement answers the request too
        batch.results[key] = result
        if result is not Result.IN_DOUBT:
            batch.inherited_doubt.pop(key, None)
    elif phase == "batch_end":
        state = record.get("state")
        if state is None:  # an older journal: an end was an end
            state = "done"
        batch.state = str(state)
        batch.summary = str(record.get("summary") or "")


def add_record(batches: dict[str, BatchRecord], record: dict[str, Any]) -> None:
    """One record (that fits) into ``batches``, in the journal's order."""
    phase = record["phase"]
    if phase == "batch":
        batch = new_batch(record)
        batches[batch.batch_id] = batch
        if batch.resumes in batches:
            batches[str(batch.resumes)].resumed_by.append(batch.batch_id)
        if batch.undoes in batches:
            batches[str(batch.undoes)].undone_by.append(batch.batch_id)
        return
    if phase not in ("intent", "outcome", "settle", "batch_end"):
        return
    known = batches.get(str(record["batch_id"]))
    if known is not None:
        fold(known, record)


class JournalReading(NamedTuple):
    """The journal read back: its batches, and the lines that were skipped."""

    batches: list[BatchRecord]
    skipped: int = 0
    #: 1-based number of the first skipped line, None when none was.
    first_skipped_line: int | None = None

    @property
    def report(self) -> SkipReport:
        return SkipReport(self.skipped, self.first_skipped_line)


def read_journal(path: Path) -> JournalReading:
    """Every batch on record, oldest first, and what was skipped (never raises for
    what a line holds; OSError if the file cannot be read)."""
    batches: dict[str, BatchRecord] = {}
    skipped = SkipReport()
    for record in read_records(path, skipped):
        add_record(batches, record)
    return JournalReading(list(batches.values()), skipped.count, skipped.first_line)


def load_batches(path: Path) -> list[BatchRecord]:
    """Every batch on record, oldest first (the lines skipped: :func:`read_journal`)."""
    return read_journal(path).batches


def interrupted_batches(path: Path) -> list[BatchRecord]:
    """Batches with something left to resume."""
    return [batch for batch in load_batches(path) if batch.resumable]
