"""``deactivate``, ``activate`` and ``undo``: batches from the command line."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import click

from tui.api import Action, ItemRef
from tui.cli.batches import BatchRequest, confirmation_refusal, send, write_refusal
from tui.cli.errors import (
    EXIT_CODES_HELP,
    CliError,
    note,
    refusal_error,
    refused,
    report,
    warn,
)
from tui.cli.ids import KIND_WORDS, read_items
from tui.cli.options import (
    ENVIRONMENT_HELP,
    JSON,
    JSONL,
    TABLE,
    Connection,
    chosen_format,
    connection_options,
    format_option,
    no_input_option,
    quiet_option,
    wants_json,
)
from tui.cli.running import Interruption, build, run
from tui.ops import BatchPlan, BatchRecord, Refused, Session, load_batches
from tui.ops.target import Target
from tui.ops.wording import plural
from tui.settings.launch import LaunchOptions
from tui.settings.paths import audit_path

F = TypeVar("F", bound=Callable[..., Any])


class PlanOf(Protocol):
    """``Session.reverse_plan`` or ``Session.resume_plan``."""

    def __call__(self, batch: BatchRecord, *, made_on: Target | None = None) -> BatchPlan: ...


EPILOG = f"{EXIT_CODES_HELP}\n\n{ENVIRONMENT_HELP}"


def batch_options(function: F) -> F:
    """What every writing command takes, after its own arguments (then where to connect)."""
    function = connection_options(function)
    for option in reversed(
        [
            click.option("--reason", default="", help="reason or ticket, kept in the journal"),
            click.option("--yes", "-y", is_flag=True, help="do not ask (needed off a terminal)"),
            click.option(
                "--dry-run",
                is_flag=True,
                help="print the requests as curl lines (token as $TOKEN); send nothing",
            ),
            format_option(TABLE, JSON, JSONL),
            quiet_option,
            no_input_option,
            click.option(
                "--unlock-production",
                "unlock",
                metavar="NAME",
                help="write on a production profile: type its name (and give --yes)",
            ),
        ]
    ):
        function = option(function)
    return function


def execute(
    connection: Connection,
    output_format: str,
    make_request: Callable[[LaunchOptions, Session], BatchRequest],
) -> int:
    """Resolve, check the guards that need no network, then send on a session."""
    try:
        options = connection.resolve()
        session = build(options)
        try:
            request = make_request(options, session)
            problem = confirmation_refusal(options, request) or write_refusal(session, request)
            if problem is not None:
                raise problem
        except BaseException:
            session.close()  # nothing was sent; the journal was not even opened
            raise

        async def body(session: Session, guard: Interruption) -> int:
            return await send(session, guard, request)

        return run(session, body)
    except CliError as error:
        return report(error, as_json=wants_json(output_format))


def change_command(action: Action) -> click.Command:
    verb = action.value

    @click.command(
        verb,
        short_help=f"{verb} passwords or API secrets by id",
        epilog=EPILOG,
        help=(
            f"{verb.capitalize()} the items with the given ids, on the console's session, "
            "guards and audit journal. Ids come from --ids 3,4,5 or --ids-file FILE (- for "
            "stdin): one id a line, or the JSON, JSON Lines or CSV that `list` prints, or the "
            "lines `match` prints (each line's kind, matched items only). Off a "
            "terminal it needs --yes; on one it asks there, even with stdout in a pipe "
            "(--no-input: never). Every item ends with an outcome: changed, already, "
            "uncertain (already so after a lost answer: maybe this batch, maybe someone "
            "else), failed, in_doubt, not_attempted or refused."
        ),
    )
    @click.argument(
        "kind_word",
        metavar="[passwords|secrets]",
        type=click.Choice(list(KIND_WORDS)),
        required=False,
    )
    @click.option("--ids", help="comma-separated ids, e.g. 3,4,5")
    @click.option(
        "--ids-file",
        metavar="FILE",
        help="ids, JSON, JSON Lines or CSV from FILE (- stdin), or the lines `match` prints",
    )
    @batch_options
    def command(
        kind_word: str | None,
        ids: str | None,
        ids_file: str | None,
        reason: str,
        yes: bool,
        dry_run: bool,
        output_format: str | None,
        unlock: str | None,
        **values: Any,
    ) -> int:
        fmt = chosen_format(output_format)
        try:
            if ids_file == "-" and values.get("client_secret_file") == "-":
                raise CliError("--ids-file - and --client-secret-file -: not both from stdin")
            read = read_items(ids, ids_file, KIND_WORDS[kind_word] if kind_word else None)
        except CliError as error:
            return report(error, as_json=wants_json(fmt))
        if read.unmatched or read.suggestions:
            passed = []
            if read.unmatched:
                passed.append(f"{read.unmatched} unmatched findings")
            if read.suggestions:
                passed.append(f"{read.suggestions} suggestions (metadata only)")
            note(f"{' and '.join(passed)} of the match lines skipped: only matched items act")

        def request(options: LaunchOptions, session: Session) -> BatchRequest:
            return BatchRequest(
                action, read.refs, fmt, reason, yes, dry_run, unlock, findings=read.findings
            )

        return execute(Connection.take(values), fmt, request)

    return command


deactivate = change_command(Action.DEACTIVATE)
activate = change_command(Action.ACTIVATE)


def made_on_option(function: F) -> F:
    return click.option(
        "--made-on",
        metavar="URL",
        help=(
            "for a batch recorded before batches kept their server: the server it was "
            "made on (must be this session's)"
        ),
    )(function)


def made_on_target(url: str | None) -> Target | None:
    if url is None:
        return None
    try:
        return Target.of_url(url)
    except ValueError as exc:
        raise CliError(f"--made-on: {exc}") from None


def find_batch(session: Session, batch_id: str) -> BatchRecord:
    """``batch_id`` from the session's journal, or a one-line error that says where
    it is when it is in the other journal (the demo's, or the real one)."""
    try:
        batches = session.past_batches()
    except OSError as exc:
        raise CliError(f"cannot read the audit journal: {exc.strerror or exc}") from None
    batch = next((b for b in batches if b.batch_id == batch_id), None)
    if batch is not None:
        return batch
    where = session.journal_path() or "(no journal)"
    other = audit_path(demo=not session.demo)
    with contextlib.suppress(OSError):
        if any(b.batch_id == batch_id for b in load_batches(other)):
            hint = "a demo batch: use --demo" if not session.demo else "not a demo batch"
            raise refused(
                f"no batch {batch_id!r} in the audit journal {where}: it is {hint} "
                f"(journal {other}); nothing was sent"
            )
    raise CliError(f"no batch {batch_id!r} in the audit journal {where}")


def following(
    plan: BatchPlan,
    fmt: str,
    reason: str,
    yes: bool,
    dry_run: bool,
    unlock: str | None,
    extra: dict[str, Any],
) -> BatchRequest:
    """The request that sends the core's follow-up ``plan`` (names from the journal)."""
    return BatchRequest(
        plan.action,
        list(plan.refs),
        fmt,
        reason,
        yes,
        dry_run,
        unlock,
        follows=plan,
        look_up=False,
        extra=extra,
    )


def follow_up(batch: BatchRecord, made_on: str | None, plan_of: PlanOf) -> BatchPlan:
    """The core's plan for an undo or resume of ``batch``, or its refusal as exit 2."""
    try:
        return plan_of(batch, made_on=made_on_target(made_on))
    except Refused as exc:
        unnamed = batch.target is None and made_on is None
        raise refusal_error(
            exc.refusal, hint="Name it with --made-on URL." if unnamed else ""
        ) from None


@click.command(
    "undo",
    short_help="reverse what a batch changed, from the audit journal",
    epilog=EPILOG,
    help=(
        "Reactivate (or deactivate again) exactly what batch BATCH_ID changed, or sent "
        "without an answer (in doubt), as the journal tells it; console batches too. Items "
        "it found already so after a lost answer (uncertain: maybe this batch did it, maybe "
        "someone else) are left out and listed on stderr unless --include-uncertain. Only "
        "on the server (and tenant and access key) the batch was made on; anywhere else it "
        "is refused. The same guards as deactivate apply."
    ),
)
@click.argument("batch_id")
@click.option(
    "--include-uncertain",
    is_flag=True,
    help="send the uncertain items too (found already so after a lost answer)",
)
@made_on_option
@batch_options
def undo(
    batch_id: str,
    include_uncertain: bool,
    made_on: str | None,
    reason: str,
    yes: bool,
    dry_run: bool,
    output_format: str | None,
    unlock: str | None,
    **values: Any,
) -> int:
    fmt = chosen_format(output_format)

    def request(options: LaunchOptions, session: Session) -> BatchRequest:
        batch = find_batch(session, batch_id)
        plan = follow_up(batch, made_on, session.reverse_plan)
        if batch.undone_by:
            warn(
                f"batch {batch_id} was already undone by {', '.join(batch.undone_by)}; "
                "sending again (activate and deactivate are idempotent)"
            )
        left_out: list[ItemRef] = []
        if include_uncertain:
            plan = plan.including_uncertain()
        elif plan.uncertain:
            left_out = list(plan.uncertain)
            warn(
                f"left out: {plural(len(left_out))} uncertain (found already so after a lost "
                "answer: an attempt of the batch may have done it, or someone else): "
                f"{', '.join(r.identifier for r in left_out)}; pass --include-uncertain to "
                "send them too"
            )
        extra: dict[str, Any] = {"undoes": batch_id}
        if left_out:
            extra["left_out_uncertain"] = [
                {"kind": r.kind.value, "identifier": r.identifier, "name": r.name} for r in left_out
            ]
        return following(plan, fmt, reason, yes, dry_run, unlock, extra)

    return execute(Connection.take(values), fmt, request)


@click.command(
    "resume",
    short_help="send what an interrupted batch left, from the audit journal",
    epilog=EPILOG,
    help=(
        "Finish batch BATCH_ID, interrupted by a stop, a signal, a crash or a kill: the "
        "items it never sent, and those it sent without an answer (their idempotent "
        "answer now settles them). Only on the server (and tenant and access key) the "
        "batch was made on, and by one process at a time. The same guards as deactivate "
        "apply."
    ),
)
@click.argument("batch_id")
@made_on_option
@batch_options
def resume(
    batch_id: str,
    made_on: str | None,
    reason: str,
    yes: bool,
    dry_run: bool,
    output_format: str | None,
    unlock: str | None,
    **values: Any,
) -> int:
    fmt = chosen_format(output_format)

    def request(options: LaunchOptions, session: Session) -> BatchRequest:
        batch = find_batch(session, batch_id)
        plan = follow_up(batch, made_on, session.resume_plan)
        return following(plan, fmt, reason, yes, dry_run, unlock, {"resumes": batch_id})

    return execute(Connection.take(values), fmt, request)
