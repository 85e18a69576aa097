"""The session's error history: every failure with the server's full text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.base.safe_text import safe_text


@dataclass(frozen=True, slots=True)
class ErrorEntry:
    time: str
    context: str
    message: str


class ErrorHistoryScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,e,q", "close", "Close", id="errors.close")]

    def __init__(self, entries: Sequence[ErrorEntry]) -> None:
        super().__init__()
        self.entries = list(entries)

    def compose(self) -> ComposeResult:
        text = Text()
        if not self.entries:
            text.append("No errors in this session.", style="italic")
        for entry in reversed(self.entries):
            text.append(f"{entry.time} ", style="dim")
            text.append(safe_text(entry.context), style="bold")
            text.append("\n  ")
            text.append(safe_text(entry.message))
            text.append("\n")
        with Vertical(id="errors-box"):
            yield Static(
                f"Errors this session ({len(self.entries)}), newest first, times UTC",
                id="errors-title",
                markup=False,
            )
            with VerticalScroll(id="errors-body"):
                yield Static(text, markup=False)
            yield Static("esc closes", id="errors-keys", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
