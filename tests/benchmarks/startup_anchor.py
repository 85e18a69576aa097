"""The start-up anchor: a bare Textual app showing a 38-row DataTable, nothing else.

    python tests/benchmarks/startup_anchor.py [--rows 38]

What the console's first frame is measured against (``run_all.py --only startup``):
the least a Textual app with a table of the console's size costs from ``exec`` to its
rows on the screen. It imports Textual alone (not the project), builds its rows in
place, and draws them on mount; the last row reads ``anchor row 38``.
"""

from __future__ import annotations

import argparse

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

COLUMNS = ("ID", "Name", "Username", "URL", "Tags", "Edit", "Needs")


def rows(count: int) -> list[tuple[str, ...]]:
    return [
        (str(n), f"anchor row {n}", f"user{n}", f"host{n}.example", "prod", "yes", "")
        for n in range(1, count + 1)
    ]


class Bare(App[None]):
    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table: DataTable[str] = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.add_rows(rows(self.count))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=38)
    Bare(parser.parse_args().rows).run()


if __name__ == "__main__":
    main()
