"""The session: one client, one profile and its guards, one journal, one history.

Every front end acts through a :class:`Session`: it asks :meth:`Session.refusal`
before it confirms, :meth:`Session.start` sends, :meth:`Session.shutdown` ends
any batch truthfully however the program ends. The session decides; front ends
show what it decided.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from tui.api import Action, ItemRef, MySafeClient
from tui.ops.journal import Journal, JournalError
from tui.ops.outcomes import Result, in_doubt
from tui.ops.plans import BatchPlan, ProfileView, limit_refusal, reason_refusal
from tui.ops.records import BatchRecord, load_batches
from tui.ops.runner import BatchListener, BatchRun, Runner
from tui.ops.wording import plural

#: How long a quit waits for requests in flight before it records them in doubt.
SHUTDOWN_GRACE = 10.0
#: How long a stop (the console's esc) waits for requests in flight before it
#: cancels them and records them in doubt.
STOP_GRACE = 3.0


class Refused(Exception):
    """A guard kept the batch back; the message says which and what to do."""


def random_batch_id() -> str:
    return uuid.uuid4().hex[:8]


def counter_ids(prefix: str = "b") -> Callable[[], str]:
    """Batch ids b0001, b0002, ... (tests and screenshots)."""
    numbers = itertools.count(1)
    return lambda: f"{prefix}{next(numbers):04d}"


def inverse(action: Action) -> Action:
    return Action.ACTIVATE if action is Action.DEACTIVATE else Action.DEACTIVATE


def undo_purpose(batch_id: str, in_doubt: int, uncertain: int) -> str:
    """ "Undo of batch b0001 (2 in doubt; 1 uncertain, left out unless included)"."""
    notes = []
    if in_doubt:
        notes.append(f"{in_doubt} in doubt")
    if uncertain:
        notes.append(f"{uncertain} uncertain, left out unless included")
    return f"Undo of batch {batch_id}" + (f" ({'; '.join(notes)})" if notes else "")


def unique_refs(refs: Sequence[ItemRef]) -> list[ItemRef]:
    seen: set[tuple[str, str]] = set()
    out = []
    for ref in refs:
        key = (ref.kind.value, ref.identifier)
        if key not in seen:
            seen.add(key)
            out.append(ref)
    return out


class Session:
    def __init__(
        self,
        client: MySafeClient,
        *,
        profile: ProfileView | None = None,
        journal: Journal | None = None,
        demo: bool = False,
        read_only: bool = False,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        new_batch_id: Callable[[], str] = random_batch_id,
        shutdown_grace: float = SHUTDOWN_GRACE,
        stop_grace: float = STOP_GRACE,
    ) -> None:
        self.client = client
        self.profile = profile or ProfileView(insecure=client.settings.tls.insecure)
        self.journal = journal
        self.demo = demo
        self.clock = clock
        self.new_batch_id = new_batch_id
        self.shutdown_grace = shutdown_grace
        self.stop_grace = stop_grace
        self.listener: BatchListener | None = None
        self._read_only = (
            read_only or self.profile.read_only or self.profile.production or client.read_only
        )
        client.read_only = self._read_only
        self.running: BatchRun | None = None
        self._task: asyncio.Task[None] | None = None
        #: Cancels the batch's requests in flight once a stop's grace runs out.
        self._stopper: asyncio.Task[None] | None = None
        #: This session's batches, oldest first.
        self.history: list[BatchRun] = []
        self._undone: set[str] = set()
        self._runner = Runner(client, journal, lambda: self.listener)

    # -- read-only and unlocking ------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def can_unlock(self) -> bool:
        return self._read_only and self.profile.production and not self.profile.read_only

    def write_refusal(self) -> str | None:
        if not self._read_only:
            return None
        if self.can_unlock:
            return (
                f"Read-only: profile {self.profile.name} is production. "
                "W unlocks writing for this session."
            )
        return "Read-only session: nothing can be deactivated or reactivated."

    def unlock(self, typed_name: str) -> None:
        """Unlock writing on a production profile; journalled first, or not at all."""
        if not self.can_unlock:
            raise Refused("Writing can only be unlocked on a read-only production profile.")
        if typed_name != self.profile.name:
            raise Refused(f"Type the profile name {self.profile.name!r} to unlock writing.")
        if self.journal is not None:
            try:
                self.journal.write({"phase": "unlock", "action": "unlock-writing"})
            except JournalError as exc:
                raise Refused(f"Writing stays locked: {exc}") from None
        self._read_only = False
        self.client.read_only = False

    def lock(self) -> None:
        """Back to read-only (the production profile's starting state)."""
        self._read_only = True
        self.client.read_only = True
        if self.journal is not None:
            with contextlib.suppress(JournalError):
                self.journal.write({"phase": "lock", "action": "lock-writing"})

    # -- guards -----------------------------------------------------------------------

    def refusal(self, plan: BatchPlan) -> str | None:
        """Why this plan may not go ahead (None: it may, after confirmation)."""
        if not plan.refs:
            if plan.uncertain:
                return (
                    f"Nothing to send: {plural(len(plan.uncertain))} uncertain (found already "
                    "so after a lost answer) left out; include them on purpose to send them."
                )
            return "Nothing to send."
        if not plan.dry_run:
            refused = self.write_refusal()
            if refused:
                return refused
            if self.running is not None:
                return f"Batch {self.running.batch_id} is still running; wait or stop it (esc)."
        return limit_refusal(self.profile, len(plan.refs), self.profile.max_batch)

    def reason_refusal(self, reason: str) -> str | None:
        return reason_refusal(self.profile, reason)

    # -- batches ----------------------------------------------------------------------

    def start(self, plan: BatchPlan, reason: str = "") -> BatchRun:
        """Send ``plan`` in the background; the guards are asked once more first."""
        refused = self.refusal(plan) or self.reason_refusal(reason)
        if refused:
            raise Refused(refused)
        plan = BatchPlan(
            plan.action,
            unique_refs(plan.refs),
            hidden=plan.hidden,
            refused=plan.refused,
            purpose=plan.purpose,
            require_reason=self.profile.require_reason,
            undoes=plan.undoes,
            resumes=plan.resumes,
            in_doubt=plan.in_doubt,
        )
        run = BatchRun(self.new_batch_id(), plan, reason.strip(), self.clock())
        run.doubt_origins = {
            key: (origins,) if isinstance(origins, str) else tuple(origins)
            for key, origins in plan.in_doubt.items()
        }
        self.running = run
        self.history.append(run)
        if plan.undoes:
            self._undone.add(plan.undoes)
        self._task = asyncio.get_running_loop().create_task(self._execute(run))
        return run

    async def _execute(self, run: BatchRun) -> None:
        try:
            await self._runner.execute(run)
        finally:
            if self.running is run:
                self.running = None

    async def wait(self) -> None:
        """Until the running batch (if any) has ended."""
        task = self._task
        if task is not None and not task.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(task)

    def stop(self, reason: str = "operator", grace: float | None = None) -> BatchRun | None:
        """Send nothing more. Requests in flight get ``grace`` seconds (``stop_grace``
        unless given) to answer; then they are cancelled and recorded in doubt, so
        the batch ends within the grace whatever the server does. Returns the batch
        stopping. Only the first stop of a batch sets its grace."""
        run = self.running
        task = self._task
        if run is None:
            return None
        if not run.stop_event.is_set() and task is not None and not task.done():
            wait = self.stop_grace if grace is None else grace
            note = f"no answer within {wait:g} s of the stop: cancelled, it may have been applied"
            self._stopper = task.get_loop().create_task(self._end_within(run, task, wait, note))
        run.stop(reason)
        return run

    @staticmethod
    async def _end_within(run: BatchRun, task: asyncio.Task[None], grace: float, note: str) -> None:
        """Let ``task`` (``run``'s) end by itself within ``grace`` seconds; past that,
        cancel it: its requests in flight are recorded in doubt, saying ``note``."""
        done, _ = await asyncio.wait({task}, timeout=grace)
        if not done:
            run.cancel_note = run.cancel_note or note
            task.cancel()
            await asyncio.wait({task})

    async def shutdown(self, reason: str = "quit", grace: float | None = None) -> None:
        """Stop, wait a bounded time for requests in flight, record the rest, close."""
        run = self.running
        task = self._task
        if run is not None and task is not None and not task.done():
            run.stop(reason)  # the shutdown's own grace, not a stop's
            why = "no answer came before the program ended"
            try:
                await self._end_within(run, task, grace or self.shutdown_grace, why)
            except asyncio.CancelledError:
                self.abandon()
                raise
        self.close()

    def abandon(self) -> None:
        """The last resort when no loop is left: record what is in flight as in doubt."""
        run = self.running
        if run is not None and not run.finished:
            self._runner.finish(run, "no answer came before the program ended")
            self.running = None

    def close(self) -> None:
        self.abandon()
        if self.journal is not None:
            try:
                self.journal.close()
            except JournalError as exc:
                if self.listener is not None:
                    with contextlib.suppress(Exception):
                        self.listener.journal_failed(str(exc))

    # -- undo, retry --------------------------------------------------------------------

    def undo_candidate(self) -> BatchRun | None:
        """The newest batch of this session not undone yet that changed something,
        or may have: one whose only such items are uncertain is a candidate too, so
        that the operator can include them on purpose (its plan sends nothing unasked)."""
        for run in reversed(self.history):
            undone = run.plan.undoes or run.batch_id in self._undone
            if run.finished and not undone and (run.undoable_refs() or run.uncertain_refs()):
                return run
        return None

    def undo_plan(self, run: BatchRun) -> BatchPlan:
        """What ``run`` changed or left in doubt, reversed; its uncertain items apart."""
        doubt = sum(1 for o in run.outcomes.values() if o.result is Result.IN_DOUBT)
        return BatchPlan(
            inverse(run.plan.action),
            run.undoable_refs(),
            purpose=undo_purpose(run.batch_id, doubt, len(run.uncertain_refs())),
            undoes=run.batch_id,
            uncertain=run.uncertain_refs(),
        )

    def last_finished(self) -> BatchRun | None:
        for run in reversed(self.history):
            if run.finished:
                return run
        return None

    def retry_plan(self) -> BatchPlan | None:
        run = self.last_finished()
        if run is None or not run.failed_refs():
            return None
        return BatchPlan(
            run.plan.action, run.failed_refs(), purpose=f"Retry of batch {run.batch_id}"
        )

    # -- the journal: past batches, interrupted ones ------------------------------------

    def past_batches(self) -> list[BatchRecord]:
        if self.journal is None:
            return []
        return load_batches(self.journal.path)

    def recover(self) -> list[BatchRecord]:
        """Close batches a dead program left open (in doubt on record) and return
        every batch with something to resume, oldest first."""
        if self.journal is None:
            return []
        batches = load_batches(self.journal.path)
        for batch in batches:
            if batch.ended or not batch.resumable:
                continue
            by_key = {(r.kind.value, r.identifier): r for r in batch.refs}
            try:
                for key in sorted(batch.unanswered):
                    ref = by_key.get(key)
                    if ref is None:
                        continue
                    outcome = in_doubt(
                        ref, batch.action, "no answer on record: the program ended first"
                    )
                    self.journal.outcome(outcome, batch.batch_id, batch.reason)
                    batch.results[key] = Result.IN_DOUBT
                batch.unanswered.clear()
                left = len(batch.left())
                self.journal.batch_finished(
                    batch.batch_id,
                    f"interrupted: found at the next start with {left} left",
                    state="interrupted",
                    left=left,
                )
                batch.state = "interrupted"
            except JournalError:
                break  # the reader derives the same from the intents; shown elsewhere
        return [batch for batch in batches if batch.resumable]

    def interrupted(self) -> list[BatchRecord]:
        return [batch for batch in self.past_batches() if batch.resumable]

    def resume_plan(self, batch: BatchRecord) -> BatchPlan:
        """What is left of ``batch``: the items in doubt settle by their idempotent answer."""
        origins = batch.doubt_origins()
        left = batch.left()
        doubt = len(origins)
        return BatchPlan(
            batch.action,
            left,
            purpose=f"Resume of batch {batch.batch_id}" + (f" ({doubt} in doubt)" if doubt else ""),
            resumes=batch.batch_id,
            in_doubt=origins,
        )

    def foreign(self, batch: BatchRecord) -> str | None:
        """Why a batch from the journal may not be reversed here (another server)."""
        if self.journal is None:
            return None
        here = self.journal.context
        if (batch.profile and batch.profile != here.profile) or (
            batch.host and batch.host != here.host
        ):
            return (
                f"Batch {batch.batch_id} was made on profile {batch.profile} ({batch.host}); "
                f"this session is {here.profile} ({here.host}). Reverse it from there."
            )
        return None

    def reverse_plan(self, batch: BatchRecord) -> BatchPlan:
        """Undo a batch from the journal (of any session): what it changed or left
        in doubt, reversed; its uncertain items apart, sent only if included."""
        doubt = {(r.kind.value, r.identifier) for r in batch.in_doubt()}
        undoable = batch.undoable()
        uncertain = batch.uncertain()
        in_doubt = sum(1 for r in undoable if (r.kind.value, r.identifier) in doubt)
        return BatchPlan(
            inverse(batch.action),
            undoable,
            purpose=undo_purpose(batch.batch_id, in_doubt, len(uncertain)),
            undoes=batch.batch_id,
            uncertain=uncertain,
        )

    def journal_path(self) -> Path | None:
        return self.journal.path if self.journal is not None else None
