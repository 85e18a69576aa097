"""The session: one client, one profile and its guards, one journal, one history.

Every front end acts through a :class:`Session`: :meth:`Session.plan` turns an
action and items into a plan to confirm or a typed refusal (:mod:`tui.ops.guards`),
:meth:`Session.start` asks the guards once more and sends, :meth:`Session.shutdown`
ends any batch truthfully however the program ends. The session decides; front
ends show what it decided.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from tui.api import (
    Action,
    AuthenticationError,
    BadRouteError,
    ConnectionFailedError,
    ItemRef,
    ItemSummary,
    MySafeClient,
    MySafeError,
    RequestTimeoutError,
    Result,
    unique_refs,
)
from tui.ops.guards import (
    FORCED_READ_ONLY,
    Refusal,
    Refused,
    Why,
    limit_refusal,
    not_here,
    reason_refusal,
)
from tui.ops.journal import Journal, JournalError
from tui.ops.journal_index import open_batches
from tui.ops.locks import BatchLocks, LockHeld, LockUnavailable
from tui.ops.outcomes import in_doubt
from tui.ops.plans import BatchPlan, KeyedRefs, ProfileView, split_writable
from tui.ops.records import BatchRecord, JournalReading, SkipReport, load_batches, read_journal
from tui.ops.runner import BatchListener, BatchRun, Runner
from tui.ops.target import Target, describe
from tui.ops.wording import plural

#: How long a quit waits for requests in flight before it records them in doubt.
SHUTDOWN_GRACE = 10.0
#: How long a stop (the console's esc) waits for requests in flight before it
#: cancels them and records them in doubt.
STOP_GRACE = 3.0
#: How often records kept back by a failing journal are tried again at shutdown.
JOURNAL_RETRY_EVERY = 0.25

#: Which items the list says the operator may edit: (kind, identifier) to can_write.
Writable = Mapping[tuple[str, str], bool]


class LookUp(NamedTuple):
    """Items as the list has them (:meth:`Session.look_up`)."""

    refs: list[ItemRef]
    writable: dict[tuple[str, str], bool]
    #: Why names and permissions are unknown (the list failed), if they are.
    problem: str | None = None


def random_batch_id() -> str:
    return uuid.uuid4().hex[:8]


def counter_ids(prefix: str = "b") -> Callable[[], str]:
    """Batch ids b0001, b0002, ... (tests and screenshots)."""
    numbers = itertools.count(1)
    return lambda: f"{prefix}{next(numbers):04d}"


def _doing(plan: BatchPlan) -> str:
    """What a batch following ``plan`` does to the batch it follows up, for a lock."""
    return "being resumed" if plan.resumes else "being undone"


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


def not_resumable(batch: BatchRecord) -> str:
    """Why ``batch`` has nothing to resume."""
    if batch.resumed_by:
        return f"Batch {batch.batch_id} was resumed already by {', '.join(batch.resumed_by)}"
    if not batch.left():
        return f"Batch {batch.batch_id} has nothing left to send"
    if batch.state is None:
        return f"Batch {batch.batch_id} is still running (process {batch.pid})"
    return f"Batch {batch.batch_id} ended {batch.state}: nothing to resume"


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
        # Read-only has one owner: the client's flag, the last check before the wire.
        # The session sets it (here, unlocking, locking, an unusable journal) and reads it.
        client.read_only = (
            read_only or self.profile.read_only or self.profile.production or client.read_only
        )
        self.running: BatchRun | None = None
        self._task: asyncio.Task[None] | None = None
        #: Cancels the batch's requests in flight once a stop's grace runs out.
        self._stopper: asyncio.Task[None] | None = None
        #: This session's batches, oldest first.
        self.history: list[BatchRun] = []
        self._undone: set[str] = set()
        self._runner = Runner(client, journal)
        #: The vault this session's batches belong to (every batch record says so).
        self.target = Target.of_settings(client.settings)
        if journal is not None:
            journal.target = self.target
        self.locks = (
            BatchLocks(journal.path.parent / "locks", self.target, clock=clock)
            if journal is not None
            else None
        )
        #: Interrupted batches of other vaults (or of none on record), found at start:
        #: told about, never resumed here.
        self.interrupted_elsewhere: list[BatchRecord] = []
        #: Why the audit journal cannot be written, when :meth:`check_journal` found
        #: that it cannot: the session is read-only then (reading still works).
        self.journal_problem: str | None = None
        #: Lines of the journal skipped when it was last read for open batches.
        self.journal_skipped = SkipReport()

    # -- read-only and unlocking ------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return self.client.read_only

    @property
    def can_unlock(self) -> bool:
        return self.read_only and self.profile.production and not self.profile.read_only

    def check_journal(self) -> str | None:
        """Whether the audit journal can be written (at start). If it cannot, nothing
        may be sent (no request without its intent on disk): the session becomes
        read-only, and the reason is returned and kept for the guards to say."""
        if self.journal is None:
            return None
        problem = self.journal.problem()
        if problem is not None:
            self.journal_problem = problem
            self.client.read_only = True
        return problem

    def write_refusal(self, *, unlock: str | None = None) -> Refusal | None:
        """Why this session may not write now (None: it may).

        ``unlock``: the profile name the operator gave to unlock writing once the
        batch is confirmed (the command line's ``--unlock-production``); the
        production lock is no refusal then, a wrong or needless unlock is."""
        if unlock is not None:
            return self.unlock_refusal(unlock)
        if not self.read_only:
            return None
        name = self.profile.name
        if self.journal_problem is not None:
            return Refusal(
                Why.JOURNAL_UNUSABLE, f"Read-only session: {self.journal_problem}.", profile=name
            )
        if self.can_unlock:
            return Refusal(
                Why.PRODUCTION_LOCKED, f"Read-only: profile {name} is production.", profile=name
            )
        return Refusal(Why.READ_ONLY, FORCED_READ_ONLY, profile=name)

    def unlock_refusal(self, typed_name: str) -> Refusal | None:
        """Why writing may not be unlocked with ``typed_name`` (None: it may)."""
        name = self.profile.name
        if not self.can_unlock:
            if self.read_only:  # for good: that refusal says why
                return self.write_refusal()
            return Refusal(
                Why.UNLOCK_NOT_PRODUCTION,
                "Writing can only be unlocked on a read-only production profile.",
                profile=name,
            )
        if typed_name != name:
            return Refusal(
                Why.UNLOCK_WRONG_NAME,
                f"Type the profile name {name!r} to unlock writing.",
                profile=name,
            )
        return None

    def unlock(self, typed_name: str) -> None:
        """Unlock writing on a production profile; journalled first, or not at all."""
        refusal = self.unlock_refusal(typed_name)
        if refusal is not None:
            raise Refused(refusal)
        if self.journal is not None:
            try:
                self.journal.write({"phase": "unlock", "action": "unlock-writing"})
            except JournalError as exc:
                raise Refused(
                    Refusal(
                        Why.JOURNAL_UNUSABLE,
                        f"Writing stays locked: {exc}",
                        profile=self.profile.name,
                    )
                ) from None
        self.client.read_only = False

    def lock(self) -> None:
        """Back to read-only (the production profile's starting state)."""
        self.client.read_only = True
        if self.journal is not None:
            with contextlib.suppress(JournalError):
                self.journal.write({"phase": "lock", "action": "lock-writing"})

    # -- plans and guards -------------------------------------------------------------

    def busy_refusal(self) -> Refusal | None:
        """Why no batch may start now because one is running (None: none is)."""
        if self.running is None:
            return None
        batch_id = self.running.batch_id
        return Refusal(
            Why.BATCH_RUNNING,
            f"Batch {batch_id} is still running; wait or stop it (esc).",
            profile=self.profile.name,
            batch_id=batch_id,
        )

    def send_refusal(self) -> Refusal | None:
        """Why nothing may be sent now, whatever the items: read-only, or busy."""
        return self.write_refusal() or self.busy_refusal()

    def plan(
        self,
        action: Action,
        refs: Iterable[ItemRef],
        *,
        writable: Writable | None = None,
        hidden: Collection[str] = (),
        follows: BatchPlan | None = None,
        dry_run: bool = False,
        unlock: str | None = None,
        findings: Sequence[Mapping[str, Any]] = (),
    ) -> BatchPlan | Refusal:
        """The plan for ``action`` on ``refs`` (deduplicated), or why not. ``refs`` may
        be a table's keys (:class:`~tui.ops.plans.KeyedRefs`): the plan holds them so.

        ``writable``: what the list says the operator may edit (those it says not are
        left out, in ``refused``); ``hidden``: identifiers the front end's filter
        hides (counted in the plan); ``follows``: the core's plan of a resume or undo
        whose items these are; ``unlock``: see :meth:`write_refusal`; ``findings``:
        the leak report's findings these items answer (kept in the batch record)."""
        allowed: Sequence[ItemRef]
        kept: Sequence[ItemRef]
        if isinstance(refs, KeyedRefs):
            # A table's keys: distinct already, and looked up by key, no reference
            # made for each (100 000 marked open the confirmation at once).
            unique: Sequence[ItemRef] = refs
            allowed, kept = refs.split(writable or {})
        else:
            unique = unique_refs(refs)
            allowed, kept = split_writable(unique, writable or {})
        if not unique and follows is None:
            return Refusal(Why.NOTHING_SELECTED, "Nothing selected.", profile=self.profile.name)
        if kept and not allowed:
            one = len(kept) == 1
            return Refusal(
                Why.NOT_EDITABLE,
                f"You may not edit {'this item' if one else 'any of these items'} "
                "(can_write is false): nothing to send.",
                profile=self.profile.name,
                count=len(kept),
                refused=kept,
            )
        hidden_count = 0
        if hidden:
            hidden_count = (
                allowed.count_in(hidden)
                if isinstance(allowed, KeyedRefs)
                else sum(1 for ref in allowed if ref.identifier in hidden)
            )
        if follows is not None:
            plan = follows._replace(refs=allowed, refused=kept, hidden=hidden_count)
        else:
            plan = BatchPlan(action, allowed, hidden=hidden_count, refused=kept)
        plan = plan._replace(
            dry_run=dry_run,
            require_reason=self.profile.require_reason,
            findings=findings or plan.findings,
        )
        return self.check(plan, unlock=unlock) or plan

    def check(self, plan: BatchPlan, *, unlock: str | None = None) -> Refusal | None:
        """Why ``plan`` may not go ahead (None: it may, after confirmation)."""
        name = self.profile.name
        if not plan.refs:
            if plan.uncertain:
                return Refusal(
                    Why.NOTHING_TO_SEND,
                    f"Nothing to send: {plural(len(plan.uncertain))} uncertain (found already "
                    "so after a lost answer) left out; include them on purpose to send them.",
                    profile=name,
                    count=len(plan.uncertain),
                )
            return Refusal(Why.NOTHING_TO_SEND, "Nothing to send.", profile=name)
        refused = self.guard(dry_run=plan.dry_run, unlock=unlock)
        if refused:
            return refused
        return limit_refusal(name, len(plan.refs), self.profile.max_batch)

    def guard(
        self, *, dry_run: bool = False, unlock: str | None = None, reason: str | None = None
    ) -> Refusal | None:
        """The guards that need no items, asked before anything else (the command line
        asks them before it connects): read-only or a wrong unlock and a batch running
        (unless nothing is to be sent), and a required ``reason`` when one is given to
        check. See :meth:`write_refusal` for ``unlock``."""
        if not dry_run:
            refused = self.write_refusal(unlock=unlock) or self.busy_refusal()
            if refused:
                return refused
        return self.reason_refusal(reason) if reason is not None else None

    def reason_refusal(self, reason: str) -> Refusal | None:
        return reason_refusal(self.profile.name, self.profile.require_reason, reason)

    async def look_up(self, refs: Sequence[ItemRef], *, from_list: bool = True) -> LookUp:
        """Authenticated, names (the journal's) and ``can_write`` of ``refs`` from the
        lists of their kinds; ``from_list=False`` when the names are known already
        (from the journal).

        Inactive items are not in the list (the vendor hides them): their names stay
        as given (empty for bare ids) and the server decides whether they may change.
        A failure to authenticate or to reach the server is raised (the writes would
        fail the same way); any other failure of a list is told in ``problem``, and
        its items go on without names or permissions."""
        await self.client.authenticate()
        if not from_list:
            return LookUp(list(refs), {})
        found: dict[tuple[str, str], ItemSummary] = {}
        problems: list[str] = []
        for kind in dict.fromkeys(ref.kind for ref in refs):
            try:
                listed = await self.client.list_items(kind)
            except (
                AuthenticationError,
                ConnectionFailedError,
                RequestTimeoutError,
                BadRouteError,
            ):
                raise
            except MySafeError as exc:
                problems.append(
                    f"the {kind.noun} list failed, so names and permissions are unknown: {exc}"
                )
                continue
            wanted = {ref.identifier for ref in refs if ref.kind is kind}
            found.update(
                ((kind.value, item.identifier), item)
                for item in listed.items
                if item.identifier in wanted
            )
        named = [
            ItemRef(ref.kind, ref.identifier, found[ref.key].name) if ref.key in found else ref
            for ref in refs
        ]
        writable = {key: item.can_write for key, item in found.items()}
        return LookUp(named, writable, "; ".join(problems) or None)

    # -- batches ----------------------------------------------------------------------

    def start(
        self,
        plan: BatchPlan,
        reason: str = "",
        *,
        listener: BatchListener | None = None,
        unlock: str | None = None,
    ) -> BatchRun:
        """Send ``plan`` in the background; the guards are asked once more first.

        ``listener`` hears the batch as it runs (started, each item, finished, a
        journal failure): the front end's, for this batch only. ``unlock``: the
        profile's name, to unlock writing on a production profile for this batch
        and the rest of the session (journalled before anything is sent)."""
        refused = self.check(plan, unlock=unlock) or self.reason_refusal(reason)
        if refused:
            raise Refused(refused)
        if unlock is not None and not plan.dry_run:
            self.unlock(unlock)
        plan = plan._replace(
            refs=unique_refs(plan.refs), require_reason=self.profile.require_reason
        )
        run = BatchRun(self.new_batch_id(), plan, reason.strip(), self.clock(), listener=listener)
        self._claim(run)
        run.doubt_origins = {key: tuple(origins) for key, origins in plan.in_doubt.items()}
        self.running = run
        self.history.append(run)
        if plan.undoes:
            self._undone.add(plan.undoes)
        self._task = asyncio.get_running_loop().create_task(self._execute(run))
        return run

    def _claim(self, run: BatchRun) -> None:
        """Hold the locks of ``run`` and of the batch it resumes or undoes, then check
        once more, under the lock, that the journal still allows it; else Refused."""
        locks = self.locks
        plan = run.plan
        origin = plan.resumes or plan.undoes
        if locks is None:
            return
        # Its own lock keeps another process from resuming it while it runs. When it
        # cannot be made (an unusable state directory), neither can the journal: the
        # batch then ends with nothing sent, which the journal's failure tells.
        with contextlib.suppress(LockUnavailable):
            locks.acquire(run.batch_id, "being sent")
        if origin is None:
            return
        try:
            locks.acquire(origin, _doing(plan))
            self._recheck(plan, origin)
        except Refused:
            locks.release(run.batch_id)
            locks.release(origin)
            raise
        except (LockHeld, LockUnavailable) as exc:
            locks.release(run.batch_id)
            locks.release(origin)
            raise not_here(str(exc), origin) from None

    def _recheck(self, plan: BatchPlan, origin: str) -> None:
        """The batch ``plan`` follows up, as the journal has it now (another process
        may have acted on it since the plan was made)."""
        if any(run.batch_id == origin for run in self.history):
            return  # this session's own batch: same vault, and no one else's to take
        # A batch still open is found by the bounded reader (no full read on the
        # operator's "y"); one closed since, or an undo's, by the whole journal.
        open_now = self._open_batches() if plan.resumes else []
        batch = next((b for b in open_now if b.batch_id == origin), None) or next(
            (b for b in self.past_batches() if b.batch_id == origin), None
        )
        if batch is None:
            raise not_here(f"Batch {origin} is not in the audit journal; nothing was sent.", origin)
        foreign = self.foreign(batch, named=plan.origin_named)
        if foreign:
            raise not_here(foreign, origin)
        if plan.resumes and batch.resumed_by:
            raise not_here(
                f"Batch {origin} was resumed already by batch {', '.join(batch.resumed_by)}; "
                "nothing was sent.",
                origin,
            )

    def _release(self, run: BatchRun) -> None:
        # One batch runs at a time, so nothing else holds what ``run`` held.
        if self.locks is not None:
            for batch_id in (run.batch_id, run.plan.resumes, run.plan.undoes):
                if batch_id is not None:
                    self.locks.release(batch_id)

    async def _execute(self, run: BatchRun) -> None:
        try:
            await self._runner.execute(run)
        finally:
            if self.running is run:
                self.running = None
            self._release(run)

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

    async def shutdown(
        self, reason: str = "quit", grace: float | None = None, *, journal_patience: float = 0.0
    ) -> None:
        """Stop, wait a bounded time for requests in flight, record the rest, close.

        Outcomes the journal could not take yet (a full disk) are tried again for
        ``journal_patience`` seconds before the journal is closed; what is still
        unwritten then is left in :meth:`unwritten_records` for the front end."""
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
        await self._drain_journal(journal_patience)
        self.close()

    async def _drain_journal(self, patience: float) -> None:
        """Write the records kept back, trying again until ``patience`` runs out."""
        journal = self.journal
        if journal is None or not journal.backlog or patience <= 0:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + patience
        told = False
        while journal.backlog:
            try:
                journal.flush()
            except JournalError as exc:
                if loop.time() >= deadline:
                    return
                listener = self._last_listener()
                if not told and listener is not None:
                    told = True
                    with contextlib.suppress(Exception):
                        listener.journal_failed(
                            f"{exc}; {len(journal.backlog)} records kept in memory, "
                            f"trying again for {patience:g} s"
                        )
                await asyncio.sleep(min(JOURNAL_RETRY_EVERY, max(0.0, deadline - loop.time())))

    def _last_listener(self) -> BatchListener | None:
        """Who to tell of records kept back: the listener of the batch that made them."""
        return self.history[-1].listener if self.history else None

    def unwritten_records(self) -> list[str]:
        """Journal records that could not be written, as JSON lines (after close)."""
        if self.journal is None:
            return []
        return [kept.body.decode("utf-8", "replace") for kept in self.journal.backlog]

    def abandon(self) -> None:
        """The last resort when no loop is left: record what is in flight as in doubt."""
        run = self.running
        if run is not None and not run.finished:
            self._runner.finish(run, "no answer came before the program ended")
            self.running = None

    def copy_problem(self) -> str | None:
        """What the journal's copy off the machine (syslog) failed to send so far, in
        words; None when it sent everything, or there is no copy."""
        copy = self.journal.copy if self.journal is not None else None
        return copy.problem() if copy is not None else None

    @property
    def has_copy(self) -> bool:
        """Whether the journal's records are copied off the machine."""
        return self.journal is not None and self.journal.copy is not None

    def close(self) -> None:
        self.abandon()
        if self.locks is not None:
            self.locks.release_all()
        if self.journal is not None:
            try:
                self.journal.close()
            except JournalError as exc:
                listener = self._last_listener()
                if listener is not None:
                    with contextlib.suppress(Exception):
                        listener.journal_failed(str(exc))

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

    def read_journal(self) -> JournalReading:
        """Every batch on record, and the lines skipped (the audit view)."""
        if self.journal is None:
            return JournalReading([])
        return read_journal(self.journal.path)

    def _open_batches(self) -> list[BatchRecord]:
        """The batches that may be resumed, read in bounded time (journal_index)."""
        if self.journal is None:
            return []
        found = open_batches(self.journal.path, save=self.journal_problem is None)
        self.journal_skipped = found.skipped
        return found.batches

    def recover(self) -> list[BatchRecord]:
        """Close batches a dead program left open (in doubt on record) and return
        every batch with something to resume, oldest first."""
        if self.journal is None:
            return []
        batches = self._open_batches()
        for batch in batches:
            if batch.ended or not batch.resumable or self.journal_problem is not None:
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
        return self._sort_interrupted(batches)

    def interrupted(self) -> list[BatchRecord]:
        """This vault's batches with something left to resume, oldest first (those of
        other vaults are kept in ``interrupted_elsewhere``)."""
        return self._sort_interrupted(self._open_batches())

    def _sort_interrupted(self, batches: list[BatchRecord]) -> list[BatchRecord]:
        resumable = [batch for batch in batches if batch.resumable]
        self.interrupted_elsewhere = [b for b in resumable if b.target != self.target]
        return [batch for batch in resumable if batch.target == self.target]

    def resume_plan(self, batch: BatchRecord, *, made_on: Target | None = None) -> BatchPlan:
        """What is left of ``batch``: the items in doubt settle by their idempotent answer.

        Refused when ``batch`` belongs to another vault (see :meth:`foreign`), or has
        nothing to resume."""
        foreign = self.foreign(batch, made_on=made_on)
        if foreign:
            raise not_here(foreign, batch.batch_id)
        if not batch.resumable:
            raise not_here(f"{not_resumable(batch)}; nothing was sent.", batch.batch_id)
        origins = batch.doubt_origins()
        left = batch.left()
        doubt = len(origins)
        return BatchPlan(
            batch.action,
            left,
            purpose=f"Resume of batch {batch.batch_id}" + (f" ({doubt} in doubt)" if doubt else ""),
            resumes=batch.batch_id,
            in_doubt=origins,
            origin_named=self._named(batch, made_on),
        )

    def _named(self, batch: BatchRecord, made_on: Target | None) -> bool:
        """Whether the operator named this server as the one ``batch`` (of no target on
        record) was made on."""
        return batch.target is None and made_on is not None and made_on.server == self.target.server

    def foreign(
        self, batch: BatchRecord, *, named: bool = False, made_on: Target | None = None
    ) -> str | None:
        """Why ``batch`` may not be resumed, retried or undone here: it belongs to
        another vault, or (recorded before targets were kept) to one nobody named.
        ``named``: the operator said this server is the one it was made on;
        ``made_on``: the server they named, to check."""
        here = describe(self.target)
        if batch.target is None:
            if named or self._named(batch, made_on):
                return None
            if made_on is not None:
                return (
                    f"Batch {batch.batch_id} was made on {made_on.url}, as you say; this "
                    f"session is on {here}. Act on it from there; nothing was sent."
                )
            return (
                f"Batch {batch.batch_id} has no target on record (it was written before "
                f"batches kept one); this session is on {here}. Name the server it was made "
                "on to act on it here; nothing was sent."
            )
        if batch.target != self.target:
            return (
                f"Batch {batch.batch_id} belongs to {describe(batch.target)}; this session "
                f"is on {here}. Act on it from there; nothing was sent."
            )
        return None

    def reverse_plan(self, batch: BatchRecord, *, made_on: Target | None = None) -> BatchPlan:
        """Undo a batch from the journal (of any session of this vault): what it
        changed or left in doubt, reversed; its uncertain items apart, sent only if
        included. Refused when ``batch`` belongs to another vault."""
        foreign = self.foreign(batch, made_on=made_on)
        if foreign:
            raise not_here(foreign, batch.batch_id)
        doubt = {(r.kind.value, r.identifier) for r in batch.in_doubt()}
        undoable = batch.undoable()
        uncertain = batch.uncertain()
        in_doubt = sum(1 for r in undoable if (r.kind.value, r.identifier) in doubt)
        return BatchPlan(
            inverse(batch.action),
            undoable,
            purpose=undo_purpose(batch.batch_id, in_doubt, len(uncertain)),
            undoes=batch.batch_id,
            origin_named=self._named(batch, made_on),
            uncertain=uncertain,
        )

    def journal_path(self) -> Path | None:
        return self.journal.path if self.journal is not None else None
