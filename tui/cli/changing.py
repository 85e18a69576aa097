"""``deactivate``, ``activate`` and ``undo``: batches from the command line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from tui.api import Action, ItemRef
from tui.cli.batches import BatchRequest, confirmation_refusal, send, write_refusal
from tui.cli.errors import EXIT_CODES_HELP, CliError, refused, report, warn
from tui.cli.ids import KIND_WORDS, read_ids
from tui.cli.options import (
    ENVIRONMENT_HELP,
    JSON,
    JSONL,
    TABLE,
    Connection,
    chosen_format,
    connection_options,
    format_option,
    wants_json,
)
from tui.cli.running import Interruption, build, run
from tui.launch import LaunchOptions
from tui.ops import Session
from tui.ops.wording import plural

F = TypeVar("F", bound=Callable[..., Any])

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
            "stdin): one id a line, or the JSON or JSON Lines that `list` prints. Off a "
            "terminal it needs --yes. Every item ends with an outcome: changed, already, "
            "uncertain (already so after a lost answer: maybe this batch, maybe someone "
            "else), failed, in_doubt, not_attempted or refused."
        ),
    )
    @click.argument("kind_word", metavar="passwords|secrets", type=click.Choice(list(KIND_WORDS)))
    @click.option("--ids", help="comma-separated ids, e.g. 3,4,5")
    @click.option("--ids-file", metavar="FILE", help="ids, JSON or JSON Lines from FILE (- stdin)")
    @batch_options
    def command(
        kind_word: str,
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
            refs = read_ids(ids, ids_file, KIND_WORDS[kind_word])
        except CliError as error:
            return report(error, as_json=wants_json(fmt))

        def request(options: LaunchOptions, session: Session) -> BatchRequest:
            return BatchRequest(action, refs, fmt, reason, yes, dry_run, unlock)

        return execute(Connection.take(values), fmt, request)

    return command


deactivate = change_command(Action.DEACTIVATE)
activate = change_command(Action.ACTIVATE)


@click.command(
    "undo",
    short_help="reverse what a batch changed, from the audit journal",
    epilog=EPILOG,
    help=(
        "Reactivate (or deactivate again) exactly what batch BATCH_ID changed, or sent "
        "without an answer (in doubt), as the journal tells it; console batches too. Items "
        "it found already so after a lost answer (uncertain: maybe this batch did it, maybe "
        "someone else) are left out and listed on stderr unless --include-uncertain. Give "
        "the profile the batch was made on. The same guards as deactivate apply."
    ),
)
@click.argument("batch_id")
@click.option(
    "--include-uncertain",
    is_flag=True,
    help="send the uncertain items too (found already so after a lost answer)",
)
@batch_options
def undo(
    batch_id: str,
    include_uncertain: bool,
    reason: str,
    yes: bool,
    dry_run: bool,
    output_format: str | None,
    unlock: str | None,
    **values: Any,
) -> int:
    fmt = chosen_format(output_format)

    def request(options: LaunchOptions, session: Session) -> BatchRequest:
        try:
            batches = session.past_batches()
        except OSError as exc:
            raise CliError(f"cannot read the audit journal: {exc.strerror or exc}") from None
        batch = next((b for b in batches if b.batch_id == batch_id), None)
        if batch is None:
            where = session.journal_path() or "(no journal)"
            raise CliError(f"no batch {batch_id!r} in the audit journal {where}")
        profile = session.profile.name
        if batch.profile and batch.profile != profile:
            hint = "--demo" if batch.profile == "demo" else f"--profile {batch.profile}"
            raise refused(
                f"batch {batch_id} was made on profile {batch.profile!r}, not {profile!r}: "
                f"undo it with {hint}; nothing was sent"
            )
        if batch.undone_by:
            warn(
                f"batch {batch_id} was already undone by {', '.join(batch.undone_by)}; "
                "sending again (activate and deactivate are idempotent)"
            )
        plan = session.reverse_plan(batch)
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
        refs: list[ItemRef] = list(plan.refs)
        extra: dict[str, Any] = {"undoes": batch_id}
        if left_out:
            extra["left_out_uncertain"] = [
                {"kind": r.kind.value, "identifier": r.identifier, "name": r.name} for r in left_out
            ]
        return BatchRequest(
            plan.action,
            refs,
            fmt,
            reason,
            yes,
            dry_run,
            unlock,
            undoes=batch_id,
            look_up=False,
            extra=extra,
        )

    return execute(Connection.take(values), fmt, request)
