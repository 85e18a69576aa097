"""The ``inprocess`` step of ``bench_console.py``: one app, a list of N items.

The list answer is encoded once, before anything is timed, and served by an httpx
mock transport, so the figures are the console's own work: nothing of a server's.
"""

from __future__ import annotations

import json
import statistics
import time

import httpx
from pydantic import SecretStr

from tui.api import ClientSettings, ItemList, Kind, MySafeClient
from tui.app import MySafeApp
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

        async def load() -> float:
            """Seconds from the load's start to the screen after it."""
            began = time.perf_counter()
            main.load(Kind.PASSWORD)
            await app.workers.wait_for_complete()
            await pilot.pause()
            return time.perf_counter() - began

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
        small_parsed = await load()
        parsed = listed
        big_parsed = await load()
        main.mysafe.client.list_items = original  # type: ignore[method-assign]

        served.body = big
        big_bytes = await load()
        assert table.row_count == count, (table.row_count, count)
        await pilot.pause(0.2)  # anything deferred past the first frame is done

        filter_work = []
        for end in range(1, len(FILTER) + 1):
            began = time.perf_counter()
            table.set_filter(FILTER[:end])
            for y in range(40):
                table.render_line(y)
            filter_work.append(time.perf_counter() - began)
        table.set_filter("")
        move_work = []
        for _ in range(200):
            began = time.perf_counter()
            table.action_cursor_down()
            for y in range(40):  # the worst case: every line on screen re-rendered
                table.render_line(y)
            move_work.append(time.perf_counter() - began)
        await pilot.press("slash")
        big_keys = await keys(list(FILTER))
        shown = table.visible_count

    print(f"\n{count} passwords in one app, in-process (120x40):")
    table_line(
        "parse: answer bytes to items (median of 3)",
        statistics.median(parse),
        "json.loads of the same bytes",
        statistics.median(loads),
        "",
    )
    table_line(
        "parsed data arriving to first screen",
        big_parsed,
        "the same at 40 items",
        small_parsed,
        "≤ 0.3 s",
    )
    table_line("answer bytes to first screen", big_bytes, "the same at 40 items", small_bytes, "")
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
