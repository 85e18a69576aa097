"""Name the server a batch of no recorded target was made on, before acting on it.

Batches written before batches kept their target say nothing of the vault they
were made on. Acting on one here (undo) needs the operator to say, on purpose,
that this session's server is that vault: they type its URL, and the core checks
that it is this session's before anything is planned.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.ops.target import Target


class NameServer(ModalScreen[Target | None]):
    """Returns the target typed (its URL), or None to leave the batch alone."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="name-server.cancel")]

    def __init__(self, batch_id: str, here: Target) -> None:
        super().__init__()
        self.batch_id = batch_id
        self.here = here

    def compose(self) -> ComposeResult:
        with Vertical(id="unlock-box"):
            yield Static(
                f"Batch {self.batch_id} was recorded before batches kept their server.\n"
                f"Type the URL of the server it was made on. This session is on "
                f"{self.here.url}: only that server is accepted.",
                id="unlock-title",
                markup=False,
            )
            yield Input(placeholder="https://vault.example.com", id="name-server-url")
            yield Static("enter goes on · esc cancels", id="unlock-keys", markup=False)

    def on_mount(self) -> None:
        self.query_one("#name-server-url", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#name-server-url")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            self.dismiss(Target.of_url(event.value))
        except ValueError:
            event.input.value = ""
            self.notify("That is not an http(s) URL; nothing was done.", markup=False)
