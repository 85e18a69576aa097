"""Reading the audit journal back: batches, what each did, what is left or in doubt.

Tolerant of everything a crash or an older version can leave: a torn last line,
a bad line in the middle, records written before ``result`` and ``state`` existed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.api import Action, ItemRef, Kind
from tui.ops.outcomes import LEGACY_LABELS, OLD_ANSWER_LOST, SETTLED, UNDOABLE, Result
from tui.ops.target import Target

Key = tuple[str, str]


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """Every complete record; torn or unreadable lines are skipped."""
    if not path.is_file():
        return  # absent, or not a file one can read to its end (a device)
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.endswith("\n"):
                return  # the write was cut short: that record never completed
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                yield record


def result_of(record: dict[str, Any]) -> Result:
    """The record's result, from ``result`` or, in older journals, its label.

    Older journals called an "already" after a lost answer ``changed_answer_lost``
    ("... (first answer lost)"); it was uncertain all along, and reads so."""
    value = record.get("result")
    if value == OLD_ANSWER_LOST:
        return Result.UNCERTAIN
    if isinstance(value, str):
        try:
            return Result(value)
        except ValueError:
            pass
    return LEGACY_LABELS.get(str(record.get("outcome")), Result.FAILED)


def _ref(item: Any) -> ItemRef | None:
    try:
        return ItemRef(Kind(item["kind"]), str(item["identifier"]), str(item.get("name", "")))
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


@dataclass(slots=True)
class BatchRecord:
    """One batch as the journal tells it."""

    batch_id: str
    action: Action
    refs: list[ItemRef]
    time: str = ""
    reason: str = ""
    operator: str = ""
    profile: str = ""
    host: str = ""
    #: The vault it was made on; None for batches recorded before targets were kept.
    target: Target | None = None
    undoes: str | None = None
    resumes: str | None = None
    pid: object = None
    #: None while no ``batch_end`` is on record.
    state: str | None = None
    summary: str = ""
    #: The latest result of each item (outcome or later settlement).
    results: dict[Key, Result] = field(default_factory=dict)
    #: Items whose request was sent and has no outcome on record.
    unanswered: set[Key] = field(default_factory=set)
    #: Items a resume took over as in doubt, with every batch whose request for
    #: the item is unanswered (a chain of kills leaves several).
    inherited_doubt: dict[Key, list[str]] = field(default_factory=dict)
    #: Later batches that resumed this one.
    resumed_by: list[str] = field(default_factory=list)
    #: Later batches that undid this one.
    undone_by: list[str] = field(default_factory=list)

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


def load_batches(path: Path) -> list[BatchRecord]:
    """Every batch on record, oldest first."""
    batches: dict[str, BatchRecord] = {}
    for record in read_records(path):
        batch_id = str(record.get("batch_id"))
        phase = record.get("phase")
        if phase == "batch":
            try:
                action = Action(str(record.get("action")))
            except ValueError:
                continue
            refs = [ref for ref in map(_ref, record.get("items") or []) if ref is not None]
            batch = BatchRecord(
                batch_id,
                action,
                refs,
                time=str(record.get("time", "")),
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
            batches[batch_id] = batch
            if batch.resumes in batches:
                batches[str(batch.resumes)].resumed_by.append(batch_id)
            if batch.undoes in batches:
                batches[str(batch.undoes)].undone_by.append(batch_id)
            continue
        batch_or_none = batches.get(batch_id)
        if batch_or_none is None:
            continue
        batch = batch_or_none
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
    return list(batches.values())


def interrupted_batches(path: Path) -> list[BatchRecord]:
    """Batches with something left to resume."""
    return [batch for batch in load_batches(path) if batch.resumable]
