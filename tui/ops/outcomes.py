"""What became of each item of a batch, told truthfully and the same way everywhere.

The machine values are the client's (:class:`tui.api.Result`): one vocabulary
from the wire to the journal, the screen and the command line. Here they get their
words, and what the batch knows beyond one answer: an "already" for an item that
earlier batches sent with no answer is *uncertain* (any of them may have done it).
Every front end, the journal and the exports take their words from here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from tui.api import (
    Action,
    ItemRef,
    MySafeError,
    NoAccessError,
    NotFoundError,
    Outcome,
    Result,
)

#: Outcomes after which the item is in the state the batch asked for.
SETTLED = frozenset({Result.CHANGED, Result.ALREADY, Result.UNCERTAIN})
#: Outcomes an undo reverts: what this batch did, or whose request is in doubt.
#: Uncertain ones are left out unless the operator includes them on purpose.
UNDOABLE = frozenset({Result.CHANGED, Result.IN_DOUBT})

#: The words of an uncertain outcome, after "already inactive", when no batch is named.
THIS_BATCH_MAY_HAVE = "an attempt of this batch may have done it"
#: The machine value, and the label words, that older journals wrote for what was
#: uncertain all along: read back as :attr:`Result.UNCERTAIN`.
OLD_ANSWER_LOST = "changed_answer_lost"


def _already(action: Action) -> str:
    return "already active" if action is Action.ACTIVATE else "already inactive"


def uncertain_detail(origins: Iterable[str], *, ours: bool = False) -> str:
    """Who may have made an uncertain change: "an attempt of batch A or B may have
    done it"; ``ours``: this batch's own attempt, whose answer was lost, too."""
    names = list(dict.fromkeys(origins))
    if not names:
        return THIS_BATCH_MAY_HAVE
    who = f"batch {' or '.join(names)}" + (" or of this batch" if ours else "")
    return f"an attempt of {who} may have done it"


def _label(action: Action, result: Result, detail: str) -> str:
    if result is Result.CHANGED:
        return action.past
    if result is Result.UNCERTAIN:
        return f"{_already(action)} ({detail or THIS_BATCH_MAY_HAVE})"
    if result is Result.ALREADY:
        return _already(action)
    if result is Result.IN_DOUBT:
        return "in doubt"
    if result is Result.NOT_ATTEMPTED:
        return "not attempted"
    if result is Result.REFUSED:
        return "refused"
    return detail or "failed"


def result_words(action: Action, result: Result) -> str:
    """A result in people's words, when nothing more is known of it ("deactivated")."""
    return _label(action, result, "")


#: Labels of older journals, read back into results (their ``outcome`` held the words;
#: it holds the machine value now, with the words in ``label``).
LEGACY_LABELS: dict[str, Result] = {
    "deactivated": Result.CHANGED,
    "activated": Result.CHANGED,
    "already inactive": Result.ALREADY,
    "already active": Result.ALREADY,
    "not attempted": Result.NOT_ATTEMPTED,
    "in doubt": Result.IN_DOUBT,
    "refused": Result.REFUSED,
    # What older versions called "changed by the lost attempt" was uncertain.
    "deactivated (first answer lost)": Result.UNCERTAIN,
    "activated (first answer lost)": Result.UNCERTAIN,
}


class ItemOutcome(NamedTuple):
    """One item's outcome in a batch, with everything the journal and exports keep."""

    ref: ItemRef
    action: Action
    result: Result
    #: The server's message, or the error's; already made safe by the client.
    message: str
    http_status: int | None = None
    code: int | None = None
    request_id: str | None = None
    attempts: int = 1
    #: "not found", "no access", "failed after retries": the kind of failure; for
    #: an uncertain outcome, who may have done it ("an attempt of batch A may ...").
    detail: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.ref.kind.value, self.ref.identifier)

    @property
    def label(self) -> str:
        """One or two words for a row, a toast, the journal's ``outcome`` field."""
        return _label(self.action, self.result, self.detail)

    @property
    def row_label(self) -> str:
        """The label for a table row, where width is scarce."""
        if self.result is Result.UNCERTAIN:
            return f"{_already(self.action)} (maybe ours)"
        return self.label

    @property
    def settled(self) -> bool:
        return self.result in SETTLED

    @property
    def ok(self) -> bool:
        return self.settled

    @property
    def changed_by_us(self) -> bool:
        return self.result is Result.CHANGED

    @property
    def uncertain(self) -> bool:
        return self.result is Result.UNCERTAIN

    @property
    def undoable(self) -> bool:
        return self.result in UNDOABLE

    def line(self) -> str:
        """A log line (without the time stamp)."""
        ref = self.ref
        text = f"{self.action.value} {ref.kind.noun} {ref.identifier} {ref.name!r}: {self.label}"
        if self.message and self.result is not Result.NOT_ATTEMPTED:
            parts = []
            if self.http_status is not None:
                parts.append(f"HTTP {self.http_status}")
            if self.code is not None:
                parts.append(f"code {self.code}")
            if self.request_id:
                parts.append(f"request {self.request_id}")
            if self.attempts > 1:
                parts.append(f"{self.attempts} attempts")
            text += f" - {self.message}" + (f" ({', '.join(parts)})" if parts else "")
        return text


def _failure_detail(error: MySafeError | None) -> str:
    if isinstance(error, NotFoundError):
        return "not found"
    if isinstance(error, NoAccessError):
        return "no access"
    if error is not None and error.attempts > 1:
        return "failed after retries"
    return "failed"


def from_client(outcome: Outcome) -> ItemOutcome:
    """The client's outcome, with what the screen, the journal and the CLI show of it."""
    answer = outcome.answer
    error = outcome.error
    if answer is not None:
        return ItemOutcome(
            outcome.ref,
            outcome.action,
            outcome.result,
            outcome.message,
            http_status=answer.status,
            request_id=answer.request_id,
            attempts=answer.attempts,
            detail=THIS_BATCH_MAY_HAVE if outcome.result is Result.UNCERTAIN else "",
        )
    if outcome.result is Result.NOT_ATTEMPTED:
        return ItemOutcome(outcome.ref, outcome.action, Result.NOT_ATTEMPTED, outcome.message)
    return ItemOutcome(
        outcome.ref,
        outcome.action,
        outcome.result,
        outcome.message,
        http_status=error.status if error else None,
        code=error.code if error else None,
        request_id=error.request_id if error else None,
        attempts=error.attempts if error else 1,
        detail=_failure_detail(error),
    )


def in_doubt(ref: ItemRef, action: Action, why: str) -> ItemOutcome:
    """A request that was sent and whose answer never came (cancelled, or the app ended)."""
    return ItemOutcome(ref, action, Result.IN_DOUBT, why)


#: The order of a summary: what was done first, what is left last.
_ORDER = (
    Result.CHANGED,
    Result.ALREADY,
    Result.UNCERTAIN,
    Result.FAILED,
    Result.IN_DOUBT,
    Result.NOT_ATTEMPTED,
    Result.REFUSED,
)


def summary(action: Action, outcomes: Iterable[ItemOutcome]) -> str:
    """In a fixed order: "3 deactivated, 1 already inactive (an attempt of this
    batch may have done it), 2 no access"."""
    counts: Counter[str] = Counter()
    labels: dict[Result, list[str]] = {result: [] for result in _ORDER}
    for outcome in outcomes:
        label = outcome.label
        if counts[label] == 0:
            labels[outcome.result].append(label)
        counts[label] += 1
    parts = [f"{counts[label]} {label}" for result in _ORDER for label in sorted(labels[result])]
    return ", ".join(parts) or "nothing to do"


def result_counts(outcomes: Iterable[ItemOutcome]) -> dict[str, int]:
    """{result: count}, for machine summaries."""
    counts = Counter(outcome.result.value for outcome in outcomes)
    return {result.value: counts[result.value] for result in _ORDER if counts[result.value]}
