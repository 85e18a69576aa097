"""The ``inprocess`` step of ``bench_console.py``: one app, a list of N items.

The list answer is encoded once, before anything is timed, and served by an httpx
mock transport, so the figures are the console's own work: nothing of a server's.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

import httpx
from pydantic import SecretStr
from textual.strip import Strip

from tui.api import ClientSettings, ItemList, Kind, MySafeClient
from tui.console.app import MySafeApp
from tui.ops import Session
from tui.simulator.data import generate
from tui.simulator.envelope import envelope, list_entry

FILTER = "prod a"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def list_body(passwords: int) -> bytes:
    items = [list_entry(item) for item in generate(1, passwords, 0)[0] if item.can_view]
    payload = envelope(200, "")
    payload["password_on_list"] = items
    return json.dumps(payload, ensure_ascii=False).encode()


class Served:
    """Token and list answers for a mock transport; ``body`` is the password list."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.empty = json.dumps({**envelope(200, ""), "api_secret_on_list": []}).encode()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            token = {"access_token": "t", "token_type": "Bearer", "expires_in": 3600}
            return httpx.Response(200, json=token)
        body = self.body if request.url.path.endswith("/password") else self.empty
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})


def client(served: Served) -> MySafeClient:
    settings = ClientSettings("https://bench.invalid", "id", SecretStr("secret"))
    return MySafeClient(settings, transport=httpx.MockTransport(served))


def table_line(name: str, figure: float, anchor_name: str, anchor: float, target: str) -> None:
    print(
        f"  {name:<44} {ms(figure):>12}  | {anchor_name:<34} {ms(anchor):>12} | "
        f"{figure / anchor:5.2f}x {target}"
    )


async def inprocess(items: int) -> None:
    big, small = list_body(items), list_body(40)
    served = Served(small)

    # Parse: the list answer's bytes to items, against json.loads of the same bytes.
    parse, loads = [], []
    for _ in range(3):
        began = time.perf_counter()
        json.loads(big)
        loads.append(time.perf_counter() - began)
        async with client(Served(big)) as parser:
            began = time.perf_counter()
            listed = await parser.list_items(Kind.PASSWORD)
            parse.append(time.perf_counter() - began)
    count = len(listed.items)

    app = MySafeApp(Session(client(served), demo=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        main = app.main
        table = main.table()

        shown_at: list[float] = []
        render_line, post_display = table.render_line, app.post_display_hook
        painted = {"rows_set": False, "row_drawn": False}

        def marked(replace: Any) -> Any:
            def replace_marked(*args: Any) -> Any:
                replaced = replace(*args)
                painted.update(rows_set=True, row_drawn=False)
                return replaced

            return replace_marked

        def render_line_marked(y: int) -> Strip:
            if y >= 1 and painted["rows_set"]:
                painted["row_drawn"] = True
            return render_line(y)

        def display_marked() -> None:
            # The first frame after the rows were replaced that drew a row of the table.
            if painted["rows_set"] and painted["row_drawn"]:
                painted.update(rows_set=False, row_drawn=False)
                shown_at.append(time.perf_counter())
            post_display()

        # The rows are replaced in the table's model (in the widget before issue 19).
        for name in ("set_rows", "set_source"):  # set_source: since the lazy rows
            setattr(table.model, name, marked(getattr(table.model, name)))
        table.render_line = render_line_marked  # type: ignore[method-assign]
        app.post_display_hook = display_marked  # type: ignore[method-assign]

        async def load() -> float:
            """Seconds from the load's start to the screen after it (everything
            deferred past the first frame done: the app idle again)."""
            began = time.perf_counter()
            main.load(Kind.PASSWORD)
            await app.workers.wait_for_complete()
            await pilot.pause()
            return time.perf_counter() - began

        async def first_frame() -> tuple[float, float]:
            """Seconds from the load's start to the first frame showing its rows,
            and to the app idle again."""
            shown_at.clear()
            began = time.perf_counter()
            settled = await load() + began
            assert shown_at, "no frame drew the rows"
            return shown_at[0] - began, settled - began

        async def keys(names: list[str]) -> list[float]:
            costs = []
            for key in names:
                began = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                costs.append(time.perf_counter() - began)
            return costs

        # 40 rows: the anchors (the same app, the same keys).
        small_bytes = statistics.median([await load() for _ in range(3)])
        await pilot.press("slash")
        small_keys = await keys(list(FILTER))
        await pilot.press("escape", "escape")
        await pilot.pause()

        # Parsed data arriving (the client's answer ready) to the first screen.
        parsed = await parser_answer(small)
        original = main.mysafe.client.list_items

        async def ready(kind: Kind, **filters: str | None) -> ItemList:
            return parsed

        main.mysafe.client.list_items = ready  # type: ignore[method-assign]
        small_runs, big_runs = [], []
        small_answer = parsed
        for _ in range(3):  # alternated: each 100 000 load replaces 40 rows
            parsed = small_answer
            small_runs.append(await first_frame())
            parsed = listed
            big_runs.append(await first_frame())
        small_parsed = statistics.median(run[0] for run in small_runs)
        small_settled = statistics.median(run[1] for run in small_runs)
        big_parsed = statistics.median(run[0] for run in big_runs)
        big_settled = statistics.median(run[1] for run in big_runs)
        main.mysafe.client.list_items = original  # type: ignore[method-assign]

        served.body = big
        big_bytes = await load()
        assert table.model.row_count == count, (table.model.row_count, count)
        await pilot.pause(0.2)  # anything deferred past the first frame is done

        filter_work = []
        for end in range(1, len(FILTER) + 1):
            began = time.perf_counter()
            table.model.set_filter(FILTER[:end])
            for y in range(40):
                table.render_line(y)
            filter_work.append(time.perf_counter() - began)
        table.model.set_filter("")
        move_work = []
        for _ in range(200):
            began = time.perf_counter()
            table.action_cursor_down()
            for y in range(40):  # the worst case: every line on screen re-rendered
                table.render_line(y)
            move_work.append(time.perf_counter() - began)
        await pilot.press("slash")
        big_keys = await keys(list(FILTER))
        shown = table.model.visible_count

    print(f"\n{count} passwords in one app, in-process (120x40):")
    table_line(
        "parse: answer bytes to items (median of 3)",
        statistics.median(parse),
        "json.loads of the same bytes",
        statistics.median(loads),
        "",
    )
    table_line(
        "parsed data arriving to first frame (median 3)",
        big_parsed,
        "the same at 40 items",
        small_parsed,
        "≤ 0.3 s",
    )
    table_line(
        "parsed data arriving to idle (median 3)",
        big_settled,
        "the same at 40 items",
        small_settled,
        "",
    )
    table_line("answer bytes to idle", big_bytes, "the same at 40 items", small_bytes, "")
    print(
        f"  filter keystroke, table work ('{FILTER}', {shown} match): median "
        f"{ms(statistics.median(filter_work))}, max {ms(max(filter_work))} (≤ 20 ms)"
    )
    table_line(
        "filter key to screen (Pilot), median",
        statistics.median(big_keys),
        "the same app at 40 rows",
        statistics.median(small_keys),
        "≤ 1.5x",
    )
    print(
        f"  cursor move, table work (200 moves): median {ms(statistics.median(move_work))}, "
        f"max {ms(max(move_work))}"
    )


async def parser_answer(body: bytes) -> ItemList:
    async with client(Served(body)) as parser:
        return await parser.list_items(Kind.PASSWORD)
