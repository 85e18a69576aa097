"""Asked before quitting while a batch is still sending."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.ops.wording import plural


class ConfirmQuit(ModalScreen[bool]):
    BINDINGS = [
        Binding("escape,n", "stay", "Stay", id="quit.stay"),
        Binding("y", "leave", "Quit", show=False, id="quit.yes"),
    ]

    def __init__(self, remaining: int, in_flight: int = 0, question: str = "") -> None:
        """``question``: asked instead of the running batch's (the browser demo's)."""
        super().__init__()
        self.remaining = remaining
        self.in_flight = in_flight
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="quit-box"):
            yield Static(
                self.question
                or f"A batch is still running ({plural(self.remaining)} left). Quit anyway?\n"
                f"Nothing more is sent. The {self.in_flight} requests in flight may still "
                "take effect: their answers are awaited for a few seconds and recorded, "
                "those that do not come are recorded as in doubt, and R resumes the "
                "batch at the next start.",
                markup=False,
            )
            yield Static("y quits · n or esc stays", id="quit-keys", markup=False)
            with Horizontal(id="quit-buttons"):
                yield Button("Stay", id="quit-stay", variant="primary")
                yield Button("Quit", id="quit-go", variant="error")

    def on_mount(self) -> None:
        self.query_one("#quit-stay", Button).focus()

    def action_stay(self) -> None:
        self.dismiss(False)

    def action_leave(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#quit-stay")
    def _stay(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#quit-go")
    def _go(self) -> None:
        self.dismiss(True)
