"""``audit``: the journal's batches and their items, as the console exports them.

JSON is one array of batches and JSONL one batch a line, each with ``items``: the
rows of the console's export (``tui.ops.export.FIELDS``). CSV is those rows, flat,
exactly as the console's export writes them. Reading the journal needs no server.

``--verify`` checks the journal's chain (:mod:`tui.ops.chain`) and prints the
verdict: the head when it holds, else where it breaks and what is wrong there
(exit 5); ``--head HASH`` proves the journal still holds that record and every
record before it.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from tui.api import Action, Result
from tui.cli.errors import PROG, CliError, ExitCode, exit_codes_help, quiet, report, warn
from tui.cli.options import (
    CSV,
    JSON,
    JSONL,
    TABLE,
    chosen_format,
    format_option,
    quiet_option,
    wants_json,
)
from tui.cli.output import dumps, write_json_array, write_json_lines, write_table
from tui.ops import BatchRecord, read_records
from tui.ops.chain import Verdict, batch_heads, verify
from tui.ops.export import csv_text, rows_by_batch
from tui.ops.outcomes import result_words
from tui.ops.receipts import BatchStory, receipt_markdown
from tui.ops.records import read_journal
from tui.ops.target import Target, describe
from tui.settings.paths import audit_path

#: The incident receipt of one batch (``--batch ID --format markdown``).
MARKDOWN = "markdown"


def unreadable(journal: Path, exc: OSError) -> CliError:
    """The one line for a journal that cannot be read (exit code: failed)."""
    return CliError(
        f"cannot read the audit journal {journal}: {exc.strerror or exc}",
        exit_code=ExitCode.FAILED,
        kind="journal",
    )


def parse_since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CliError(
            f"--since {text!r} is not an ISO date or time, e.g. 2026-11-22 or 2026-11-22T03:00"
        ) from None
    # The journal's times are UTC; a time without a zone is taken as UTC too.
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _started(batch: BatchRecord) -> datetime | None:
    try:
        when = datetime.fromisoformat(batch.time)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def rows_and_hosts(journal: Path) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str]]:
    """Every outcome row, per batch, and each batch's host."""
    records = list(read_records(journal))
    hosts = {
        str(r.get("batch_id")): str(r.get("host") or "")
        for r in records
        if r.get("phase") == "batch"
    }
    return rows_by_batch(records), hosts


def resume_command(batch: BatchRecord, demo: bool) -> str | None:
    """How to finish ``batch``, when it was left interrupted, stopped or unsettled."""
    if not batch.resumable:
        return None
    words = [PROG, "resume", batch.batch_id]
    if demo:
        words.append("--demo")
    elif batch.target is None:
        words += ["--made-on", "URL"]
    return " ".join(words)


def outcome_counts(items: list[dict[str, Any]]) -> dict[str, int]:
    """{outcome: count}, in the order of :class:`Result`, as ``deactivate`` prints it."""
    counts = Counter(str(item["outcome"]) for item in items)
    return {result.value: counts[result.value] for result in Result if counts[result.value]}


def batch_entry(
    batch: BatchRecord, host: str, items: list[dict[str, Any]], demo: bool = False
) -> dict[str, Any]:
    resume = resume_command(batch, demo)
    return {
        "batch_id": batch.batch_id,
        "time": batch.time,
        "operator": batch.operator,
        "profile": batch.profile,
        "host": host,
        "target": batch.target.as_record() if batch.target else None,
        "action": batch.action.value,
        "reason": batch.reason,
        "undoes": batch.undoes,
        "resumes": batch.resumes,
        "undone_by": batch.undone_by,
        "state": batch.state,
        # As deactivate prints it: counts of outcomes; the words are the message.
        "summary": outcome_counts(items),
        "message": batch.summary,
        "total": batch.total,
        "resumable": resume is not None,
        "resume": resume,
        "items": items,
    }


def select(
    batches: list[BatchRecord],
    batch_id: str | None,
    since: datetime | None,
    profile: str | None,
    journal: Path,
) -> list[BatchRecord]:
    chosen = batches
    if batch_id is not None:
        chosen = [batch for batch in chosen if batch.batch_id == batch_id]
        if not chosen:
            raise CliError(f"no batch {batch_id!r} in the audit journal {journal}")
    if profile is not None:
        chosen = [batch for batch in chosen if batch.profile == profile]
    if since is not None:
        chosen = [b for b in chosen if (started := _started(b)) is not None and started >= since]
    return chosen


def write_people(entries: list[dict[str, Any]], with_items: bool) -> None:
    rows = []
    for entry in entries:
        what = f"{entry['action']} {entry['total']}"
        if entry["undoes"]:
            what += f" (undo of {entry['undoes']})"
        when = str(entry["time"])[:16].replace("T", " ")
        end = f"{entry['state'] or 'no end on record'}: {entry['message']}".rstrip(": ")
        who = f"{entry['operator']}@{entry['profile']}"
        target = Target.from_record(entry["target"])
        server = target.url if target else "unknown"
        rows.append((when, entry["batch_id"], who, server, what, end, entry["reason"]))
    columns = ("time (utc)", "batch", "who", "server", "what", "end", "reason")
    write_table(sys.stdout, columns, rows, flex=5)
    for entry in entries if not quiet() else ():
        if entry["resume"]:
            sys.stdout.write(
                f"batch {entry['batch_id']} was left {entry['state'] or 'open'} with items "
                f"unsent or in doubt: {entry['resume']}\n"
            )
    if with_items:
        for entry in entries:
            target = Target.from_record(entry["target"])
            sys.stdout.write(f"\nbatch {entry['batch_id']} made on {describe(target)}\n")
            action = Action(entry["action"])
            items = [
                (
                    row["identifier"],
                    row["name"],
                    result_words(action, Result(row["outcome"])),
                    row["message"],
                )
                for row in entry["items"]
            ]
            if items:
                write_table(sys.stdout, ("id", "name", "outcome", "message"), items, flex=3)


@click.command(
    "audit",
    short_help="batches in the audit journal, and their items",
    epilog=exit_codes_help(
        ExitCode.OK,
        ExitCode.FAILED,
        ExitCode.USAGE,
        ExitCode.CHAIN_BROKEN,
        words={
            ExitCode.OK: "the journal was read (no batch on record too); --verify: the chain "
            "holds (and the --head given is proven)",
            ExitCode.FAILED: "the audit journal could not be read",
            ExitCode.USAGE: "bad usage, or no such batch",
            ExitCode.CHAIN_BROKEN: "--verify: the chain is broken (stdout says at which line "
            "and what is wrong), or the --head given is not proven",
        },
    ),
    help=(
        "The batches in the audit journal (console and command line alike), oldest first, "
        "with what became of each item. JSON and JSON Lines give batches with their items; "
        "CSV gives the items, as the console's export does. Each item's outcome is the "
        "machine value deactivate prints (changed, already, uncertain, failed, in_doubt, "
        "not_attempted, refused); a batch left interrupted, stopped or unsettled says how "
        "to resume it. With --batch ID, --format markdown writes the batch's incident "
        "receipt: the vault, who, when, why, each leak report finding and what became of "
        "its items, the journal's head at its end, and where to verify. --verify checks the "
        "journal's chain (every record names the one before it by its hash): it prints the "
        "head (seq and hash of the last record) when the chain holds, else the line where it "
        "breaks and what is wrong there (edited, missing, reordered, inserted, truncated). "
        "--head HASH (the head printed at a batch's end, kept in the ticket) proves the journal "
        "still holds that record and every record before it unchanged."
    ),
)
@click.option("--batch", "batch_id", metavar="ID", help="only this batch")
@click.option("--since", metavar="ISO", help="only batches started at or after (UTC if no zone)")
@click.option("--profile", help="only batches made on this profile")
@click.option("--demo", is_flag=True, help="the demo's journal (batches made on the simulator)")
@click.option("--verify", is_flag=True, help="check the journal's chain; print its head or break")
@click.option(
    "--head",
    "head",
    metavar="HASH",
    help="with --verify: prove the journal still holds the record of this hash (implies --verify)",
)
@format_option(TABLE, JSON, JSONL, CSV, MARKDOWN)
@quiet_option
def audit(
    batch_id: str | None,
    since: str | None,
    profile: str | None,
    demo: bool,
    verify: bool,
    head: str | None,
    output_format: str | None,
) -> int:
    fmt = chosen_format(output_format)
    journal = audit_path(demo=demo)
    if verify or head is not None:
        return verify_command(journal, head, fmt, filtered=(batch_id, since, profile))
    try:
        if fmt == MARKDOWN and batch_id is None:
            raise CliError("--format markdown is the receipt of one batch: give --batch ID")
        since_time = parse_since(since)
        try:
            reading = read_journal(journal)
            rows, hosts = rows_and_hosts(journal)
        except OSError as exc:
            raise unreadable(journal, exc) from None
        chosen = select(reading.batches, batch_id, since_time, profile, journal)
    except CliError as error:
        return report(error, as_json=wants_json(fmt))
    if reading.skipped:
        # Told, never fatal: the batches that could be read are printed all the same.
        warn(reading.report.message(journal))
    entries = [
        batch_entry(b, hosts.get(b.batch_id, ""), rows.get(b.batch_id, []), demo) for b in chosen
    ]
    if fmt == MARKDOWN:
        story = BatchStory.from_records(read_records(journal), chosen[0].batch_id)
        if story is not None:
            end = batch_heads(journal).get(story.batch_id)
            sys.stdout.write(receipt_markdown(story, journal=str(journal), head=end))
    elif fmt == JSON:
        write_json_array(sys.stdout, entries)
    elif fmt == JSONL:
        write_json_lines(sys.stdout, entries)
    elif fmt == CSV:
        sys.stdout.write(csv_text([row for entry in entries for row in entry["items"]]))
    else:
        write_people(entries, with_items=batch_id is not None)
    sys.stdout.flush()
    return ExitCode.OK


_HASH = re.compile(r"(?:sha256:)?([0-9a-fA-F]{64})")


def verify_command(
    journal: Path, head: str | None, fmt: str, filtered: tuple[str | None, ...]
) -> int:
    """``audit --verify [--head HASH]``: the verdict on stdout, exit 0 or 5."""
    try:
        if any(value is not None for value in filtered):
            raise CliError(
                "--verify checks the whole journal: leave --batch, --since and --profile out"
            )
        if fmt in (CSV, MARKDOWN):
            raise CliError(f"--verify prints table, json or jsonl, not {fmt}")
        wanted = None
        if head is not None:
            match = _HASH.fullmatch(head.strip())
            if match is None:
                raise CliError(f"--head {head!r} is not a SHA-256 hash (64 hexadecimal digits)")
            wanted = match.group(1).lower()
        try:
            verdict = verify(journal, wanted)
        except OSError as exc:
            raise unreadable(journal, exc) from None
    except CliError as error:
        return report(error, as_json=wants_json(fmt))
    if wants_json(fmt):
        sys.stdout.write(dumps(verdict_object(verdict)) + "\n")
    else:
        sys.stdout.writelines(line + "\n" for line in verdict.lines())
    sys.stdout.flush()
    if verdict.holds:
        return ExitCode.OK
    where = (
        f"broken at line {verdict.broken.line} ({verdict.broken.kind})"
        if verdict.broken is not None
        else f"holds, but head {wanted} is not proven"
    )
    return report(
        CliError(
            f"the audit journal {journal}: its chain is {where}",
            exit_code=ExitCode.CHAIN_BROKEN,
            kind="chain",
        ),
        as_json=wants_json(fmt),
    )


def verdict_object(verdict: Verdict) -> dict[str, Any]:
    """The verdict for scripts (``--format json``)."""
    broken = verdict.broken
    return {
        "journal": str(verdict.path),
        "holds": verdict.holds,
        "head": verdict.head.as_record() if verdict.head else None,
        "head_line": verdict.head_line,
        "records": verdict.chained,
        "pre_chain": verdict.pre_chain,
        "broken": (
            {"line": broken.line, "kind": broken.kind, "detail": broken.detail} if broken else None
        ),
        "unreadable_lines": verdict.unreadable,
        "wanted": verdict.wanted,
        "proven": verdict.proven is not None if verdict.wanted is not None else None,
        "proven_line": verdict.proven_line,
    }
