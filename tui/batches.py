"""Batches as the operator sees them: outcome labels, summaries, undo and retry sets.

No Textual here: the screens show what this module decides, and the tests check
the decisions without a terminal.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tui.api import (
    Action,
    ItemRef,
    MySafeError,
    NoAccessError,
    NotFoundError,
    Outcome,
    OutcomeStatus,
)
from tui.safe_text import safe_text


def outcome_label(outcome: Outcome) -> str:
    """One or two words for an item's row: what happened to it."""
    if outcome.status is OutcomeStatus.CHANGED:
        return outcome.action.past
    if outcome.status is OutcomeStatus.ALREADY:
        return "already active" if outcome.action is Action.ACTIVATE else "already inactive"
    if outcome.status is OutcomeStatus.NOT_ATTEMPTED:
        return "not attempted"
    error = outcome.error
    if isinstance(error, NotFoundError):
        return "not found"
    if isinstance(error, NoAccessError):
        return "no access"
    if error is not None and error.attempts > 1:
        return "failed after retries"
    return "failed"


def is_success(outcome: Outcome) -> bool:
    return outcome.status in (OutcomeStatus.CHANGED, OutcomeStatus.ALREADY)


def error_details(error: MySafeError) -> str:
    """The server's code, status, request id and attempts, for a log line."""
    parts: list[str] = []
    if error.status is not None:
        parts.append(f"HTTP {error.status}")
    if error.request_id:
        parts.append(f"request {error.request_id}")
    if error.attempts > 1:
        parts.append(f"{error.attempts} attempts")
    return ", ".join(parts)


def describe_ref(ref: ItemRef) -> str:
    return f"{ref.kind.noun} {ref.identifier} {safe_text(ref.name)!r}"


def outcome_line(outcome: Outcome) -> str:
    """A log-panel line (without the time stamp) for one item's outcome."""
    text = f"{outcome.action.value} {describe_ref(outcome.ref)}: {outcome_label(outcome)}"
    if outcome.error is not None:
        details = error_details(outcome.error)
        text += f" - {safe_text(str(outcome.error))}" + (f" ({details})" if details else "")
    elif outcome.result is not None:
        parts = [f"HTTP {outcome.result.status}"]
        if outcome.result.request_id:
            parts.append(f"request {outcome.result.request_id}")
        if outcome.result.attempts > 1:
            parts.append(f"{outcome.result.attempts} attempts")
        text += f" - {safe_text(outcome.message)} ({', '.join(parts)})"
    return text


@dataclass
class Batch:
    """One confirmed (de)activation of a set of items and what became of each."""

    action: Action
    refs: list[ItemRef]
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    outcomes: dict[tuple[str, str], Outcome] = field(default_factory=dict)
    finished: bool = False
    #: This batch reverts another one (an undo).
    undoes: str | None = None
    #: The operator's reason or ticket reference, stored with every audit record.
    reason: str = ""

    def record(self, outcome: Outcome) -> None:
        self.outcomes[(outcome.ref.kind.value, outcome.ref.identifier)] = outcome

    @property
    def done(self) -> int:
        return len(self.outcomes)

    @property
    def total(self) -> int:
        return len(self.refs)

    def counts(self) -> Counter[str]:
        return Counter(outcome_label(outcome) for outcome in self.outcomes.values())

    def summary(self) -> str:
        """'3 deactivated, 1 already inactive, 2 no access' in a fixed, readable order."""
        counts = self.counts()
        order = [
            self.action.past,
            "already inactive",
            "already active",
            "not found",
            "no access",
            "failed after retries",
            "failed",
            "not attempted",
        ]
        parts = [f"{counts[label]} {label}" for label in order if counts[label]]
        return ", ".join(parts) or "nothing to do"

    @property
    def ok(self) -> bool:
        return all(is_success(o) for o in self.outcomes.values()) and self.done == self.total

    def changed_refs(self) -> list[ItemRef]:
        """Exactly what this batch changed: what an undo must revert."""
        return [o.ref for o in self.outcomes.values() if o.changed_by_us]

    def failed_refs(self) -> list[ItemRef]:
        """Items to try again: failures and those never attempted."""
        return [o.ref for o in self.outcomes.values() if not is_success(o)]


def split_writable(
    refs: Iterable[ItemRef], writable: dict[tuple[str, str], bool]
) -> tuple[list[ItemRef], list[ItemRef]]:
    """Those the operator may change, and those the list says they may not."""
    allowed: list[ItemRef] = []
    refused: list[ItemRef] = []
    for ref in refs:
        if writable.get((ref.kind.value, ref.identifier), True):
            allowed.append(ref)
        else:
            refused.append(ref)
    return allowed, refused
