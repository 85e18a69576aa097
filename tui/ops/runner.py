"""One batch, from plan to end: journal the plan, an intent before each request,
an outcome after it, and a truthful end however the batch stops.

A batch ends in one of four states: ``done`` (every item answered), ``unsettled``
(it ran to its end but some requests got no answer: in doubt), ``stopped`` (the
operator stopped it: the rest was not sent) or ``interrupted`` (the program is
ending, or the task was cancelled). Only ``done`` closes a batch for good; the
others are offered for resume. Whatever the way, every request that was sent gets
an outcome record: its answer, or ``in doubt`` when none came.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from typing import Protocol

from tui.api import (
    STOPPED_NOTE,
    Action,
    ItemRef,
    MySafeClient,
    MySafeError,
    Outcome,
    RateLimitNotice,
    Result,
    not_attempted,
)
from tui.ops.chain import ChainHead
from tui.ops.guards import NOT_EDITABLE_ITEM, Why
from tui.ops.journal import Journal, JournalError
from tui.ops.outcomes import ItemOutcome, from_client, in_doubt, summary, uncertain_detail
from tui.ops.plans import BatchPlan

Key = tuple[str, str]


class BatchListener(Protocol):
    """What a front end hears of a batch (called on the event loop's thread).

    A listener may also have ``rate_limited(run, notice)`` (:class:`HearsRateLimits`):
    the gateway's rate limit, once per episode, while the batch waits it out. It is
    optional: a listener without it hears nothing of it.
    """

    def batch_started(self, run: BatchRun) -> None: ...

    def item_done(self, run: BatchRun, outcome: ItemOutcome) -> None: ...

    def batch_finished(self, run: BatchRun) -> None: ...

    def journal_failed(self, message: str) -> None: ...


class HearsRateLimits(Protocol):
    """The optional part of a :class:`BatchListener`."""

    def rate_limited(self, run: BatchRun, notice: RateLimitNotice) -> None: ...


class BatchRun:
    """A batch being sent, and what became of each of its items."""

    def __init__(
        self,
        batch_id: str,
        plan: BatchPlan,
        reason: str,
        started_at: datetime,
        outcomes: dict[Key, ItemOutcome] | None = None,
        in_flight: dict[Key, ItemRef] | None = None,
        stop_event: asyncio.Event | None = None,
        stop_reason: str = "",
        cancel_note: str = "",
        state: str = "running",
        unjournalled: int = 0,
        listener: BatchListener | None = None,
        doubt_origins: dict[Key, tuple[str, ...]] | None = None,
        rate_limits: list[RateLimitNotice] | None = None,
        journal_head: ChainHead | None = None,
    ) -> None:
        self.batch_id = batch_id
        self.plan = plan
        self.reason = reason
        self.started_at = started_at
        self.outcomes: dict[Key, ItemOutcome] = {} if outcomes is None else outcomes
        #: Sent (intent on record) and not yet answered.
        self.in_flight: dict[Key, ItemRef] = {} if in_flight is None else in_flight
        self.stop_event: asyncio.Event = asyncio.Event() if stop_event is None else stop_event
        #: Why it was asked to stop: "operator", "quit", a signal's name; "" if not.
        self.stop_reason = stop_reason
        #: Why its requests in flight were cancelled, when they were (a stop's grace
        #: ran out): the in-doubt outcome of each says so.
        self.cancel_note = cancel_note
        self.state = state
        #: Outcome records the journal could not take (kept in memory and shown).
        self.unjournalled = unjournalled
        #: Who hears of this batch as it runs (a front end), given when it is started.
        self.listener = listener
        #: Every batch whose request for an item was in doubt when this one was planned.
        self.doubt_origins: dict[Key, tuple[str, ...]] = (
            {} if doubt_origins is None else doubt_origins
        )
        #: The gateway's rate limits the batch waited out (the first notice of each).
        self.rate_limits: list[RateLimitNotice] = [] if rate_limits is None else rate_limits
        #: The journal's chain at the batch's end: its ``batch_end`` record (None: no
        #: journal, or the record is not written yet).
        self.journal_head = journal_head

    @property
    def action(self) -> Action:
        return self.plan.action

    @property
    def refs(self) -> list[ItemRef]:
        return list(self.plan.refs)

    @property
    def total(self) -> int:
        return len(self.plan.refs)

    @property
    def done(self) -> int:
        return len(self.outcomes)

    @property
    def finished(self) -> bool:
        return self.state != "running"

    @property
    def stopping(self) -> bool:
        return self.stop_event.is_set() and not self.finished

    def stop(self, reason: str) -> None:
        if not self.stop_event.is_set():
            self.stop_reason = reason
            self.stop_event.set()

    def summary(self) -> str:
        return summary(self.plan.action, self.outcomes.values())

    @property
    def ok(self) -> bool:
        return self.done == self.total and all(o.settled for o in self.outcomes.values())

    def changed_refs(self) -> list[ItemRef]:
        return [o.ref for o in self.outcomes.values() if o.changed_by_us]

    def undoable_refs(self) -> list[ItemRef]:
        """What an undo sends: what this batch changed, or whose request is in doubt."""
        return [o.ref for o in self.outcomes.values() if o.undoable]

    def uncertain_refs(self) -> list[ItemRef]:
        """Found "already so" after a lost answer: an undo leaves them out unasked."""
        return [o.ref for o in self.outcomes.values() if o.uncertain]

    def failed_refs(self) -> list[ItemRef]:
        """Items to try again: failures, those in doubt and those never sent."""
        return [o.ref for o in self.outcomes.values() if not o.settled]

    def left(self) -> int:
        return sum(
            1 for o in self.outcomes.values() if o.result in (Result.IN_DOUBT, Result.NOT_ATTEMPTED)
        ) + (self.total - self.done)


class Runner:
    """Runs one :class:`BatchRun` against the client, journalling every step."""

    def __init__(self, client: MySafeClient, journal: Journal | None) -> None:
        self.client = client
        self.journal = journal

    def _journal_failed(self, run: BatchRun, error: JournalError) -> None:
        listener = run.listener
        if listener is not None:
            with contextlib.suppress(Exception):
                listener.journal_failed(str(error))

    def _record(self, run: BatchRun, outcome: ItemOutcome) -> None:
        run.in_flight.pop(outcome.key, None)
        run.outcomes[outcome.key] = outcome
        journal = self.journal
        if journal is not None:
            try:
                journal.outcome(outcome, run.batch_id, run.reason)
            except JournalError as exc:
                run.unjournalled += 1
                self._journal_failed(run, exc)
            for origin, settled in self._settlements(run, outcome):
                # The unanswered request of ``origin`` is settled by this answer.
                try:
                    journal.outcome(
                        settled, origin, run.reason, phase="settle", settled_by=run.batch_id
                    )
                except JournalError as exc:
                    self._journal_failed(run, exc)
        listener = run.listener
        if listener is not None:
            with contextlib.suppress(Exception):  # a display hiccup loses no outcome
                listener.item_done(run, outcome)

    @staticmethod
    def _settlements(run: BatchRun, outcome: ItemOutcome) -> list[tuple[str, ItemOutcome]]:
        """What this answer says of the unanswered requests of earlier batches for
        the item: "changed" means none of them was applied; "already" (uncertain)
        means any of them may have done it, or someone else. Anything else (an
        error, no answer) settles nothing."""
        origins = run.doubt_origins.get(outcome.key, ())
        if not origins:
            return []
        if outcome.result is Result.CHANGED:
            settled = ItemOutcome(
                outcome.ref,
                outcome.action,
                Result.FAILED,
                f"not applied: batch {run.batch_id} made the change",
                detail="not applied",
            )
        elif outcome.result is Result.UNCERTAIN:
            settled = outcome
        else:
            return []
        return [(origin, settled) for origin in origins]

    def _classify(self, run: BatchRun, outcome: Outcome) -> ItemOutcome:
        item = from_client(outcome)
        origins = run.doubt_origins.get(item.key, ())
        if origins and item.result in (Result.ALREADY, Result.UNCERTAIN):
            # Sent before with no answer: any of those requests may have done it
            # (and this batch's own, if its answer was lost too), or someone else.
            ours = item.result is Result.UNCERTAIN
            detail = uncertain_detail(origins, ours=ours)
            return ItemOutcome(
                item.ref,
                item.action,
                Result.UNCERTAIN,
                f"{item.message} ({detail})",
                http_status=item.http_status,
                request_id=item.request_id,
                attempts=item.attempts,
                detail=detail,
            )
        return item

    async def execute(self, run: BatchRun) -> None:
        """Send the batch; returns when every item has an outcome."""
        plan = run.plan
        journal = self.journal
        listener = run.listener
        if listener is not None:
            with contextlib.suppress(Exception):
                listener.batch_started(run)
        if journal is not None:
            try:
                journal.batch_started(
                    run.batch_id,
                    plan.action,
                    plan.refs,
                    run.reason,
                    undoes=plan.undoes,
                    resumes=plan.resumes,
                    # One entry per (item, origin); older readers keep the last.
                    in_doubt=[
                        {"kind": k, "identifier": i, "batch_id": origin}
                        for (k, i), origins in run.doubt_origins.items()
                        for origin in origins
                    ]
                    or None,
                    findings=[dict(finding) for finding in plan.findings] or None,
                )
            except JournalError as exc:
                self._journal_failed(run, exc)
                self.finish(run, f"not sent: {exc}")
                return
            self._record_kept_back(run)

        def before(ref: ItemRef) -> None:
            # Written before the request leaves: if this fails, it is not sent.
            if journal is not None:
                journal.intent(ref, plan.action, run.batch_id, run.reason)

        def on_sent(ref: ItemRef) -> None:
            # In flight from the moment its request leaves, not from its intent: one
            # still waiting its turn (a gateway's rate limit) when the batch is cut
            # short was never sent, and is told so, not "in doubt".
            run.in_flight[ref.key] = ref

        def on_outcome(outcome: Outcome) -> None:
            self._record(run, self._classify(run, outcome))

        def on_rate_limit(notice: RateLimitNotice) -> None:
            run.rate_limits.append(notice)
            hears = getattr(run.listener, "rate_limited", None)
            if hears is not None:
                with contextlib.suppress(Exception):
                    hears(run, notice)

        why = "no answer: the batch was cancelled"
        try:
            await self.client.set_active_many(
                plan.refs,
                plan.action,
                on_outcome=on_outcome,
                stop=run.stop_event,
                before=before,
                on_rate_limit=on_rate_limit,
                on_sent=on_sent,
            )
        except MySafeError as exc:  # refused before anything was sent (read-only)
            why = f"not sent: {exc}"
        except asyncio.CancelledError:
            why = run.cancel_note or "no answer came before the program ended"
            raise
        finally:
            self.finish(run, why)

    def _record_kept_back(self, run: BatchRun) -> None:
        """Items a guard kept back (not editable): ``refused`` in the batch's journal,
        the guard named, so the audit tells every item asked for. Not outcomes of the
        run: nothing was sent for them, and the batch's counts are of what it sent."""
        journal = self.journal
        if journal is None:
            return
        for ref in run.plan.refused:
            kept = ItemOutcome(ref, run.plan.action, Result.REFUSED, NOT_EDITABLE_ITEM)
            try:
                journal.outcome(kept, run.batch_id, run.reason, guard=Why.NOT_EDITABLE.value)
            except JournalError as exc:
                self._journal_failed(run, exc)

    def finish(self, run: BatchRun, why: str) -> None:
        """Give every item an outcome, end the batch in the journal. Safe to call twice."""
        if run.finished:
            return
        reason = run.stop_reason
        cut_short = bool(run.in_flight) or run.done < run.total
        for ref in list(run.in_flight.values()):
            self._record(run, in_doubt(ref, run.plan.action, why))
        for ref in run.plan.refs:
            if (ref.kind.value, ref.identifier) not in run.outcomes:
                # Never sent (stopped first, or waiting its turn when the batch ended):
                # said so, whatever the batch's end says of the requests in flight.
                note = (
                    STOPPED_NOTE
                    if reason
                    else (
                        why
                        if why.startswith("not sent")
                        else "not sent: the batch ended before its turn"
                    )
                )
                self._record(run, from_client(not_attempted(ref, run.plan.action, note)))
        left = run.left()
        if left == 0:
            run.state = "done"
        elif reason == "operator":
            run.state = "stopped"
        elif reason or cut_short:
            run.state = "interrupted"
        else:
            run.state = "unsettled"  # ran to its end, but some answers never came
        if self.journal is not None:
            try:
                self.journal.batch_finished(run.batch_id, run.summary(), state=run.state, left=left)
                run.journal_head = self.journal.last_head
                self.journal.sync()
            except JournalError as exc:
                self._journal_failed(run, exc)
        listener = run.listener
        if listener is not None:
            with contextlib.suppress(Exception):
                listener.batch_finished(run)
