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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from tui.api import Action, ItemRef, Outcome
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
