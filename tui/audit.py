"""The audit trail: one JSON line per attempted (de)activation, before and after.

Every request a batch sends is preceded by an ``intent`` record and followed by an
``outcome`` record, appended to ``audit.jsonl`` in the user state directory and
flushed to the operating system each time, so that a crash or a kill at any
moment loses nothing already done. A reader tolerates a half-written last line.
No record ever holds a secret: only names, identifiers and the server's messages.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from tui.api import Action, ItemRef, Kind, Outcome
from tui.batches import outcome_label


@dataclass(frozen=True, slots=True)
class AuditContext:
    """Who acts, where: the same on every record of a session."""

    profile: str
    host: str
    operator: str = ""

    @classmethod
    def current(cls, profile: str, host: str) -> AuditContext:
        try:
            operator = getpass.getuser()
        except (KeyError, OSError):  # no passwd entry in some containers
            operator = str(os.getuid())
        return cls(profile=profile, host=host, operator=operator)


class AuditTrail:
    """Appends records to one file, opened for appending only, readable by its owner."""

    def __init__(
        self,
        path: Path,
        context: AuditContext,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.path = path
        self.context = context
        self._clock = clock
        self._file: IO[str] | None = None

    def _open(self) -> IO[str]:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            self._file = os.fdopen(descriptor, "a", encoding="utf-8")
        return self._file

    def close(self) -> None:
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None

    def write(self, record: dict[str, Any]) -> None:
        """One line, flushed at once (the OS keeps it if the app is killed)."""
        line = json.dumps(
            {
                "time": self._clock().astimezone(UTC).isoformat(timespec="milliseconds"),
                "operator": self.context.operator,
                "profile": self.context.profile,
                "host": self.context.host,
                **record,
            },
            ensure_ascii=False,
        )
        handle = self._open()
        handle.write(line + "\n")
        handle.flush()

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

    def batch_started(
        self, batch_id: str, action: Action, refs: Sequence[ItemRef], reason: str = ""
    ) -> None:
        """The whole plan, so that after a crash the items never attempted are known."""
        self.write(
            {
                "phase": "batch",
                "batch_id": batch_id,
                "action": action.value,
                "reason": reason,
                "items": [
                    {"kind": r.kind.value, "identifier": r.identifier, "name": r.name} for r in refs
                ],
            }
        )

    def batch_finished(self, batch_id: str, summary: str) -> None:
        self.write({"phase": "batch_end", "batch_id": batch_id, "summary": summary})

    def outcome(self, outcome: Outcome, batch_id: str, reason: str = "") -> None:
        error = outcome.error
        result = outcome.result
        self.write(
            {
                "phase": "outcome",
                "kind": outcome.ref.kind.value,
                "identifier": outcome.ref.identifier,
                "name": outcome.ref.name,
                "action": outcome.action.value,
                "outcome": outcome_label(outcome),
                "http_status": error.status if error else result.status if result else None,
                "code": error.code if error else None,
                "message": outcome.message,
                "request_id": error.request_id if error else result.request_id if result else None,
                "batch_id": batch_id,
                "reason": reason,
            }
        )


def read_audit(path: Path) -> Iterator[dict[str, Any]]:
    """Every complete record; a torn last line (a kill mid-write) is skipped."""
    if not path.exists():
        return
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


@dataclass(frozen=True, slots=True)
class Interrupted:
    """A batch that started and never finished (the app was killed or crashed)."""

    batch_id: str
    action: Action
    #: Items with no successful outcome on record: what is left to do.
    left: list[ItemRef]
    #: Items whose request was sent but whose answer was never recorded.
    in_doubt: list[ItemRef]
    total: int


_DONE = {"deactivated", "activated", "already inactive", "already active"}


def interrupted_batches(path: Path) -> list[Interrupted]:
    """Batches with a plan on record and no end: what was done, what was left."""
    plans: dict[str, dict[str, Any]] = {}
    ended: set[str] = set()
    done: dict[str, set[tuple[str, str]]] = {}
    sent: dict[str, set[tuple[str, str]]] = {}
    for record in read_audit(path):
        batch = str(record.get("batch_id"))
        phase = record.get("phase")
        key = (str(record.get("kind")), str(record.get("identifier")))
        if phase == "batch":
            plans[batch] = record
        elif phase == "batch_end":
            ended.add(batch)
        elif phase == "intent":
            sent.setdefault(batch, set()).add(key)
        elif phase == "outcome":
            sent.get(batch, set()).discard(key)
            if record.get("outcome") in _DONE:
                done.setdefault(batch, set()).add(key)
    found = []
    for batch, plan in plans.items():
        if batch in ended:
            continue
        try:
            action = Action(str(plan.get("action")))
            refs = [
                ItemRef(Kind(item["kind"]), str(item["identifier"]), str(item.get("name", "")))
                for item in plan.get("items", [])
            ]
        except (ValueError, KeyError, TypeError):
            continue
        finished = done.get(batch, set())
        doubt = sent.get(batch, set())
        left = [r for r in refs if (r.kind.value, r.identifier) not in finished]
        in_doubt = [r for r in left if (r.kind.value, r.identifier) in doubt]
        found.append(Interrupted(batch, action, left, in_doubt, len(refs)))
    return found


def unfinished(path: Path) -> list[dict[str, Any]]:
    """Intents with no outcome: requests that may or may not have been applied."""
    pending: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for record in read_audit(path):
        key = (
            str(record.get("batch_id")),
            str(record.get("kind")),
            str(record.get("identifier")),
            str(record.get("action")),
        )
        if record.get("phase") == "intent":
            pending[key] = record
        elif record.get("phase") == "outcome":
            pending.pop(key, None)
    return list(pending.values())
