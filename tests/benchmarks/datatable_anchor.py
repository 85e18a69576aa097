"""The anchor of the bandwidth benchmark: Textual's own DataTable with the console's rows.

    PYTHONPATH=. python tests/benchmarks/datatable_anchor.py [--items 1000]

The same demo passwords (seed 1), the same seven columns, a row cursor, in a plain
Textual app with a header line and a footer; run by ``bench_bandwidth.py`` on a
pseudo-terminal to compare what a cursor move or a scroll step costs on the wire.
``j``/``k`` are bound as in the console (DataTable binds the arrows only).
"""

from __future__ import annotations

import argparse
import asyncio

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from tui.api import Kind
from tui.console.screens.main.layout import COLUMNS, row_for
from tui.settings.launch import LaunchOptions
from tui.wiring.demo import demo_client, demo_simulator


async def demo_rows(items: int) -> list[tuple[str, ...]]:
    options = LaunchOptions(None, demo_passwords=items, demo_api_secrets=1)
    client = demo_client(demo_simulator(options))
    try:
        listed = await client.list_items(Kind.PASSWORD)
    finally:
        await client.aclose()
    return [row_for(item).cells for item in listed.items]


class Table(DataTable[str]):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class Anchor(App[None]):
    BINDINGS = [Binding("q", "quit", "Quit")]

    def __init__(self, rows: list[tuple[str, ...]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Static(f"DataTable anchor · {len(self.rows)} passwords shown")
        yield Table(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        table = self.query_one(Table)
        table.add_columns(*(column.label for column in COLUMNS[Kind.PASSWORD]))
        table.add_rows(self.rows)
        table.focus()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    Anchor(asyncio.run(demo_rows(args.items))).run()


if __name__ == "__main__":
    main()
