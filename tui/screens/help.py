"""Every key, generated from the bindings themselves so it cannot go stale."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def format_keys(key: str) -> str:
    names = {"slash": "/", "asterisk": "*", "question_mark": "?", "space": "space"}
    return " ".join(names.get(part, part) for part in key.split(","))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]

    def __init__(self, sections: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        text = Text()
        for title, rows in self.sections:
            text.append(f"{title}\n", style="bold underline")
            for keys, description in rows:
                text.append(f"  {keys:<14}", style="bold")
                text.append(f"{description}\n")
            text.append("\n")
        with Vertical(id="help-box"):
            yield Static("Keys", id="help-title", markup=False)
            with VerticalScroll(id="help-body"):
                yield Static(text, markup=False)
            yield Static("esc closes", id="help-keys", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


def binding_rows(bindings: Iterable[object]) -> list[tuple[str, str]]:
    """(keys, what they do) for each described Binding."""
    rows = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        keys = binding.key_display or format_keys(binding.key)
        rows.append((keys, binding.tooltip or binding.description))
    return rows
