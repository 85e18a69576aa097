"""``list``: the items the access key can see, as data (JSON, JSON Lines, CSV) or a table."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click

from tui.api import ItemList, ItemSummary, Kind
from tui.cli.errors import CliError, ExitCode, exit_codes_help, report, warn
from tui.cli.ids import KIND_WORDS
from tui.cli.options import (
    CSV,
    ENVIRONMENT_HELP,
    JSON,
    JSONL,
    TABLE,
    Connection,
    chosen_format,
    connection_options,
    format_option,
    quiet_option,
    wants_json,
)
from tui.cli.output import (
    parse_fields,
    write_csv,
    write_json_array,
    write_json_lines,
    write_table,
)
from tui.cli.running import Interruption, build, run
from tui.ops import Session
from tui.ops.export import item_object
from tui.ops.filtering import ATTRIBUTES, SYNTAX, fields_named, matching, parse

#: What a table shows unless --fields says otherwise (the console's columns).
TABLE_FIELDS = {
    Kind.PASSWORD: ("identifier", "name", "username", "url", "tags", "can_write"),
    Kind.API_SECRET: ("identifier", "name", "can_write", "need_justify", "need_approval"),
}


def server_filters(kind: Kind, given: dict[str, str | None]) -> dict[str, str]:
    """The API's own filters for ``kind``; one it does not offer is a usage error."""
    wanted = {key: value for key, value in given.items() if value is not None}
    for key, value in wanted.items():
        flag = "--item-url" if key == "url" else "--" + key.replace("_", "-")
        if key not in kind.filters:
            offered = ", ".join(
                "--item-url" if f == "url" else "--" + f.replace("_", "-") for f in kind.filters
            )
            raise CliError(
                f"{kind.noun} lists cannot be filtered by {flag} (the API offers {offered}); "
                "--match filters any field here"
            )
        if not value.strip():
            raise CliError(f"{flag} is empty; give a value or leave the flag out")
    return {key: value.strip() for key, value in wanted.items() if value is not None}


def table_fields(kind: Kind, match: str | None) -> tuple[str, ...]:
    """The table's fields: the console's columns, and after the name each field beyond
    them that ``--match`` looks in (``tag:``, ``code:``...), so a match shows why."""
    shown = TABLE_FIELDS[kind]
    reached = [ATTRIBUTES[field] for field in fields_named(parse(match or ""))]
    extra = [name for name in reached if name not in shown]
    if not extra:
        return shown
    at = shown.index("name") + 1
    return (*shown[:at], *extra, *shown[at:])


def write_items(
    output_format: str,
    kind: Kind,
    items: Sequence[ItemSummary],
    fields: Sequence[str] | None,
    match: str | None = None,
) -> None:
    out = sys.stdout
    if output_format == TABLE:
        shown = fields or table_fields(kind, match)
        rows = [list(item_object(item, shown).values()) for item in items]
        write_table(out, shown, rows, flex=shown.index("name") if "name" in shown else 0)
        return
    chosen = fields or parse_fields(None)
    objects = (item_object(item, chosen) for item in items)
    if output_format == JSON:
        write_json_array(out, objects)
    elif output_format == JSONL:
        write_json_lines(out, objects)
    else:
        write_csv(out, chosen, (list(obj.values()) for obj in objects))
    out.flush()


@click.command(
    "list",
    short_help="list passwords or API secrets",
    epilog=exit_codes_help(
        ExitCode.OK,
        ExitCode.FAILED,
        ExitCode.USAGE,
        ExitCode.CONNECTION,
        ExitCode.AUTHENTICATION,
        ExitCode.INTERRUPTED,
        words={
            ExitCode.OK: "the items were listed (none is fine too)",
            ExitCode.FAILED: "the server answered the list with an error",
            ExitCode.USAGE: "bad usage or configuration",
            ExitCode.INTERRUPTED: "interrupted by a signal",
        },
    )
    + f"\n\n{ENVIRONMENT_HELP}",
    help=(
        "List the passwords or API secrets the access key can see. JSON is one array, "
        "JSON Lines one object a line, CSV a header line and spreadsheet-safe cells; each "
        "item carries kind, identifier, name, username, url, tags, identifier_code, "
        "can_view, can_write, need_justify and need_approval. Inactive items are not "
        "listed (the server leaves them out).\n\n"
        "--match QUERY filters here, in the console's filter language (its / key):\n\n"
        "\b\n"
        + "\n".join(f"  {form:<15} {meaning}" for form, meaning in SYNTAX)
        + "\n\nThe table adds the fields a prefix looks in (tag:, code:...) when it does "
        "not show them; JSON, JSON Lines and CSV are the same with or without --match."
    ),
)
@click.argument("kind_word", metavar="passwords|secrets", type=click.Choice(list(KIND_WORDS)))
@click.option("--tag", help="server-side filter: tag")
@click.option("--name", help="server-side filter: name (passwords)")
@click.option("--username", help="server-side filter: username (passwords)")
@click.option("--item-url", help="server-side filter: the item's url (passwords)")
@click.option("--identifier-code", help="server-side filter: identifier code (secrets)")
@click.option(
    "--match",
    metavar="QUERY",
    help="only the items QUERY keeps, in the console's filter language (below)",
)
@format_option(TABLE, JSON, JSONL, CSV)
@click.option("--fields", metavar="F1,F2", help="only these fields, in this order")
@quiet_option
@connection_options
def list_command(
    kind_word: str,
    tag: str | None,
    name: str | None,
    username: str | None,
    item_url: str | None,
    identifier_code: str | None,
    match: str | None,
    output_format: str | None,
    fields: str | None,
    **values: Any,
) -> int:
    fmt = chosen_format(output_format)
    kind = KIND_WORDS[kind_word]
    found: list[ItemList] = []
    try:
        chosen = parse_fields(fields) if fields is not None else None
        given = {
            "tag": tag,
            "name": name,
            "username": username,
            "url": item_url,
            "identifier_code": identifier_code,
        }
        filters = server_filters(kind, given)
        session = build(Connection.take(values).resolve())

        async def body(session: Session, guard: Interruption) -> int:
            found.append(await session.client.list_items(kind, **filters))
            return ExitCode.OK

        code = run(session, body)
    except CliError as error:
        return report(error, as_json=wants_json(fmt))
    listed = found[0]
    # Written after the client is closed: a reader that stops early (| head) costs nothing.
    write_items(fmt, kind, matching(listed.items, match), chosen, match)
    if listed.skipped:
        warn(f"{listed.skipped} entries of the list were too malformed to show")
    return code
