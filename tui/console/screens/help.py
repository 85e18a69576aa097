"""Every key, generated from the bindings themselves so it cannot go stale."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.ops.filtering import SYNTAX


def format_keys(key: str) -> str:
    names = {"slash": "/", "asterisk": "*", "question_mark": "?", "space": "space"}
    return " ".join(names.get(part, part) for part in key.split(","))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding(
            "escape,q,question_mark", "close", "Close", id="help.close", tooltip="Close this help"
        ),
        Binding("down,j", "scroll(1)", "Down", show=False, id="help.down", tooltip="Scroll down"),
        Binding("up,k", "scroll(-1)", "Up", show=False, id="help.up", tooltip="Scroll up"),
        Binding(
            "pagedown,space", "page(1)", "Page down", show=False, id="help.pgdn", tooltip="A page"
        ),
        Binding("pageup", "page(-1)", "Page up", show=False, id="help.pgup", tooltip="A page up"),
    ]

    def __init__(self, sections: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        # A grid, so a long description wraps under itself, not under the keys.
        self.grid = grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column()
        for number, (title, rows) in enumerate(self.sections):
            if number:
                grid.add_row("", "")
            grid.add_row(Text(title, style="bold underline"), "")
            for keys, description in rows:
                grid.add_row(Text(f"  {keys}"), Text(description))
        with Vertical(id="help-box"):
            yield Static("Keys", id="help-title", markup=False)
            with VerticalScroll(id="help-body"):
                yield Static(grid, markup=False)
            yield Static("j k scroll · esc closes", id="help-keys", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_page(self, pages: int) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_relative(y=pages * max(body.size.height - 1, 1), animate=False)


def binding_rows(bindings: Iterable[object]) -> list[tuple[str, str]]:
    """(keys, what they do) for each described Binding."""
    rows = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        keys = binding.key_display or format_keys(binding.key)
        rows.append((keys, binding.tooltip or binding.description))
    return rows


def filter_language_rows() -> list[tuple[str, str]]:
    """(form, what it keeps) for the filter's language: the rows ``list --help`` shows
    too (``tui.ops.filtering.SYNTAX``), and where a match through a hidden field shows."""
    return [
        *SYNTAX,
        ("", "a row kept through a field no column shows: the detail pane's first line"),
    ]
