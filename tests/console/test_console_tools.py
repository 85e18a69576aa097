"""The tools operators reach for, by keyboard: sort, the filter language, marks,
copying an identifier, exporting the view."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tui.console.app import MySafeApp
from tui.console.widgets import StatusLine
from tui.simulator import Simulator

from support.console import go_to, make_app, running


def names(app: MySafeApp) -> list[str]:
    table = app.main.table()
    return [app.main.items[app.main.kind][key].name for key in table.model.visible_keys()]


async def test_s_sorts_by_the_next_column_and_S_reverses_shown_in_the_header(
    sim: Simulator,
) -> None:
    app = make_app(sim)
    async with running(app, (80, 24)) as pilot:
        table = app.main.table()
        server_order = table.model.visible_keys()
        await pilot.press("s")  # ID
        ids = [int(key) for key in table.model.visible_keys()]
        assert ids == sorted(ids)  # numeric: 9 before 10
        await pilot.press("s")  # Name
        assert names(app) == sorted(names(app), key=str.casefold)
        assert "Name ▲" in table.render_line(0).text
        assert "sorted by Name ▲" in str(app.main.query_one("#status-line").render())
        await pilot.press("S")
        assert names(app) == sorted(names(app), key=str.casefold, reverse=True)
        assert "Name ▼" in table.render_line(0).text
        # The cursor stays on its item and in view.
        body = table.scrollable_content_region.height - 1
        assert table.scroll_offset.y <= table.model.cursor_index < table.scroll_offset.y + body
        for _ in table.columns:
            await pilot.press("s")
            if table.model.sort is None:
                break
        assert table.model.sort is None and table.model.visible_keys() == server_order


async def test_a_row_kept_through_a_hidden_field_shows_that_field(sim: Simulator) -> None:
    """Issue 21: /prod took "GitLab staging monitoring" along through its tag, and
    nothing on screen said why. Plain words search ID and Name; tag:prod reaches the
    tags, and the detail pane's first line (in view even at 80x24) says so."""
    app = make_app(sim)
    async with running(app, (80, 24)) as pilot:
        table = app.main.table()
        pane = app.main.detail()
        staging = next(i for i in app.main.items[app.main.kind].values() if i.identifier == "60")
        assert staging.name == "GitLab staging monitoring" and "prod" in staging.tags

        await pilot.press("slash", *"prod", "enter")
        assert "60" not in table.model.visible_keys()
        assert "Matched" not in pane.text()  # kept through the Name, which shows

        await pilot.press("slash", "ctrl+u", *"tag:prod", "enter")
        assert "60" in table.model.visible_keys()
        await go_to(app, pilot, "60")
        first = pane.text().splitlines()[0]
        assert first.startswith("Matched") and f"Tags: {staging.tags}" in first
        assert "Tags: " in pane.values.render_line(0).text and not pane.values.scroll_offset.y
        # The cursor stays on the row; the filter now keeps it through its Name.
        await pilot.press("slash", *"|staging")
        assert table.model.cursor_key == "60"
        assert not pane.text().startswith("Matched")
        await pilot.press("escape")  # the filter cleared: nothing matched
        assert not pane.text().startswith("Matched")


async def test_the_filter_language_by_keyboard(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        table = app.main.table()

        async def shown(query: str) -> list[str]:
            """Each shown row's ID and Name (what plain words search), lower-cased."""
            await pilot.press("escape", "slash", *query, "enter")
            rows = [table.model.row(key) for key in table.model.visible_keys()]
            return [" ".join(row.cells[:2]).lower() for row in rows if row is not None]

        both = await shown("prod admin")
        assert both and all("prod" in r and "admin" in r for r in both)
        either = await shown("vault|kibana")
        assert either and all("vault" in r or "kibana" in r for r in either)
        without = await shown("!prod")
        assert without and all("prod" not in r for r in without)
        await shown("#12")
        assert table.model.visible_keys() == ["12"]
        await shown("id:12")
        assert table.model.visible_keys() == ["12"]
        hint = str(app.main.query_one("#filter").render())
        assert "/ id:12" in hint
        await pilot.press("slash")
        assert "a|b either" in str(app.main.query_one("#filter").render())
        assert "tag:" in str(app.main.query_one("#filter").render())


async def test_clear_invert_and_the_other_tabs_marks(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        table = app.main.table()
        await pilot.press("space", "space")
        await pilot.press("i")
        assert table.model.marked_count == table.model.visible_count - 2
        await pilot.press("2", "space", "1")
        status = str(app.main.query_one("#status-line").render())
        assert "1 on the API secrets tab" in status
        await pilot.press("C")
        assert table.model.marked_count == 0 and app.main.model(app.main.kind).marked_count == 0
        await pilot.press("2")
        assert app.main.model().marked_count == 0


async def test_the_status_line_draws_the_screens_status_bound_to_it(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        line = app.main.query_one(StatusLine)
        await pilot.press("space", "space", "slash", "x", "enter")
        await pilot.pause()
        status = app.main.status
        assert status[0].startswith("2 marked") and "filter: x" in status
        assert line.parts == status and str(line.content) == " · ".join(status)


async def test_c_copies_only_the_identifier(sim: Simulator) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        await pilot.press("down", "c")
        key = app.main.model().cursor_key
        assert app.clipboard == key
        item = sim.get("password", key or "")
        assert item.password is not None and item.password not in app.clipboard


async def test_e_exports_the_view_to_jsonl_and_csv_made_safe(
    sim: Simulator, isolated_dirs: Path
) -> None:
    app = make_app(sim)
    async with running(app) as pilot:
        await pilot.press("slash", *"clipboard|payroll|alert", "enter", "E")
        await pilot.pause()
        shown = set(app.main.model().visible_keys())
    [jsonl] = isolated_dirs.rglob("*.jsonl")
    [csv_file] = isolated_dirs.rglob("*.csv")
    ids = {json.loads(line)["identifier"] for line in jsonl.read_text().splitlines()}
    assert ids == shown
    with csv_file.open(newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not any(ch for cell in cells for ch in cell if ord(ch) < 32 or ord(ch) == 127)
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells if cell)
