"""Batches: (de)activate many items with bounded concurrency, one outcome per item."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from enum import StrEnum
from functools import partial
from typing import NamedTuple

from tui.api.errors import MySafeError, NotSentError, UnexpectedResponseError
from tui.api.models import Action, ActionResult, ItemRef, unique_refs


class Result(StrEnum):
    """What became of one item: the one vocabulary of outcomes, from the client to the
    journal (its ``result``), the screen and the command line (its ``outcome``)."""

    #: This request (de)activated the item.
    CHANGED = "changed"
    #: The item was already in the asked state ("has already been ...").
    ALREADY = "already"
    #: An attempt's answer was lost (a 502, 504 or 500, a timeout, a dropped
    #: connection) and a later answer said "already": that attempt may have done it,
    #: or someone else did before it. The item is in the asked state; who put it
    #: there is unknown, so it is neither "changed by us" nor undone unasked.
    UNCERTAIN = "uncertain"
    #: The server refused, or the request failed after its retries.
    FAILED = "failed"
    #: Sent, and no answer came: the server may or may not have applied it.
    IN_DOUBT = "in_doubt"
    #: Never sent: the batch was stopped first, or the request's intent could not be
    #: recorded.
    NOT_ATTEMPTED = "not_attempted"
    #: Kept back by a guard before anything was sent.
    REFUSED = "refused"


#: Why an item the batch never reached was not sent, when the batch was stopped.
STOPPED_NOTE = "not sent: the batch was stopped"


class Outcome(NamedTuple):
    ref: ItemRef
    action: Action
    result: Result
    #: What to tell the operator: the server's message, or the error's.
    message: str
    #: The server's answer, when one came.
    answer: ActionResult | None = None
    error: MySafeError | None = None

    @property
    def changed_by_us(self) -> bool:
        """Did this request change the item? (What an undo must revert.) Only a
        "changed" answer says so: an "already" after a lost answer is uncertain."""
        return self.result is Result.CHANGED

    @property
    def uncertain(self) -> bool:
        """An "already" after an attempt whose answer was lost: that attempt may
        have done it, or someone else did before it."""
        return self.result is Result.UNCERTAIN


def not_attempted(
    ref: ItemRef, action: Action, why: str, error: MySafeError | None = None
) -> Outcome:
    """The outcome of an item whose request was never sent (the one way it is made)."""
    return Outcome(ref, action, Result.NOT_ATTEMPTED, why, error=error)


def failed(ref: ItemRef, action: Action, error: MySafeError) -> Outcome:
    """A request that failed: in doubt when the server may have applied it anyway
    (the answer was lost after the request went), failed otherwise."""
    result = Result.IN_DOUBT if error.maybe_applied else Result.FAILED
    return Outcome(ref, action, result, str(error), error=error)


OutcomeCallback = Callable[[Outcome], None]
#: Called once per item as its first request leaves (after its turn in the
#: throttle and the connection pools): from then on it may have been applied.
SentCallback = Callable[[ItemRef], None]

#: The batch item whose request the running task sends, and who to tell when it
#: leaves: set by a batch's worker, read by the client (:func:`mark_sent`).
_SENDING: ContextVar[Callable[[], None] | None] = ContextVar("mysafe_sending", default=None)


def mark_sent() -> None:
    """The client says a batch item's request is leaving now (no-op outside a batch)."""
    tell = _SENDING.get()
    if tell is not None:
        tell()


#: Called just before an item's request is sent; if it raises, the item is not sent.
BeforeSend = Callable[[ItemRef], None]
Operation = Callable[[ItemRef], Awaitable[ActionResult]]


def _outcome_of(ref: ItemRef, action: Action, answer: ActionResult) -> Outcome:
    if answer.changed:
        result = Result.CHANGED
    elif answer.after_lost_answer:
        result = Result.UNCERTAIN
    else:
        result = Result.ALREADY
    return Outcome(ref, action, result, answer.message, answer=answer)


async def run_batch(
    operation: Operation,
    refs: Iterable[ItemRef],
    action: Action,
    *,
    concurrency: int,
    on_outcome: OutcomeCallback | None = None,
    stop: asyncio.Event | None = None,
    before: BeforeSend | None = None,
    on_sent: SentCallback | None = None,
) -> list[Outcome]:
    """Apply ``operation`` to every distinct ref, at most ``concurrency`` at a time.

    A fixed pool of workers pulls from the list (no task per item, so 100 000 items
    cost 100 000 awaits, not 100 000 tasks). Every ref gets exactly one outcome, in
    the order given; ``on_outcome`` sees each as it happens, and an exception in it
    cannot break the batch.
    """
    unique = unique_refs(refs)

    outcomes: list[Outcome | None] = [None] * len(unique)
    next_index = 0

    def report(index: int, outcome: Outcome) -> None:
        outcomes[index] = outcome
        if on_outcome is not None:
            # A display hiccup in the callback must not lose the rest of the batch.
            with contextlib.suppress(Exception):
                on_outcome(outcome)

    async def worker() -> None:
        nonlocal next_index
        while next_index < len(unique):
            if stop is not None and stop.is_set():
                return
            index = next_index
            next_index += 1
            ref = unique[index]
            if before is not None:
                try:
                    before(ref)
                except Exception as exc:  # e.g. the audit trail cannot be written
                    # Nothing left for the server: not attempted, never "failed".
                    refused = NotSentError(f"the request was not sent: {exc}")
                    report(index, not_attempted(ref, action, str(refused), refused))
                    continue
            if on_sent is not None:
                # Each worker is a task of its own: this is its item, for the client.
                _SENDING.set(partial(on_sent, ref))
            try:
                result = await operation(ref)
            except MySafeError as exc:
                report(index, failed(ref, action, exc))
            except Exception as exc:  # one item's bug is that item's failure, not the batch's
                error = UnexpectedResponseError(f"{type(exc).__name__}: {exc}")
                report(index, failed(ref, action, error))
            else:
                report(index, _outcome_of(ref, action, result))

    workers = min(concurrency, len(unique))
    if workers:
        await asyncio.gather(*(worker() for _ in range(workers)))
    for index, ref in enumerate(unique):
        if outcomes[index] is None:
            report(index, not_attempted(ref, action, STOPPED_NOTE))
    return [outcome for outcome in outcomes if outcome is not None]
