"""The audit trail: before and after every request, crash-tolerant, secret-free."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from tui.api import Action, ItemRef, Kind
from tui.audit import AuditContext, AuditTrail, read_audit, unfinished
from tui.dialogs import ConfirmBatch
from tui.simulator import DEMO_CLIENT_SECRET, Simulator
from tui.widgets import LogPanel

from conftest import FIXED_TIME, make_app


def trail(path: Path) -> AuditTrail:
    return AuditTrail(
        path,
        AuditContext("demo", "vault.example.com", "alice"),
        clock=lambda: FIXED_TIME.replace(tzinfo=UTC),
    )


async def test_every_request_is_recorded_before_and_after(sim: Simulator, tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    app = make_app(sim, audit=trail(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.main.table()
        keys = [k for k in table.visible_keys() if sim.get("password", k).can_write][:3]
        sim.get("password", keys[2]).can_write = False  # the server will refuse it: 1006
        for key in keys:
            table.move_cursor_to(key)
            await pilot.press("space")
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmBatch)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
    records = list(read_audit(path))
    assert [r["phase"] for r in records].count("intent") == 3
    assert [r["phase"] for r in records].count("outcome") == 3
    for key in keys:
        mine = [r for r in records if r.get("identifier") == key]
        assert [r["phase"] for r in mine] == ["intent", "outcome"], "intent first, then outcome"
    refused = next(r for r in records if r.get("identifier") == keys[2] and r["phase"] == "outcome")
    assert refused["outcome"] == "no access" and refused["code"] == 1006
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


def test_a_torn_last_line_is_tolerated_and_unfinished_intents_found(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    audit = trail(path)
    ref = ItemRef(Kind.PASSWORD, "7", "GitHub prod admin")
    audit.intent(ref, Action.DEACTIVATE, "b1")
    audit.intent(ItemRef(Kind.PASSWORD, "8", "x"), Action.DEACTIVATE, "b1")
    audit.close()
    with path.open("a") as handle:
        handle.write('{"phase": "outcome", "identifier": "8", "batch')  # killed mid-write
    records = list(read_audit(path))
    assert [r["identifier"] for r in records] == ["7", "8"]
    assert [r["identifier"] for r in unfinished(path)] == ["7", "8"]


async def test_if_the_trail_cannot_be_written_nothing_is_sent(
    sim: Simulator, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the folder should be")
    app = make_app(sim, audit=trail(blocked / "audit.jsonl"))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        key = next(k for k in app.main.table().visible_keys() if sim.get("password", k).can_write)
        app.main.table().move_cursor_to(key)
        await pilot.press("d", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.main.table().status_of(key) == "failed"
        assert any("not sent" in entry.message for entry in app.errors)
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
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.main.table()
        keys = [k for k in table.visible_keys() if sim.get("password", k).can_write][:3]
        for key in keys:
            table.move_cursor_to(key)
            await pilot.press("space")
        await pilot.press("D")
        assert isinstance(app.screen, ConfirmBatch) and app.screen.plan.purpose == "Dry run"
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
    assert not any(token in text for token in sim._tokens)
    assert [r["phase"] for r in read_audit(path)] == ["dry_run"]


async def test_audit_view_filters_and_exports_the_newest_batch(
    sim: Simulator, tmp_path: Path
) -> None:
    path = tmp_path / "audit.jsonl"
    app = make_app(sim, audit=trail(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.main.table()
        keys = [k for k in table.visible_keys() if sim.get("password", k).can_write][:2]
        for key in keys:
            table.move_cursor_to(key)
            await pilot.press("space")
        await pilot.press("d", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("A")
        await pilot.pause()
        lines = str(app.screen.query_one("#audit-lines").render())
        assert f"password {keys[0]}" in lines and "deactivated" in lines
        word = sim.get("password", keys[1]).name.split()[0]
        await pilot.press("slash", *word, "enter")
        lines = str(app.screen.query_one("#audit-lines").render())
        assert f"password {keys[1]} " in lines and f"password {keys[0]} " not in lines
        await pilot.press("x")
        await pilot.pause()
    exported = json.loads((tmp_path / "exports" / "batch-b0001.json").read_text())
    assert sorted(row["identifier"] for row in exported) == sorted(keys)
    assert all(row["outcome"] == "deactivated" for row in exported)
    header = (tmp_path / "exports" / "batch-b0001.csv").read_text().splitlines()[0]
    assert header.startswith("time,operator,profile,host,batch_id,reason,kind,identifier")
