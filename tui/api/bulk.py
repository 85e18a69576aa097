"""Batches: (de)activate many items with bounded concurrency, one outcome per item."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from tui.api.errors import MySafeError, NotSentError, UnexpectedResponseError
from tui.api.models import Action, ActionResult, ItemRef, unique_refs


class OutcomeStatus(StrEnum):
    CHANGED = "changed"
    """This request (de)activated the item."""
    ALREADY = "already"
    """The item was already in the asked state ("has already been ...")."""
    FAILED = "failed"
    """The server refused, or the request failed after its retries."""
    NOT_ATTEMPTED = "not_attempted"
    """The batch was stopped before this item's request was sent."""


@dataclass(frozen=True, slots=True)
class Outcome:
    ref: ItemRef
    action: Action
    status: OutcomeStatus
    #: What to tell the operator: the server's message, or the error's.
    message: str
    result: ActionResult | None = None
    error: MySafeError | None = None

    @property
    def changed_by_us(self) -> bool:
        """Did this request change the item? (What an undo must revert.) Only a
        "changed" answer says so: an "already" after a lost answer is uncertain."""
        return self.status is OutcomeStatus.CHANGED

    @property
    def uncertain(self) -> bool:
        """An "already" after an attempt whose answer was lost: that attempt may
        have done it, or someone else did before it."""
        return (
            self.status is OutcomeStatus.ALREADY
            and self.result is not None
            and self.result.after_lost_answer
        )


OutcomeCallback = Callable[[Outcome], None]
#: Called just before an item's request is sent; if it raises, the item is not sent.
BeforeSend = Callable[[ItemRef], None]
Operation = Callable[[ItemRef], Awaitable[ActionResult]]


def _outcome_of(ref: ItemRef, action: Action, result: ActionResult) -> Outcome:
    status = OutcomeStatus.CHANGED if result.changed else OutcomeStatus.ALREADY
    return Outcome(ref, action, status, result.message, result=result)


async def run_batch(
    operation: Operation,
    refs: Iterable[ItemRef],
    action: Action,
    *,
    concurrency: int,
    on_outcome: OutcomeCallback | None = None,
    stop: asyncio.Event | None = None,
    before: BeforeSend | None = None,
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
                    kept = Outcome(
                        ref, action, OutcomeStatus.NOT_ATTEMPTED, str(refused), error=refused
                    )
                    report(index, kept)
                    continue
            try:
                result = await operation(ref)
            except MySafeError as exc:
                report(index, Outcome(ref, action, OutcomeStatus.FAILED, str(exc), error=exc))
            except Exception as exc:  # one item's bug is that item's failure, not the batch's
                error = UnexpectedResponseError(f"{type(exc).__name__}: {exc}")
                report(index, Outcome(ref, action, OutcomeStatus.FAILED, str(error), error=error))
            else:
                report(index, _outcome_of(ref, action, result))

    workers = min(concurrency, len(unique))
    if workers:
        await asyncio.gather(*(worker() for _ in range(workers)))
    for index, ref in enumerate(unique):
        if outcomes[index] is None:
            report(
                index,
                Outcome(
                    ref, action, OutcomeStatus.NOT_ATTEMPTED, "not attempted: the batch was stopped"
                ),
            )
    return [outcome for outcome in outcomes if outcome is not None]
