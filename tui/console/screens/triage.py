"""The findings view: a leak report's findings matched to the vault's items.

Each finding (rule, where it was found, the scanner's verdict) with the items that
hold its value and how they matched; items matched by value (or hash, client id,
id) are marked, metadata suggestions are shown but never marked; the findings no
item matched are listed apart. ``d`` hands the marked items and their findings
to the main screen, which plans and confirms the batch as for any other, with the
reason proposed from the findings.

The report's text and the items' names reach the screen literally (made safe
where they entered); nothing of a leaked or stored value is ever here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from tui.api import ItemRef, ItemSummary, MySafeClient, MySafeError
from tui.console.widgets import FittedColumn, FittedTable, KeyFooter
from tui.ops.leaks import (
    FindingResult,
    ItemMatch,
    MatchPlan,
    MatchResult,
    Reports,
    batch_findings,
    match_findings,
    match_without_fetching,
    plan_matching,
    proposed_reason,
)
from tui.ops.leaks.findings import Finding

MARK = "✓"

_FINDINGS_COLUMNS = (
    # The mark's column keeps its width when nothing is marked: no shift on space.
    FittedColumn("", least=Text(MARK).cell_len),
    FittedColumn("Finding"),
    FittedColumn("Where"),
    FittedColumn("Scanner"),
    FittedColumn("Item"),
    FittedColumn("Name"),
    FittedColumn("How"),
)
_UNMATCHED_COLUMNS = (
    FittedColumn("Finding"),
    FittedColumn("Where"),
    FittedColumn("Scanner"),
    FittedColumn("Report"),
)


@dataclass(frozen=True, slots=True)
class TriageDecision:
    """What the operator chose to switch off, and why (for the main screen)."""

    refs: tuple[ItemRef, ...]
    #: The findings' references with the chosen items each matched (the journal's).
    findings: tuple[dict[str, Any], ...]
    reason: str


@dataclass(slots=True)
class TriageState:
    """The findings view's state, plain: the result and the items marked."""

    result: MatchResult | None = None
    marked: dict[tuple[str, str], ItemRef] = field(default_factory=dict)

    def take(self, result: MatchResult) -> None:
        """A new result: its value (and id) matches marked, suggestions not."""
        self.result = result
        self.marked = {ref.key: ref for ref in result.marked_refs()}

    def toggle(self, ref: ItemRef) -> None:
        if ref.key in self.marked:
            del self.marked[ref.key]
        else:
            self.marked[ref.key] = ref

    def decision(self) -> TriageDecision | None:
        if self.result is None or not self.marked:
            return None
        chosen = list(self.marked.values())
        return TriageDecision(
            tuple(chosen),
            tuple(batch_findings(self.result, chosen)),
            proposed_reason(self.result, chosen),
        )


def _text(value: object) -> Text:
    """A cell shown as it is: no markup read in it."""
    return Text("" if value is None else str(value))


def _verdict(finding: Finding) -> str:
    """The scanner's own check of the leaked value, when it made one."""
    if finding.verified is None:
        return ""
    return "verified" if finding.verified else "unverified"


def _how(match: ItemMatch) -> str:
    if match.marked:
        return match.how.value
    return f"suggested ({', '.join(match.reasons)})" if match.reasons else "suggested"


class TriageScreen(Screen[TriageDecision | None]):
    """Dismissed with the operator's decision (``d``), or None (``esc``)."""

    BINDINGS = [
        Binding("space", "mark", "Mark", id="triage.mark", tooltip="Mark or unmark the item"),
        Binding(
            "d",
            "deactivate",
            "Deactivate",
            id="triage.deactivate",
            tooltip="Deactivate the marked items, after confirmation",
        ),
        Binding(
            "v",
            "verify",
            "Verify values",
            id="triage.verify",
            tooltip="Fetch the stored values and compare them (each fetch is audited)",
        ),
        Binding("escape", "back", "Back", id="triage.back", tooltip="Back to the tables"),
    ]

    def __init__(
        self, reports: Reports, items: Sequence[ItemSummary], client: MySafeClient
    ) -> None:
        super().__init__()
        self.reports = reports
        self.client = client
        self.items = list(items)
        self.state = TriageState()
        #: What each row of the findings table shows: a finding and one of its items.
        self._rows: list[tuple[FindingResult, ItemMatch]] = []

    def say(self, message: str, *, warning: bool = False) -> None:
        self.notify(message, severity="warning" if warning else "information", markup=False)

    def compose(self) -> ComposeResult:
        yield Static("", id="triage-summary", markup=False)
        yield FittedTable(_FINDINGS_COLUMNS, id="triage-findings")
        yield Static("", id="triage-unmatched-title", markup=False)
        yield FittedTable(_UNMATCHED_COLUMNS, id="triage-unmatched")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#triage-findings", FittedTable).focus()
        plan = plan_matching(self.reports.findings, self.items)
        self.show(match_without_fetching(plan))
        if plan.fetch_count:
            self.ask_values(plan)

    def ask_values(self, plan: MatchPlan) -> None:
        from tui.console.dialogs.leak_report import ConfirmValues

        def answered(fetch: bool | None) -> None:
            if fetch:
                self.fetch_values(plan)
            else:
                self.say("Matched by id only; v fetches the stored values to compare.")

        self.app.push_screen(ConfirmValues(plan.fetch_count, plan.value_findings), answered)

    @work(exclusive=True, group="triage", exit_on_error=False)
    async def fetch_values(self, plan: MatchPlan) -> None:
        self.query_one("#triage-summary", Static).update(
            f"Fetching {plan.fetch_count} stored values to compare…"
        )
        try:
            result = await match_findings(self.client, plan)
        except ValueError as exc:  # values dropped by an earlier run: read again
            self.say(f"Leak triage: {exc}", warning=True)
            return
        except MySafeError as exc:  # the candidates' fetches fail one by one; not this
            self.say(f"Leak triage: the values could not be compared: {exc}", warning=True)
            return
        self.show(result)
        failed = f"; {len(result.failures)} could not be fetched" if result.failures else ""
        self.say(
            f"Compared {result.fetches_done} stored values: {len(result.matched)} findings "
            f"matched, {len(result.unmatched)} not{failed}."
        )

    def show(self, result: MatchResult) -> None:
        self.state.take(result)
        self.redraw()

    def redraw(self) -> None:
        result = self.state.result
        assert result is not None
        files = ", ".join(
            f"{f.source} ({f.format.value}, {f.findings})" for f in self.reports.files
        )
        items = len({ref.key for ref in result.marked_refs()})
        self.query_one("#triage-summary", Static).update(
            f"Leak triage · {len(result.results)} findings from {files or 'no report'} · "
            f"{len(result.matched)} matched ({items} items) · {len(result.unmatched)} "
            f"unmatched · {result.fetches_done} values compared · "
            f"{len(self.state.marked)} marked"
        )
        self._rows = [
            (found, match)
            for found in result.results
            for match in (*found.matches, *found.suggestions)
        ]
        self.query_one("#triage-findings", FittedTable).set_rows(
            [
                [
                    _text(MARK if match.ref.key in self.state.marked else ""),
                    _text(found.finding.rule),
                    _text(found.finding.location.describe()),
                    _text(_verdict(found.finding)),
                    _text(f"{match.ref.kind.noun} {match.ref.identifier}"),
                    _text(match.ref.name),
                    _text(_how(match)),
                ]
                for found, match in self._rows
            ]
        )
        alone = [found for found in result.results if not found.matches]
        self.query_one("#triage-unmatched-title", Static).update(
            f"Findings no vault item matched ({len(alone)}): rotate them where they live"
        )
        self.query_one("#triage-unmatched", FittedTable).set_rows(
            [
                [
                    _text(found.finding.rule),
                    _text(found.finding.location.describe()),
                    _text(_verdict(found.finding)),
                    _text(found.finding.source),
                ]
                for found in alone
            ]
        )

    def action_mark(self) -> None:
        table = self.query_one("#triage-findings", FittedTable)
        if not self._rows or self.state.result is None:
            return
        _, match = self._rows[table.cursor_row]
        self.state.toggle(match.ref)
        self.redraw()

    def action_deactivate(self) -> None:
        decision = self.state.decision()
        if decision is None:
            self.say("Nothing marked: space marks an item.", warning=True)
            return
        self.dismiss(decision)

    def action_verify(self) -> None:
        plan = plan_matching(self.reports.findings, self.items)
        if not plan.fetch_count:
            self.say("No finding has a value to compare.")
            return
        self.ask_values(plan)

    def action_back(self) -> None:
        self.dismiss(None)
