"""One batch from the command line, on the console's session, guards and journal.

The order matters and is the same for deactivate, activate and undo:

1. Before connecting: ``--yes`` (or a terminal to ask on), the production unlock,
   read-only, a required reason. A refusal here is exit 2 and nothing is sent.
2. Authenticate (exit 4 or 3 if that fails), then look the ids up in the list for
   their names (the journal's) and ``can_write``: items the list says may not be
   edited are kept back as ``refused``. The batch limit is checked on the rest.
3. Ask on a terminal (unless ``--yes``); unlock a production profile (journalled
   first); send through :meth:`Session.start`; print every outcome.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tui.api import (
    Action,
    ItemRef,
    RateLimitNotice,
)
from tui.cli import options as cli_options
from tui.cli.errors import PROG, CliError, ExitCode, quiet, refusal_error, refused, warn
from tui.cli.output import batch_object, dumps, outcome_object, write_table
from tui.cli.running import Interruption
from tui.ops import BatchPlan, BatchRun, ItemOutcome, Refusal, Refused, Result, Session, Why
from tui.ops.chain import ChainHead
from tui.ops.dry_run import write_dry_run
from tui.ops.guards import NOT_EDITABLE_ITEM
from tui.ops.outcomes import summary
from tui.ops.wording import rate_limit_words
from tui.settings.launch import LaunchOptions
from tui.settings.paths import dry_run_dir


@dataclass(frozen=True, slots=True)
class BatchRequest:
    """What the operator asked for, checked and not yet sent."""

    action: Action
    refs: Sequence[ItemRef]
    output_format: str
    reason: str = ""
    yes: bool = False
    dry_run: bool = False
    unlock: str | None = None
    #: The core's plan when this batch follows up a journal batch (``undo``,
    #: ``resume``): what it reverts or resumes, what was in doubt, its vault.
    follows: BatchPlan | None = None
    #: Look the ids up in the list (names, can_write); undo has them from the journal.
    look_up: bool = True
    #: The leak report's findings the items answer (``match`` lines): kept in the
    #: batch's journal record for the incident receipt.
    findings: Sequence[Mapping[str, Any]] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def confirmation_refusal(options: LaunchOptions, request: BatchRequest) -> CliError | None:
    """Why this batch may not go ahead without ``--yes`` (checked before connecting)."""
    if request.dry_run or request.yes:
        return None
    verb = request.action.value
    if options.production:
        name = options.profile_name
        return refused(
            f"profile {name} is production: {verb} needs --unlock-production {name} and "
            "--yes; nothing was sent"
        )
    if not cli_options.interactive():
        if cli_options.no_input():
            return CliError(f"--no-input: pass --yes to {verb} without a prompt; nothing was sent")
        return CliError(
            f"stdin is not a terminal, so there is no one to confirm: pass --yes to {verb} "
            "without a prompt; nothing was sent"
        )
    return None


def write_refusal(session: Session, request: BatchRequest) -> CliError | None:
    """Read-only, production and reason guards, asked of the core before connecting."""
    refusal = session.guard(dry_run=request.dry_run, unlock=request.unlock, reason=request.reason)
    return refusal_error(refusal) if refusal is not None else None


class Printer:
    """Prints outcomes: JSONL as they come (a listener of the batch), others at the end."""

    def __init__(self, request: BatchRequest) -> None:
        self.request = request
        self.format = request.output_format
        self.batch_id: str | None = None
        #: Journal failures told once each (one per record would flood stderr).
        self._journal_warned: set[str] = set()
        #: Refused items not printed yet (JSONL prints them with the batch's id).
        self._kept: list[ItemOutcome] = []
        #: The journal's chain at the batch's end, for the ticket.
        self.head: ChainHead | None = None

    def _line(self, outcome: ItemOutcome) -> None:
        line = {"batch_id": self.batch_id, "action": self.request.action.value}
        sys.stdout.write(dumps({**line, **outcome_object(outcome)}) + "\n")
        sys.stdout.flush()

    def kept_back(self, outcomes: Sequence[ItemOutcome]) -> None:
        self._kept = list(outcomes)

    def _write_kept(self) -> None:
        kept, self._kept = self._kept, []
        if self.format == cli_options.JSONL:
            for outcome in kept:
                self._line(outcome)

    # -- BatchListener ------------------------------------------------------------------

    def batch_started(self, run: BatchRun) -> None:
        self.batch_id = run.batch_id
        self._write_kept()

    def item_done(self, run: BatchRun, outcome: ItemOutcome) -> None:
        if self.format == cli_options.JSONL:
            self._line(outcome)

    def batch_finished(self, run: BatchRun) -> None:
        self.head = run.journal_head

    def journal_failed(self, message: str) -> None:
        if message not in self._journal_warned:
            self._journal_warned.add(message)
            warn(message)

    def rate_limited(self, run: BatchRun, notice: RateLimitNotice) -> None:
        """Once per episode (the client tells no more often): one line on stderr."""
        warn(rate_limit_words(notice))

    # -- the end ------------------------------------------------------------------------

    def finish(self, outcomes: Sequence[ItemOutcome]) -> None:
        self._write_kept()  # when nothing was left to send, no batch started
        action = self.request.action
        if self.format == cli_options.JSON:
            extra = dict(self.request.extra)
            if self.batch_id is not None:  # the chain at its end (null: not written)
                extra["journal_head"] = self.head.as_record() if self.head else None
            result = batch_object(self.batch_id, action.value, outcomes, **extra)
            sys.stdout.write(dumps(result) + "\n")
        elif self.format == cli_options.TABLE:
            rows = [(o.ref.identifier, o.ref.name, o.result.value, _detail(o)) for o in outcomes]
            if rows:
                write_table(sys.stdout, ("id", "name", "outcome", "message"), rows, flex=3)
            if not quiet():  # -q: the rows are the data, the summary is for people
                where = f"batch {self.batch_id}: " if self.batch_id else ""
                sys.stdout.write(f"{where}{action.value}: {summary(action, outcomes)}\n")
        sys.stdout.flush()
        if self.head is not None and self.format == cli_options.TABLE and not quiet():
            # For the ticket: `audit --verify --head HASH` proves the batch unchanged later.
            sys.stderr.write(
                f"{PROG}: journal head after batch {self.batch_id}: {self.head.words()}\n"
            )
            sys.stderr.flush()


def _detail(outcome: ItemOutcome) -> str:
    parts = [outcome.message]
    if outcome.code is not None:
        parts.append(f"(code {outcome.code})")
    return " ".join(part for part in parts if part)


def exit_code(outcomes: Sequence[ItemOutcome]) -> int:
    """0 when every item ended in the asked state (none is fine too), else 1."""
    return ExitCode.OK if all(o.settled for o in outcomes) else ExitCode.FAILED


def _dry_run(session: Session, request: BatchRequest) -> int:
    plan = BatchPlan(request.action, list(request.refs), purpose="Dry run", dry_run=True)
    if plan.refs:
        planned = session.plan(request.action, request.refs, dry_run=True)
        if isinstance(planned, Refusal):
            raise refusal_error(planned)
        plan = planned._replace(purpose="Dry run")
    result = write_dry_run(
        session.client.base_url,
        plan,
        request.reason,
        session.new_batch_id(),
        dry_run_dir(),
        session.journal,
        settings=session.client.settings,
    )
    head = {"batch_id": result.batch_id, "action": request.action.value}
    entries = [
        {"kind": r.kind.value, "identifier": r.identifier, "name": r.name, "request": line}
        for r, line in zip(plan.refs, result.requests, strict=True)
    ]
    token = {"token_request": result.token_request}
    if request.output_format == cli_options.JSON:
        sys.stdout.write(dumps({**head, "dry_run": True, **token, "requests": entries}) + "\n")
    elif request.output_format == cli_options.JSONL:
        # The token's line first, as a request too: `jq -r .request | sh` runs them all.
        sys.stdout.write(dumps({**head, "request": result.token_request}) + "\n")
        sys.stdout.writelines(dumps({**head, **entry}) + "\n" for entry in entries)
    else:
        sys.stdout.writelines(line + "\n" for line in result.lines)
    sys.stdout.flush()
    if result.error:
        warn(result.error)
    return ExitCode.OK


def _confirm(session: Session, plan: BatchPlan, guard: Interruption) -> None:
    counts = Counter(ref.kind for ref in plan.refs)
    what = " and ".join(
        f"{n} {kind.noun}{'s' if n != 1 else ''}" for kind, n in sorted(counts.items())
    )
    where = (
        "the demo simulator"
        if session.demo
        else f"{session.profile.name} ({session.target.describe()})"
    )
    question = f"{plan.action.value.capitalize()} {what} on {where}?"
    if plan.refused:
        question += f" ({len(plan.refused)} more kept back: can_write is false)"
    if plan.purpose:
        question = f"{plan.purpose}: {question}"
    guard.confirm(question)


async def send(session: Session, guard: Interruption, request: BatchRequest) -> int:
    """Steps 2 and 3 of the module docstring; returns the exit code."""
    if request.dry_run:
        return _dry_run(session, request)
    printer = Printer(request)
    if not request.refs:
        printer.finish([])
        return ExitCode.OK
    found = await session.look_up(request.refs, from_list=request.look_up)
    refs, writable = found.refs, found.writable
    if found.problem:
        warn(found.problem)
    # The production lock is no refusal here when --unlock-production names the
    # profile: unlocking (journalled) waits until every other check has passed.
    planned = session.plan(
        request.action,
        refs,
        writable=writable,
        follows=request.follows,
        unlock=request.unlock,
        findings=request.findings,
    )
    # Kept back as not editable, or left with nothing to send (an undo whose items are
    # all uncertain): every item gets its outcome below, and nothing is sent.
    if isinstance(planned, Refusal) and planned.why not in (Why.NOT_EDITABLE, Why.NOTHING_TO_SEND):
        raise refusal_error(planned)
    plan = planned if isinstance(planned, BatchPlan) else None
    kept = list(planned.refused)
    if plan is not None and not request.yes and cli_options.interactive():
        _confirm(session, plan, guard)
    kept_back = [
        ItemOutcome(ref, request.action, Result.REFUSED, NOT_EDITABLE_ITEM) for ref in kept
    ]
    printer.kept_back(kept_back)
    outcomes: dict[tuple[str, str], ItemOutcome] = {o.key: o for o in kept_back}
    if plan is not None:
        try:
            # Unlocking a production profile is journalled before anything is sent.
            run = session.start(plan, request.reason, listener=printer, unlock=request.unlock)
        except Refused as exc:
            raise refusal_error(exc.refusal) from None
        await session.wait()
        outcomes.update(run.outcomes)
    # In the order asked (a stopped batch has an outcome for every item too).
    keys = [(ref.kind.value, ref.identifier) for ref in refs]
    ordered = [outcomes[key] for key in keys if key in outcomes]
    printer.finish(ordered)
    return exit_code(ordered)
