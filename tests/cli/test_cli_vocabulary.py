"""One vocabulary: ``outcome`` holds the machine values of :class:`tui.api.Result` in
every command's data (deactivate, activate, undo, resume, audit in JSON, JSON Lines
and CSV) and in the console's exports, the same value for the same item; the words
for people are in ``message`` and the table. Items a guard kept back are journalled
as ``refused`` with the guard named; older journals' words still read."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.api import Result
from tui.ops import read_records
from tui.ops.export import export_batch
from tui.settings.paths import audit_path

from support.cli import invoke, json_lines, server_env
from support.servers import ServedSimulator, served
from support.sims import writable

VALUES = {result.value for result in Result}


@pytest.fixture
def server() -> Iterator[ServedSimulator]:
    with served() as running:
        yield running


def by_id(items: list[dict[str, Any]]) -> dict[str, str]:
    return {str(item["identifier"]): str(item["outcome"]) for item in items}


def test_every_command_and_export_says_the_same_outcome(
    server: ServedSimulator, tmp_path: Path
) -> None:
    sim = server.simulator
    env = server_env(server.url)
    good = writable(sim, 2)
    locked = writable(sim)[2]
    sim.get("password", locked).can_write = False  # the list says so: kept back
    asked = [*good, locked, "99999"]  # 99999: not found, failed
    done = invoke(
        ["deactivate", "passwords", "--ids", ",".join(asked), "--yes", "--format", "json"], env
    )
    assert done.exit_code == 1
    printed = json.loads(done.stdout)
    said = by_id(printed["items"])
    assert said == {good[0]: "changed", good[1]: "changed", locked: "refused", "99999": "failed"}
    batch_id = printed["batch_id"]

    # The journal: the machine value, the words apart, the guard named.
    records = [r for r in read_records(audit_path()) if r["phase"] == "outcome"]
    assert by_id(records) == said
    [kept] = [r for r in records if r["identifier"] == locked]
    assert (kept["guard"], kept["label"]) == ("not_editable", "refused")

    [batch] = json.loads(invoke(["audit", "--batch", batch_id, "--format", "json"]).stdout)
    assert by_id(batch["items"]) == said
    assert batch["summary"] == printed["summary"] == {"changed": 2, "failed": 1, "refused": 1}
    [line] = json_lines(invoke(["audit", "--batch", batch_id, "--format", "jsonl"]).stdout)
    assert line == batch
    rows = list(csv.DictReader(io.StringIO(invoke(["audit", "--format", "csv"]).stdout)))
    assert by_id(rows) == said
    csv_path, json_path, _receipt = export_batch(audit_path(), batch_id, tmp_path / "exports")
    assert by_id(json.loads(json_path.read_text())) == said
    assert by_id(list(csv.DictReader(csv_path.open()))) == said

    # The words for people: the table, and each item's message.
    table = invoke(["audit", "--batch", batch_id, "--format", "table"]).stdout
    assert "deactivated" in table and "2 deactivated" in batch["message"]

    # Activate and undo print the same values.
    again = invoke(["activate", "passwords", "--ids", good[0], "--yes", "--format", "jsonl"], env)
    assert [item["outcome"] for item in json_lines(again.stdout)] == ["changed"]
    undone = invoke(["undo", batch_id, "--yes", "--format", "json"], env)
    assert set(by_id(json.loads(undone.stdout)["items"]).values()) <= VALUES
    for entry in json.loads(invoke(["audit", "--format", "json"]).stdout):
        assert {item["outcome"] for item in entry["items"]} <= VALUES
        assert set(entry["summary"]) <= VALUES


def test_an_older_journal_s_words_read_as_the_machine_values() -> None:
    path = audit_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        {"phase": "batch", "batch_id": "old1", "action": "deactivate", "items": [
            {"kind": "password", "identifier": i, "name": ""} for i in ("1", "2", "3")]},
        {"phase": "outcome", "batch_id": "old1", "kind": "password", "identifier": "1",
         "action": "deactivate", "outcome": "deactivated"},
        {"phase": "outcome", "batch_id": "old1", "kind": "password", "identifier": "2",
         "action": "deactivate", "outcome": "in doubt"},
        {"phase": "outcome", "batch_id": "old1", "kind": "password", "identifier": "3",
         "action": "deactivate", "outcome": "already inactive"},
        {"phase": "batch_end", "batch_id": "old1", "summary": "", "state": "unsettled"},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    [batch] = json.loads(invoke(["audit", "--format", "json"]).stdout)
    assert by_id(batch["items"]) == {"1": "changed", "2": "in_doubt", "3": "already"}
    rows = list(csv.DictReader(io.StringIO(invoke(["audit", "--format", "csv"]).stdout)))
    assert by_id(rows) == {"1": "changed", "2": "in_doubt", "3": "already"}
