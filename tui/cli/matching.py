"""``match``: a scanner's report in, the vault items that hold the leaked values out.

One line per finding and matched item, one per unmatched finding (``identifier``
null), and with ``--suggest`` one per item that only shares metadata. Each line
carries the finding's reference (where, which rule; never a value) so that
``match ... | deactivate --ids-file - --yes`` switches off exactly the matched
items and journals which findings each one answered.

Matching by value fetches each candidate's stored value, an audited "view" in
MySafe: the number of fetches is said and confirmed first (``--yes`` off a
terminal), and the values are compared in memory and dropped.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import click

from tui.cli.errors import EXIT_CODES_HELP, CliError, ExitCode, note, report, warn
from tui.cli.options import (
    ENVIRONMENT_HELP,
    JSON,
    JSONL,
    TABLE,
    Connection,
    connection_options,
    format_option,
    interactive,
    no_input_option,
    quiet_option,
    wants_json,
)
from tui.cli.output import write_json_array, write_json_lines, write_table
from tui.cli.running import Interruption, build, run
from tui.ops import Session
from tui.ops.leaks import (
    FindingResult,
    ItemMatch,
    MatchResult,
    ReportError,
    list_candidates,
    match_findings,
    match_without_fetching,
    plan_matching,
    read_reports,
)
from tui.ops.leaks.findings import Finding
from tui.ops.leaks.sample import sample_report


def finding_line(finding: Finding, match: ItemMatch | None) -> dict[str, Any]:
    """One output line: the finding's reference, and the item (or nulls)."""
    reference = finding.reference()
    return {
        "finding": finding.fingerprint,
        "source": finding.source,
        "format": finding.format.value,
        "rule": finding.rule,
        "location": finding.location.describe(),
        "kind": match.ref.kind.value if match else None,
        "identifier": match.ref.identifier if match else None,
        "name": match.ref.name if match else None,
        "how": match.how.value if match else None,
        "marked": match.marked if match else False,
        **{key: reference[key] for key in ("path", "line", "repository", "commit", "alert")},
        "verified": finding.verified,
    }


def lines_of(result: MatchResult, suggest: bool) -> Iterator[dict[str, Any]]:
    for found in result.results:
        yield from _lines(found, suggest)


def _lines(found: FindingResult, suggest: bool) -> Iterator[dict[str, Any]]:
    for match in found.matches:
        yield finding_line(found.finding, match)
    if suggest:
        for match in found.suggestions:
            yield {**finding_line(found.finding, match), "score": round(match.score, 2)}
    if not found.matches:
        yield finding_line(found.finding, None)


def _confirm_fetches(count: int, yes: bool, guard: Interruption) -> None:
    question = (
        f"Fetch {count} stored values to compare them with the leaked ones? Each fetch is "
        "an audited view in MySafe"
    )
    if yes:
        return
    if not interactive():
        raise CliError(
            f"matching by value fetches {count} stored values (each an audited view in "
            "MySafe): pass --yes to fetch them without a prompt; nothing was fetched"
        )
    guard.confirm(question, nothing="nothing was fetched")


@click.command(
    "match",
    short_help="match a leak report's findings to vault items",
    epilog=f"{EXIT_CODES_HELP}\n\n{ENVIRONMENT_HELP}",
    help=(
        "Read secret-scanner reports (gitleaks JSON or SARIF, trufflehog JSON lines, GitHub "
        "secret-scanning alerts, a detect-secrets baseline, a list of ids; - for stdin) and "
        "print the vault items that hold the leaked values: one line per finding and item, "
        "one per unmatched finding with a null identifier. --verify-values compares stored "
        "values (each fetch an audited view in MySafe, confirmed first); without it only "
        "ids match. Pipe JSON Lines to `deactivate --ids-file - --yes` to switch the "
        "matched items off."
    ),
)
@click.argument("reports", nargs=-1, metavar="REPORT...")
@click.option(
    "--verify-values",
    is_flag=True,
    help="fetch candidates' stored values and compare them with the leaked ones",
)
@click.option("--suggest", is_flag=True, help="also print items sharing metadata (never matched)")
@click.option(
    "--sample",
    is_flag=True,
    help="with --demo: a sample report made of the demo's own data, instead of REPORT",
)
@click.option("--yes", "-y", is_flag=True, help="fetch without asking (needed off a terminal)")
@format_option(JSONL, JSON, TABLE)
@quiet_option
@no_input_option
@connection_options
def match_command(
    reports: tuple[str, ...],
    verify_values: bool,
    suggest: bool,
    sample: bool,
    yes: bool,
    output_format: str | None,
    **values: Any,
) -> int:
    # One line per finding is the contract in a pipe; a table on a terminal.
    fmt = output_format or (TABLE if sys.stdout.isatty() else JSONL)
    results: list[MatchResult] = []
    try:
        connection = Connection.take(values)
        if sample and not connection.demo:
            raise CliError("--sample is the demo's report: add --demo")
        if sample == bool(reports):
            raise CliError("give the reports to read, or --sample with --demo (not both)")
        try:
            read = None if sample else read_reports(list(reports), stdin=sys.stdin.buffer)
        except ReportError as exc:
            raise CliError(str(exc)) from None
        session = build(connection.resolve())

        async def body(session: Session, guard: Interruption) -> int:
            await session.client.authenticate()
            items = await list_candidates(session.client)
            found = read or await sample_report(session.client, items)
            plan = plan_matching(found.findings, items, verify_values=verify_values)
            if plan.fetch_count:
                _confirm_fetches(plan.fetch_count, yes, guard)
                results.append(await match_findings(session.client, plan, suggest=suggest))
            else:
                results.append(match_without_fetching(plan, suggest=suggest))
            return ExitCode.OK

        code = run(session, body)
    except CliError as error:
        return report(error, as_json=wants_json(fmt))
    result = results[0]
    lines = list(lines_of(result, suggest))
    if fmt == JSON:
        write_json_array(sys.stdout, lines)
    elif fmt == JSONL:
        write_json_lines(sys.stdout, lines)
    else:
        rows = [
            (
                line["rule"],
                line["location"],
                line["kind"] or "",
                line["identifier"] or "unmatched",
                line["name"] or "",
                line["how"] or "",
            )
            for line in lines
        ]
        write_table(sys.stdout, ("rule", "location", "kind", "id", "name", "how"), rows, flex=1)
    sys.stdout.flush()
    items = {ref.key for ref in result.marked_refs()}
    said = (
        f"{len(result.results)} findings: {len(result.matched)} matched ({len(items)} items), "
        f"{len(result.unmatched)} unmatched; {result.fetches_done} stored values fetched"
        + (f", {len(result.failures)} could not be" if result.failures else "")
    )
    note(said)
    for failure in result.failures[:5]:
        warn(f"{failure.ref.kind.noun} {failure.ref.identifier}: {failure.message}")
    return code
