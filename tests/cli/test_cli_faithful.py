"""Faithful data: JSON and JSON Lines carry the server's strings exactly (control,
C1 and bidi characters as \\u escapes, so nothing reaches a terminal raw), CSV stays
spreadsheet-safe, and ``--ids-file`` reads back what ``list`` and the exports write."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.api import Kind
from tui.api.models import summary_from_entry
from tui.cli.ids import parse_ids_text
from tui.ops.export import export_items

from support.cli import invoke, json_lines, server_env
from support.servers import ServedSimulator, served
from support.sims import writable

#: ESC (OSC 52 to the clipboard), BEL, a C1 CSI, a right-to-left override, markup, a
#: formula, NUL's neighbour and a lone surrogate: what a server may send.
HOSTILE = [
    "clipboard \x1b]52;c;ZXZpbA==\x07 thief",
    "c1 \x9b31m red",
    "evil\u202etxt.exe",
    "[bold]Payroll[/] admin",
    '=HYPERLINK("http://x")',
    "tab\there\x01",
    "lone \ud800 surrogate",
]
HOSTILE = [f"{name} #{number}" for number, name in enumerate(HOSTILE)]  # none the demo's


@pytest.fixture
def server() -> Iterator[ServedSimulator]:
    with served() as running:
        ids = writable(running.simulator, len(HOSTILE))
        for ident, name in zip(ids, HOSTILE, strict=True):
            running.simulator.get("password", ident).name = name
        yield running


def names_by_id(objects: list[dict[str, object]]) -> dict[str, object]:
    return {str(o["identifier"]): o["name"] for o in objects}


def listed(server: ServedSimulator, output_format: str) -> str:
    done = invoke(["list", "passwords", "--format", output_format], server_env(server.url))
    assert done.exit_code == 0, done.stderr
    return done.stdout


def test_json_and_jsonl_carry_names_exactly_and_nothing_raw(server: ServedSimulator) -> None:
    sim = server.simulator
    expected = {i.identifier: i.name for i in sim.items("password") if i.name in HOSTILE}
    assert len(expected) == len(HOSTILE)
    for output_format in ("json", "jsonl"):
        text = listed(server, output_format)
        assert text.isascii(), "every control, C1 and bidi character is a \\u escape"
        objects = json.loads(text) if output_format == "json" else json_lines(text)
        got = names_by_id(objects)
        assert {ident: got[ident] for ident in expected} == expected


def test_csv_and_the_table_stay_safe(server: ServedSimulator) -> None:
    for output_format in ("csv", "table"):
        text = listed(server, output_format)
        assert not any(ch in text for ch in "\x1b\x07\x9b\u202e\x01"), output_format
    rows = list(csv.DictReader(io.StringIO(listed(server, "csv"))))
    assert any(row["name"].startswith("'=HYPERLINK") for row in rows), "no formula"


@pytest.mark.parametrize("output_format", ["json", "jsonl", "csv"])
def test_ids_file_reads_what_list_writes(server: ServedSimulator, output_format: str) -> None:
    text = listed(server, output_format)
    ids = [str(o["identifier"]) for o in json.loads(listed(server, "json"))]
    refs = parse_ids_text(text, Kind.PASSWORD, "list output")
    assert [ref.identifier for ref in refs] == ids
    if output_format != "csv":  # CSV names are made safe; JSON's are exact
        names = names_by_id(json.loads(listed(server, "json")))
        assert {ref.identifier: ref.name for ref in refs} == names
    # And as a command reads it: a dry run of every item, nothing sent.
    done = invoke(
        ["deactivate", "passwords", "--ids-file", "-", "--dry-run", "--format", "json"],
        server_env(server.url),
        stdin=text,
    )
    assert done.exit_code == 0, done.stderr
    assert [r["identifier"] for r in json.loads(done.stdout)["requests"]] == ids


def test_ids_file_reads_the_console_s_exports(server: ServedSimulator, tmp_path: Path) -> None:
    items = [i for i in server.simulator.items("password") if i.name in HOSTILE]
    ids = [i.identifier for i in items]
    # The items as the console holds them: parsed as the client parses a list entry.
    entries = [
        {"identifier": i.identifier, "name": i.name, "url": i.url, "tags": i.tags} for i in items
    ]
    summaries = [summary_from_entry(Kind.PASSWORD, entry) for entry in entries]
    jsonl, csv_path = export_items([s for s in summaries if s is not None], tmp_path, "marks")
    for path in (jsonl, csv_path):
        refs = parse_ids_text(path.read_text(), Kind.PASSWORD, str(path))
        assert [ref.identifier for ref in refs] == ids
    exact = {
        ref.identifier: ref.name for ref in parse_ids_text(jsonl.read_text(), Kind.PASSWORD, "")
    }
    assert exact == {i.identifier: i.name for i in items}


def test_ids_and_ids_file_together_is_not_both(server: ServedSimulator) -> None:
    done = invoke(
        ["deactivate", "passwords", "--ids", "1", "--ids-file", "-", "--yes", "--format", "table"],
        server_env(server.url),
        stdin="2\n",
    )
    assert done.exit_code == 2 and "not both" in done.stderr
    assert len(done.stderr.splitlines()) == 1
