"""``audit``, and one journal for the console and the command line, both ways."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tui.console.dialogs import ConfirmBatch
from tui.console.screens.audit_view import AuditScreen
from tui.ops import Journal, JournalContext
from tui.ops.export import FIELDS
from tui.settings.paths import audit_path

from support.cli import invoke, json_lines, only_line, server_env
from support.console import idle, make_app, wait_until
from support.servers import ServedSimulator, served
from support.sims import writable


@pytest.fixture
def server() -> Iterator[ServedSimulator]:
    with served() as running:
        yield running


def cli_batch(server: ServedSimulator, ids: list[str], *extra: str) -> str:
    done = invoke(
        ["deactivate", "passwords", "--ids", ",".join(ids), "--yes", "--format", "json", *extra],
        server_env(server.url),
    )
    assert done.exit_code == 0, done.stderr
    return str(json.loads(done.stdout)["batch_id"])


def test_audit_lists_batches_with_their_items_in_every_format(server: ServedSimulator) -> None:
    ids = writable(server.simulator, 3)
    first = cli_batch(server, ids[:2], "--reason", "INC-1")
    second = cli_batch(server, ids[2:])
    done = invoke(["audit", "--format", "json"])
    assert done.exit_code == 0
    batches = json.loads(done.stdout)
    assert [b["batch_id"] for b in batches] == [first, second]
    one = batches[0]
    assert (one["action"], one["reason"], one["profile"], one["state"]) == (
        "deactivate",
        "INC-1",
        "default",
        "done",
    )
    assert "http://" + one["host"] == server.url and one["total"] == 2 and one["undone_by"] == []
    assert list(one["items"][0]) == FIELDS
    assert [item["identifier"] for item in one["items"]] == ids[:2]
    assert {item["outcome"] for item in one["items"]} == {"changed"}
    assert (one["summary"], one["message"]) == ({"changed": 2}, "2 deactivated")
    assert (one["resumable"], one["resume"]) == (False, None)

    lines = json_lines(invoke(["audit", "--format", "jsonl"]).stdout)
    assert lines == batches
    rows = list(csv.DictReader(io.StringIO(invoke(["audit", "--format", "csv"]).stdout)))
    assert [row["identifier"] for row in rows] == ids
    assert rows[0]["batch_id"] == first and rows[0]["outcome"] == "changed"

    only = json.loads(invoke(["audit", "--batch", second, "--format", "json"]).stdout)
    assert [b["batch_id"] for b in only] == [second]
    assert json.loads(invoke(["audit", "--since", "2999-01-01", "--format", "json"]).stdout) == []
    assert len(json.loads(invoke(["audit", "--since", "2000-01-01T00:00"]).stdout)) == 2
    assert json.loads(invoke(["audit", "--demo", "--format", "json"]).stdout) == []
    table = invoke(["audit", "--format", "table"]).stdout
    assert first in table and "deactivate 2" in table


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["--batch", "nope"], "no batch 'nope'"),
        (["--since", "yesterday"], "not an ISO date"),
    ],
)
def test_audit_bad_input_exits_2(args: list[str], text: str) -> None:
    done = invoke(["audit", *args, "--format", "table"])
    assert done.exit_code == 2 and text in only_line(done.stderr)


def test_no_journal_yet_is_an_empty_list() -> None:
    done = invoke(["audit", "--format", "json"])
    assert (done.exit_code, done.stdout) == (0, "[]\n")


def console_journal(server: ServedSimulator) -> Journal:
    # The profile the command line records for a server named by MYSAFE_URL.
    return Journal(audit_path(), JournalContext.current("default", "127.0.0.1"))


async def test_the_console_lists_a_command_line_batch_and_undoes_it(
    server: ServedSimulator,
) -> None:
    sim = server.simulator
    ids = writable(sim, 2)
    batch_id = await asyncio.to_thread(cli_batch, server, ids)
    assert not any(sim.is_active("password", ident) for ident in ids)
    app = make_app(sim, audit=console_journal(server), url=server.url, demo=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(app)
        await pilot.pause()
        await pilot.press("A")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        assert [b.batch_id for b in screen._shown] == [batch_id]
        await pilot.press("u")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmBatch) and dialog.plan.undoes == batch_id
        await pilot.press("y")
        await wait_until(pilot, lambda: all(sim.is_active("password", i) for i in ids))
        await idle(app)
    done = await asyncio.to_thread(invoke, ["audit", "--format", "json"])
    batches: list[dict[str, Any]] = json.loads(done.stdout)
    assert [b["undoes"] for b in batches] == [None, batch_id]
    assert batches[0]["undone_by"] == [batches[1]["batch_id"]]


async def test_the_command_line_undoes_a_console_batch(server: ServedSimulator) -> None:
    sim = server.simulator
    app = make_app(sim, audit=console_journal(server), url=server.url, demo=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(app)
        await pilot.pause()
        table = app.main.table()
        keys = [k for k in table.model.visible_keys() if sim.get("password", k).can_write][:2]
        for key in keys:
            table.model.move_cursor_to(key)
            await pilot.press("space")
        await pilot.press("d", "y")
        await idle(app)
        await pilot.pause()
    assert not any(sim.is_active("password", k) for k in keys)
    done = await asyncio.to_thread(
        invoke, ["undo", "b0001", "--yes", "--format", "json"], server_env(server.url)
    )
    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["undoes"] == "b0001" and result["summary"] == {"changed": 2}
    assert all(sim.is_active("password", k) for k in keys)
