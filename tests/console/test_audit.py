"""The audit trail: before and after every request, crash-tolerant, secret-free."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Button

from tui.api import Action, ItemRef, Kind
from tui.console.dialogs import ConfirmBatch
from tui.console.screens.audit_view import AuditScreen, describe
from tui.console.widgets import LogPanel
from tui.ops import Journal, JournalContext, load_batches, read_records
from tui.ops.export import csv_text, spreadsheet_cell
from tui.simulator import DEMO_CLIENT_SECRET, Simulator

from support.console import idle, make_app
from support.sims import FIXED_TIME


def trail(path: Path) -> Journal:
    return Journal(
        path,
        JournalContext("demo", "vault.example.com", "alice"),
        clock=lambda: FIXED_TIME.replace(tzinfo=UTC),
    )


async def test_every_request_is_recorded_before_and_after(sim: Simulator, tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    app = make_app(sim, audit=trail(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(app)
        await pilot.pause()
        table = app.main.table()
        keys = [k for k in table.model.visible_keys() if sim.get("password", k).can_write][:3]
        sim.get("password", keys[2]).can_write = False  # the server will refuse it: 1006
        for key in keys:
            table.model.move_cursor_to(key)
            await pilot.press("space")
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmBatch)
        await pilot.press("y")
        await idle(app)
        await pilot.pause()
    records = list(list_records(path))
    assert [r["phase"] for r in records].count("intent") == 3
    assert [r["phase"] for r in records].count("outcome") == 3
    for key in keys:
        mine = [r for r in records if r.get("identifier") == key]
        assert [r["phase"] for r in mine] == ["intent", "outcome"], "intent first, then outcome"
    refused = next(r for r in records if r.get("identifier") == keys[2] and r["phase"] == "outcome")
    assert (refused["outcome"], refused["label"]) == ("failed", "no access")
    assert refused["code"] == 1006
    assert refused["http_status"] == 400 and refused["request_id"]
    done = next(r for r in records if r.get("identifier") == keys[0] and r["phase"] == "outcome")
    assert done["message"] == "Password successfully deactivated"
    assert {r["batch_id"] for r in records} == {"b0001"}
    assert all(r["operator"] == "alice" and r["profile"] == "demo" for r in records)
    assert records[0]["time"] == "2026-11-22T03:00:00.000+00:00"
    text = path.read_text()
    for item in sim.items("password"):
        assert item.password is None or item.password not in text
    assert DEMO_CLIENT_SECRET not in text
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def list_records(path: Path) -> list[dict[str, object]]:
    return list(read_records(path))


def test_a_torn_last_line_is_tolerated_and_the_next_record_starts_a_new_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "audit.jsonl"
    audit = trail(path)
    refs = [ItemRef(Kind.PASSWORD, "7", "GitHub prod admin"), ItemRef(Kind.PASSWORD, "8", "x")]
    audit.batch_started("b1", Action.DEACTIVATE, refs, pid=2**22 + 7)
    for ref in refs:
        audit.intent(ref, Action.DEACTIVATE, "b1")
    audit.close()
    with path.open("a") as handle:
        handle.write('{"phase": "outcome", "identifier": "8", "batch')  # killed mid-write
    assert [r.get("identifier") for r in list_records(path)] == [None, "7", "8"]
    [batch] = load_batches(path)
    assert batch.unanswered == {("password", "7"), ("password", "8")}
    # The next program's first record lands on a line of its own, and reads.
    following = trail(path)
    following.batch_started("b2", Action.DEACTIVATE, refs[:1], pid=2**22 + 8)
    following.close()
    assert [b.batch_id for b in load_batches(path)] == ["b1", "b2"]


async def test_if_the_trail_cannot_be_written_nothing_is_sent(
    sim: Simulator, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the folder should be")
    app = make_app(sim, audit=trail(blocked / "audit.jsonl"))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(app)
        await pilot.pause()
        key = next(k for k in app.main.model().visible_keys() if sim.get("password", k).can_write)
        app.main.model().move_cursor_to(key)
        await pilot.press("d", "y")
        await idle(app)
        await pilot.pause()
        # Found at start: the session is read-only, and the key says why (issue 18).
        assert app.session.read_only
        assert app.main.model().status_of(key) is None
        assert any("cannot be written" in entry.message for entry in app.errors)
        lines = app.main.query_one("#log", LogPanel).all_lines()
        assert any("Deactivate refused" in line and "cannot be written" in line for line in lines)
    assert sim.is_active("password", key)
    assert not [p for m, p, _ in sim.request_log if m == "POST" and "mysafe" in p]


def test_records_are_one_json_object_per_line(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    audit = trail(path)
    audit.intent(
        ItemRef(Kind.API_SECRET, "9", 'name with "quotes"\nand a newline'), Action.ACTIVATE, "b2"
    )
    audit.close()
    lines = path.read_text().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["name"] == 'name with "quotes"\nand a newline'
    assert datetime.fromisoformat(json.loads(lines[0])["time"]).tzinfo is not None


async def test_dry_run_writes_the_exact_requests_and_sends_nothing(
    sim: Simulator, tmp_path: Path, isolated_dirs: Path
) -> None:
    path = tmp_path / "audit.jsonl"
    app = make_app(sim, audit=trail(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(app)
        await pilot.pause()
        table = app.main.table()
        keys = [k for k in table.model.visible_keys() if sim.get("password", k).can_write][:3]
        for key in keys:
            table.model.move_cursor_to(key)
            await pilot.press("space")
        await pilot.press("D")
        assert isinstance(app.screen, ConfirmBatch) and app.screen.plan.dry_run
        title = str(app.screen.query_one("#confirm-title").render())
        assert app.screen.query_one("#confirm-go", Button).variant == "default", "not red"
        await pilot.press("y")
        await pilot.pause()
        log = app.main.query_one("#log", LogPanel).all_lines()
    assert not [p for m, p, _ in sim.request_log if m == "POST" and "mysafe" in p]
    assert all(sim.is_active("password", key) for key in keys)
    [script] = (isolated_dirs / "xdg_state_home" / "mysafe-tui" / "dry-runs").glob("*.sh")
    text = script.read_text()
    for key in keys:
        line = f"curl -sS -X POST {sim.base_url}/api/mysafe/password/inactive/{key}"
        assert line in text and any(line in entry for entry in log)
    assert "Authorization: Bearer $TOKEN" in text
    # As the command line's: the token line first, its secret read from the
    # environment when the script runs, never written.
    assert "TOKEN=$(curl" in text and "$MYSAFE_CLIENT_SECRET" in text
    assert DEMO_CLIENT_SECRET not in text and not any(token in text for token in sim._tokens)
    assert [r["phase"] for r in list_records(path)] == ["dry_run"]
    assert "nothing is sent: write 3 items?" in title


async def test_audit_view_lists_batches_exports_one_and_reverses_it(
    sim: Simulator, tmp_path: Path
) -> None:
    path = tmp_path / "audit.jsonl"
    app = make_app(sim, audit=trail(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(app)
        await pilot.pause()
        table = app.main.table()
        keys = [k for k in table.model.visible_keys() if sim.get("password", k).can_write][:3]
        for batch_keys in (keys[:2], keys[2:]):
            for key in batch_keys:
                table.model.move_cursor_to(key)
                await pilot.press("space")
            await pilot.press("d", "y")
            await idle(app)
            await pilot.pause()
        await pilot.press("A")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        assert [b.batch_id for b in screen._shown] == ["b0002", "b0001"]
        assert "UTC" in describe(screen._shown[0]) and "deactivate 1" in describe(screen._shown[0])
        await pilot.press("slash", *"b0001", "enter")
        assert [b.batch_id for b in screen._shown] == ["b0001"]
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch) and dialog.plan.undoes == "b0001"
        assert sorted(r.identifier for r in dialog.plan.refs) == sorted(keys[:2])
        await pilot.press("y")
        await idle(app)
        await pilot.pause()
    assert all(sim.is_active("password", k) for k in keys[:2])
    assert not sim.is_active("password", keys[2])
    exported = json.loads((tmp_path / "exports" / "batch-b0001.json").read_text())
    assert sorted(row["identifier"] for row in exported) == sorted(keys[:2])
    assert all(row["outcome"] == "changed" for row in exported)
    header = (tmp_path / "exports" / "batch-b0001.csv").read_text().splitlines()[0]
    assert header.startswith("time,operator,profile,host,server,batch_id,reason,kind,identifier")
    assert all(row["server"].startswith("https://mysafe.simulator.invalid:443") for row in exported)


def test_the_csv_export_carries_no_formula_and_no_terminal_escape() -> None:
    rows = [
        {"name": '=HYPERLINK("http://evil","x")', "message": "\x1b]52;c;aGk=\x07 ok"},
        {"name": "+1", "message": "-2"},
        {"name": "@SUM(A1)", "message": "plain"},
    ]
    text = csv_text(rows)
    assert "\x1b" not in text and "\x07" not in text
    for line in text.splitlines()[1:]:
        for cell in next(iter([line.split(",")])):
            assert not cell.lstrip('"').startswith(("=", "+", "-", "@")), line
    assert spreadsheet_cell("=1+1") == "'=1+1" and spreadsheet_cell("ok") == "ok"
