"""The findings view (issue 20, item 3): a leak report opens matched to the vault's
items, value matches marked, unmatched findings apart; d switches the marked items
off through the usual confirmation, with the reason proposed from the findings,
and the batch's journal record keeps the findings."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from tui.console.app import MySafeApp
from tui.console.dialogs import ConfirmBatch, ConfirmValues, OpenReport
from tui.console.screens.triage import TriageScreen
from tui.ops import Journal, JournalContext, read_records
from tui.ops.export import export_batch
from tui.ops.leaks import match_findings, plan_matching
from tui.simulator import Simulator, SimulatorConfig

from support.console import idle, make_app, running, wait_until
from support.leak_reports import fetches, leaked_report, listed
from support.sims import FIXED_TIME


def journal_at(path: Path) -> Journal:
    return Journal(
        path, JournalContext("demo", "vault.example.com", "alice"),
        clock=lambda: FIXED_TIME.replace(tzinfo=UTC),
    )  # fmt: skip


def an_app(tmp_path: Path) -> tuple[Simulator, MySafeApp, list[str]]:
    sim = Simulator(SimulatorConfig(seed=3, passwords=12, api_secrets=6))
    report, leaked = leaked_report(sim, tmp_path)
    app = make_app(sim, audit=journal_at(tmp_path / "audit.jsonl"))
    app.triage_on_start = None
    return sim, app, [*leaked, str(report)]


async def triage_without_fetching(app: MySafeApp, pilot: Pilot[None], report: str) -> TriageScreen:
    """The findings view of ``report``, opened with a no to fetching the values."""
    app.main.open_triage([report])
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmValues))
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(app.screen, TriageScreen))
    screen = app.screen
    assert isinstance(screen, TriageScreen)
    return screen


async def test_a_report_opens_matched_and_d_switches_off_the_value_matches(
    tmp_path: Path,
) -> None:
    sim, app, (*leaked, report) = an_app(tmp_path)
    password = listed(sim, "password")[0]
    secret = listed(sim, "api_secret")[0]
    async with running(app) as pilot:
        await pilot.press("T")
        await wait_until(pilot, lambda: isinstance(app.screen, OpenReport))
        app.screen.query_one("#report-path", Input).value = report
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmValues))
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, TriageScreen))
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        await wait_until(
            pilot, lambda: screen.state.result is not None and bool(screen.state.marked)
        )
        assert set(screen.state.marked) == {
            ("password", password.identifier),
            ("api_secret", secret.identifier),
        }
        unmatched = screen.query_one("#triage-unmatched", DataTable)
        assert unmatched.row_count == 1
        summary = str(screen.query_one("#triage-summary", Static).render())
        assert "3 findings" in summary and "2 matched" in summary
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmBatch))
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch)
        reason = dialog.query_one("#confirm-reason", Input).value
        assert reason.startswith("leak: generic-api-key in deploy/settings.py:4")
        await pilot.press("y")
        await idle(app)
        await pilot.pause()
    assert not sim.is_active("password", password.identifier)
    assert not sim.is_active("api_secret", secret.identifier)
    [batch] = [r for r in read_records(tmp_path / "audit.jsonl") if r["phase"] == "batch"]
    assert batch["reason"] == reason
    paths = {f["path"]: f["items"] for f in batch["findings"]}
    assert paths["README.md"] == []
    assert paths["deploy/settings.py"] == [{"kind": "password", "identifier": password.identifier}]
    # The audit view's export writes the incident receipt beside the CSV and JSON.
    *_, receipt = export_batch(tmp_path / "audit.jsonl", batch["batch_id"], tmp_path / "out")
    text = receipt.read_text()
    assert "deploy/settings.py:4" in text and "## Findings no vault item matched (1)" in text
    # Every file written (the report itself aside, which holds the values as given).
    written = "".join(
        p.read_text(errors="replace")
        for p in tmp_path.rglob("*")
        if p.is_file() and str(p) != report
    )
    for value in leaked:
        assert value not in written


async def test_without_fetching_only_ids_match_and_nothing_is_marked_by_value(
    tmp_path: Path,
) -> None:
    sim, app, (*_, report) = an_app(tmp_path)
    async with running(app) as pilot:
        screen = await triage_without_fetching(app, pilot, report)
        assert screen.state.marked == {}
        assert fetches(sim) == [], "no stored value is fetched without the operator's yes"
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, TriageScreen))


async def test_the_rows_show_whole_in_the_first_frame_painted_after_they_change(
    tmp_path: Path,
) -> None:
    """A frame painted between the rows' change and DataTable's idle measure once
    kept the findings cut to their header widths ("deplo") in a real terminal: the
    widths are known when the rows are set. Painted here at once, before any idle."""
    sim, app, (*_, report) = an_app(tmp_path)
    password = listed(sim, "password")[0]
    async with running(app) as pilot:
        screen = await triage_without_fetching(app, pilot, report)
        findings = screen.query_one("#triage-findings", DataTable)
        unmatched = screen.query_one("#triage-unmatched", DataTable)
        compared = await match_findings(
            screen.client, plan_matching(screen.reports.findings, screen.items)
        )
        screen.show(compared)
        painted = [findings.render_line(y).text for y in range(findings.row_count + 1)]
        alone = [unmatched.render_line(y).text for y in range(unmatched.row_count + 1)]
        await pilot.pause()
    rows = [line for line in painted if "deploy/settings.py:4 at 4b825dc" in line]
    assert len(rows) == 1, "\n".join(painted)
    assert f"password {password.identifier}" in rows[0] and password.name in rows[0], rows[0]
    where = "README.md:1 at 4b825dc"
    assert any(where in line for line in alone)
    # Fitted to what the table shows now, not kept wide by rows since gone (before
    # the values were compared, every finding was in it): two spaces between cells.
    assert "Where" + " " * (len(where) - len("Where") + 2) + "Scanner" in alone[0]


async def test_a_broken_report_is_one_message_and_the_console_goes_on(tmp_path: Path) -> None:
    _, app, _ = an_app(tmp_path)
    broken = tmp_path / "broken.json"
    broken.write_text('[{"RuleID": ')
    async with running(app) as pilot:
        app.main.open_triage([str(broken)])
        await pilot.pause()
        assert not isinstance(app.screen, TriageScreen)
        assert any("broken.json" in entry.message for entry in app.errors)


async def test_the_demo_sample_failing_to_fetch_is_one_message_and_the_console_goes_on(
    tmp_path: Path,
) -> None:
    sim, app, _ = an_app(tmp_path)
    async with running(app) as pilot:
        # Every attempt at the sample's first fetch answers 500 (the retries included).
        sim.inject(*["500"] * 8)
        app.main.open_triage("sample")
        await wait_until(pilot, lambda: bool(app.errors))
        assert not isinstance(app.screen, TriageScreen)
        assert "sample report" in app.errors[-1].context
        await pilot.press("j")  # still running, keys still act
