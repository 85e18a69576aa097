"""The main screen's batches: plans to confirm, and what the session reports back.

The session decides (guards, sending, journal, history); this turns its answers
into dialogs, rows, log lines and toasts. What a running batch reports reaches it
as messages the screen handles (``tui/console/screens/main/batch_events.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from textual.notifications import SeverityLevel

from tui.api import Action, ItemRef, Kind
from tui.base.safe_text import safe_text
from tui.console.applog import flush_app_log
from tui.console.screens.main.batch_events import PostingListener
from tui.console.screens.main.outcome_feed import OutcomeFeed
from tui.console.screens.main.ports import ConsoleApp, MainView
from tui.console.screens.main.status import refusal_words
from tui.console.widgets import BottomLine
from tui.ops import BatchPlan, BatchRecord, BatchRun, ItemOutcome, Refusal, Refused
from tui.ops.plans import KeyedRefs, ListWritability
from tui.ops.target import Target
from tui.ops.wording import plural
from tui.settings.paths import dry_run_dir

if TYPE_CHECKING:
    from tui.console.dialogs.confirm_batch import Confirmation

#: Requests of a dry run shown in the log panel; the written file has them all.
DRY_RUN_SHOWN = 20


#: Seconds after a confirmation opens to build the batch bar (BottomLine.prepare):
#: after the dialog's first frame, before its arming delay lets a batch start.
PREPARE_BAR_AFTER = 0.1

#: Seconds after a batch's end to look again at what the syslog copy could not send.
COPY_CHECK_AFTER = 2.0


class BatchController:
    def __init__(self, screen: MainView, app: ConsoleApp) -> None:
        self.screen = screen
        self.app = app
        self.session = app.session
        self.interrupted: list[BatchRecord] = []
        self._journal_warned: set[str] = set()
        #: The syslog copy's failures told so far (told again only when they grow).
        self._copy_told = ""
        #: What the session reports of each item reaches the screen through this.
        every = OutcomeFeed.SLOW_LINK_EVERY if app.slow_link else OutcomeFeed.SHOW_EVERY
        self.feed = OutcomeFeed(screen, every)
        #: How the session's batches reach the screen: messages it handles with @on.
        self.listener = PostingListener(screen)

    # -- plans ------------------------------------------------------------------------

    def selection(self) -> tuple[KeyedRefs, set[str]]:
        """The marked rows (or the cursor row) as keys of the list's items, and which
        of them the filter hides."""
        screen = self.screen
        kind = screen.kind
        model = screen.model(kind)
        keys, hidden = model.selection()
        return KeyedRefs(kind, keys, model.items), hidden

    def plan_for_selection(self, action: Action, *, dry_run: bool = False) -> BatchPlan | None:
        """The core's plan for the marked rows (or the cursor row), those the list says
        are read-only left out; or None when it refused (and said why)."""
        screen = self.screen
        refs, hidden_keys = self.selection()
        planned = self.session.plan(
            action,
            refs,
            writable=ListWritability(screen.items),
            hidden=hidden_keys,
            dry_run=dry_run,
        )
        if isinstance(planned, Refusal):
            self.say_refusal(planned)
            return None
        if planned.refused:
            refused = planned.refused
            names = ", ".join(f"{r.identifier} {safe_text(r.name)!r}" for r in refused[:3])
            more = "…" if len(refused) > 3 else ""
            screen.log_line(f"Left out, not editable by you: {names}{more}")
        return planned

    def change_refs(
        self,
        action: Action,
        refs: Sequence[ItemRef],
        findings: Sequence[Mapping[str, Any]] = (),
        reason: str = "",
    ) -> None:
        """Items chosen elsewhere (the findings view), of any kind: planned by the
        core with the findings they answer, then confirmed with ``reason`` proposed."""
        planned = self.session.plan(
            action, refs, writable=ListWritability(self.screen.items), findings=findings
        )
        if isinstance(planned, Refusal):
            self.say_refusal(planned)
            return
        self.confirm_and_run(planned._replace(proposed_reason=reason))

    def say_refusal(self, refusal: Refusal, prefix: str = "") -> None:
        self.app.say(f"{prefix}{refusal_words(refusal)}", severity="warning")

    def check_and_confirm(self, plan: BatchPlan) -> None:
        """A follow-up plan of the core's (undo, resume, retry): checked, then asked."""
        # Checked as if the uncertain items were included: the dialog is where the
        # operator decides that, so a plan of only uncertain items still opens it.
        refused = self.session.check(plan.including_uncertain())
        if refused:
            self.say_refusal(refused)
            return
        self.confirm_and_run(plan)

    def confirm_and_run(self, plan: BatchPlan, opened_at: float | None = None) -> None:
        """Ask, then send a plan the core has checked. ``opened_at`` is the time stamp
        of the key that asked for it (keys typed before it plus the arming delay are
        ignored); by default the newest key or click the app has seen, which is the
        one whose action runs."""
        plan = plan._replace(require_reason=self.session.profile.require_reason)

        def confirmed(answer: Confirmation | None) -> None:
            if answer is None:
                self.screen.log_line(f"Cancelled: {plan.action.value} {plural(len(plan.refs))}")
                return
            chosen = plan.including_uncertain() if answer.include_uncertain else plan
            if chosen.dry_run:
                self._dry_run(chosen, answer.reason)
            else:
                self.start(chosen, answer.reason)

        # Imported when first asked for: the console's first frame does not wait for it.
        from tui.console.dialogs.confirm_batch import ConfirmBatch

        if opened_at is None:
            opened_at = self.app.opening_time()
        dialog = ConfirmBatch(
            plan,
            opened_at=opened_at,
            arming_delay=self.app.arming_delay,
            clock=self.app.monotonic,
        )
        self.screen.app.push_screen(dialog, confirmed)
        # The batch bar is built while the operator reads the dialog, once it is
        # drawn: when the batch starts, the bar is only shown.
        self.screen.set_timer(PREPARE_BAR_AFTER, self.screen.query_one(BottomLine).prepare)

    def start(self, plan: BatchPlan, reason: str) -> None:
        try:
            # The session owns the batch's task; the screen hears it through messages.
            self.session.start(plan, reason, listener=self.listener)
        except Refused as exc:
            self.say_refusal(exc.refusal)

    def _dry_run(self, plan: BatchPlan, reason: str) -> None:
        from tui.ops.dry_run import write_dry_run

        result = write_dry_run(
            self.session.client.base_url,
            plan,
            reason,
            self.session.new_batch_id(),
            dry_run_dir(),
            self.session.journal,
            # The token line and the session's TLS trust, as the command line's: the
            # lines run as printed.
            settings=self.session.client.settings,
        )
        # The file has every request; the log shows the first few (100 000 lines
        # there would bury the rest of the log), or all when there is no file.
        shown = result.requests if result.path is None else result.requests[:DRY_RUN_SHOWN]
        for line in shown:
            self.screen.log_line(f"dry run: {line}")
        if len(shown) < len(result.requests):
            self.screen.log_line(f"dry run: … {len(result.requests) - len(shown)} more in the file")
        if result.error:
            self.app.report(result.error, "Dry run")
        where = f" written to {result.path}" if result.path else ""
        self.app.say(f"Dry run: {len(plan.refs)} requests{where}; nothing was sent.")

    # -- actions ------------------------------------------------------------------------

    def change_selection(self, action: Action, opened_at: float | None = None) -> None:
        plan = self.plan_for_selection(action)
        if plan is not None:
            self.confirm_and_run(plan, opened_at)

    def dry_run(self) -> None:
        plan = self.plan_for_selection(Action.DEACTIVATE, dry_run=True)
        if plan is not None:
            self.confirm_and_run(plan._replace(purpose="Dry run, nothing is sent"))

    def undo(self) -> None:
        run = self.session.undo_candidate()
        if run is None:
            done = "undone already or changed nothing" if self.session.history else "none yet"
            self.app.say(
                f"Nothing to undo: this session's batches are {done} "
                "(A lists the batches of every session)."
            )
            return
        self.check_and_confirm(self.session.undo_plan(run))

    def reverse(self, batch: BatchRecord, made_on: Target | None = None) -> None:
        if batch.target is None and made_on is None:
            # Recorded before batches kept their server: the operator names it first.
            def named(target: Target | None) -> None:
                if target is not None:
                    self.reverse(batch, target)

            from tui.console.dialogs.name_server import NameServer

            self.screen.app.push_screen(NameServer(batch.batch_id, self.session.target), named)
            return
        try:
            plan = self.session.reverse_plan(batch, made_on=made_on)
        except Refused as exc:
            self.say_refusal(exc.refusal)
            return
        if not plan.refs:
            self.app.say(f"Batch {batch.batch_id} changed nothing; nothing to reverse.")
            return
        self.check_and_confirm(plan)

    def retry(self) -> None:
        plan = self.session.retry_plan()
        if plan is None:
            self.app.say("No failed items to retry.")
            return
        self.check_and_confirm(plan)

    def remark_failed(self) -> None:
        run = self.session.last_finished()
        if run is None or not run.failed_refs():
            self.app.say("No failed items to mark.")
            return
        kind = self.screen.kind
        model = self.screen.model(kind)
        # Added to the marks, never in their place: an item of an earlier batch
        # that failed stays marked until a batch settles it.
        refs = [ref for ref in run.failed_refs() if ref.kind is kind]
        added = model.mark(ref.identifier for ref in refs)
        total = model.marked_count
        self.app.say(
            f"Marked {len(refs)} failed {kind.noun}s ({added} newly, {total} marked in all).",
            toast=False,
        )

    def export_selection(self) -> None:
        """The marks (or every row shown) as files a script reads with --ids-file."""
        screen = self.screen
        model, kind = screen.model(), screen.kind
        keys = model.marked_keys or model.visible_keys()
        items = [screen.items[kind][key] for key in keys if key in screen.items[kind]]
        if not items:
            self.app.say("Nothing to export: the table is empty.", severity="warning")
            return
        from tui.ops.export import export_items

        stem = f"{kind.value}-{self.session.new_batch_id()}"
        try:
            jsonl, csv_path = export_items(items, dry_run_dir().parent / "exports", stem)
        except OSError as exc:
            self.app.report(exc, "Export")
            return
        what = "marked" if model.marked_count else "shown"
        self.app.say(f"Exported {len(items)} {what} {kind.noun}s to {jsonl} and {csv_path}.")

    def look_for_interrupted(self) -> None:
        problem = self.session.check_journal()
        if problem is not None:
            self.app.report(
                f"{problem[:1].upper()}{problem[1:]}: this session is read-only; "
                "reading still works.",
                "Audit journal",
            )
            self.screen.session_changed()
        try:
            self.interrupted = self.session.recover()
        except OSError as exc:
            self.app.report(exc, "Reading the audit journal")
            return
        skipped = self.session.journal_skipped
        if skipped.count:
            self.screen.log_line(f"{skipped.message(self.session.journal_path())}; A shows them")
        elsewhere = len(self.session.interrupted_elsewhere)
        if elsewhere:
            self.app.say(
                f"{elsewhere} interrupted {'batch' if elsewhere == 1 else 'batches'} of other "
                "servers (or of none on record) left as they are: they resume only where "
                "they were made. A lists them.",
                severity="warning",
            )
        self._announce_interrupted()

    def _announce_interrupted(self) -> None:
        """One notice, however many batches were interrupted (A lists them)."""
        if len(self.interrupted) == 1:
            [batch] = self.interrupted
            doubt = len(batch.in_doubt())
            extra = f", {doubt} of them in doubt (sent, no answer)" if doubt else ""
            self.app.say(
                f"Batch {batch.batch_id} ({batch.action.value}) was interrupted: "
                f"{len(batch.left())} of {plural(batch.total)} left{extra}. R resumes it.",
                severity="warning",
            )
        elif self.interrupted:
            left = sum(len(batch.left()) for batch in self.interrupted)
            doubt = sum(len(batch.in_doubt()) for batch in self.interrupted)
            extra = f", {doubt} of them in doubt (sent, no answer)" if doubt else ""
            oldest = self.interrupted[0].batch_id
            self.app.say(
                f"{len(self.interrupted)} interrupted batches of this server: {plural(left)} "
                f"left{extra}. A lists them, R resumes the oldest ({oldest}).",
                severity="warning",
            )

    def resume(self) -> None:
        if not self.interrupted:
            self.app.say("No interrupted batch on record.")
            return
        refused = self.session.write_refusal()
        if refused:
            self.say_refusal(refused, "Resume refused: ")
            return
        if not all(self.screen.loaded.values()):
            self.app.say("Resume refused: wait until the lists have loaded.", severity="warning")
            return
        try:
            plan = self.session.resume_plan(self.interrupted[0])
        except Refused as exc:
            self.say_refusal(exc.refusal, "Resume refused: ")
            return
        self.check_and_confirm(plan)

    def unlock(self) -> None:
        if not self.session.read_only:
            self.session.lock()
            self.screen.session_changed()
            self.app.say(f"Writing locked again on {self.session.profile.name}.")
            return

        def unlocked(name: str | None) -> None:
            if name is None:
                return
            try:
                self.session.unlock(name)
            except Refused as exc:
                self.app.report(refusal_words(exc.refusal), "Unlock writing")
                return
            self.screen.session_changed()
            self.app.say(
                f"Writing unlocked on {self.session.profile.name} for this session (W locks).",
                severity="warning",
            )

        from tui.console.dialogs.unlock import UnlockWriting

        self.screen.app.push_screen(UnlockWriting(self.session.profile.name), unlocked)

    def open_audit(self) -> None:
        session = self.app.session
        if session.journal is None:
            self.app.say("This session keeps no audit journal.")
            return

        def chosen(batch: BatchRecord | None) -> None:
            if batch is not None:
                self.reverse(batch)

        from tui.console.screens.audit_view import AuditScreen

        interrupted = [batch.batch_id for batch in self.interrupted]
        self.screen.app.push_screen(AuditScreen(session, interrupted), chosen)

    def request_quit(self) -> None:
        run = self.app.session.running
        if run is None:
            self.app.quit_safely("quit")
            return

        def answer(leave: bool | None) -> None:
            if leave:
                self.app.quit_safely("quit")

        from tui.console.dialogs.confirm_quit import ConfirmQuit

        self.screen.app.push_screen(ConfirmQuit(run.total - run.done, len(run.in_flight)), answer)

    # -- what the session reports (through the screen's messages) ----------------------

    def batch_started(self, run: BatchRun) -> None:
        noun = "item" if run.total == 1 else "items"
        why = f" (reason: {run.reason})" if run.reason else ""
        what = f"{run.plan.purpose}: " if run.plan.purpose else ""
        self.screen.log_line(
            f"Batch {run.batch_id}: {what}{run.plan.action.value} {run.total} {noun}{why}"
        )
        self.screen.query_one(BottomLine).begin(run)
        self.screen.refresh_bindings()

    def item_done(self, run: BatchRun, outcome: ItemOutcome) -> None:
        self.feed.add(run, outcome)

    def batch_finished(self, run: BatchRun) -> None:
        self.feed.show(run)
        done = [o.ref for o in run.outcomes.values() if o.settled]
        # Items left out as not editable are unmarked too: nothing more can be done
        # with them, and a mark left behind would slip into the next batch.
        done += run.plan.refused
        for kind in Kind:
            self.screen.model(kind).unmark(r.identifier for r in done if r.kind is kind)
        if run.plan.refused:
            self.screen.log_line(
                f"Unmarked {len(run.plan.refused)} left out as not editable by you"
            )
        self.screen.query_one(BottomLine).end()
        if run.plan.resumes:
            self.interrupted = [b for b in self.interrupted if b.batch_id != run.plan.resumes]
        if run.state != "done":
            try:
                self.interrupted = self.session.interrupted()
            except OSError as exc:
                self.app.report(exc, "Reading the audit journal")
        self.screen.refresh_bindings()
        self.screen.update_status()
        self._announce(run)
        if run.journal_head is not None:
            # For the ticket: `audit --verify --head HASH` proves the batch unchanged later.
            self.screen.log_line(
                f"Journal head after batch {run.batch_id}: {run.journal_head.words()}"
            )
        # The batch's lines are on disk when it is over (the app log holds lines for
        # up to half a second otherwise).
        flush_app_log()
        if self.session.has_copy:
            self.copy_failures()
            # The copy sends from its own thread: what failed at the end shows soon after.
            self.screen.set_timer(COPY_CHECK_AFTER, self.copy_failures)

    def copy_failures(self) -> None:
        """Tell what the syslog copy failed to send, once per change (never silent)."""
        problem = self.session.copy_problem()
        if problem is None or problem == self._copy_told:
            return
        self._copy_told = problem
        self.app.report(problem, "Syslog copy")

    def journal_failed(self, message: str) -> None:
        if message in self._journal_warned:
            self.screen.log_line(message)
            return
        self._journal_warned.add(message)
        self.app.report(message + "; outcomes are kept on screen and in memory", "Audit journal")

    def _announce(self, run: BatchRun) -> None:
        if run.total == 1 and run.outcomes and run.state in ("done", "unsettled"):
            [outcome] = run.outcomes.values()
            severity: SeverityLevel = "information" if outcome.ok else "error"
            # Which item, always: the server's message alone ("Password deactivated")
            # does not say.
            ref = outcome.ref
            title = f"{ref.kind.label} {ref.identifier}"
            if ref.name:
                title += f" {safe_text(ref.name)!r}"
            self.screen.app.notify(
                safe_text(outcome.message or outcome.label),
                severity=severity,
                title=title,
                markup=False,
            )
            return
        state = "" if run.state == "done" else f" ({run.state})"
        summary = f"Batch {run.batch_id}{state}: {run.summary()}"
        self.screen.log_line(summary)
        hint = ""
        if not run.ok:
            hint = " · x retries failed, m re-marks them, e shows errors"
            if run.state != "done":
                hint += ", R resumes"
        severity = "information" if run.ok else "warning"
        self.screen.app.notify(summary + hint, severity=severity, markup=False)
