"""Asked before fetching a full item: senhasegura records every such view."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.api import ItemSummary
from tui.base.safe_text import safe_text


class ConfirmFetch(ModalScreen[bool]):
    """``y`` or ``enter`` fetches, ``n`` or ``esc`` does not."""

    BINDINGS = [
        Binding("y", "fetch", "Fetch", id="fetch.yes", tooltip="Fetch the full item"),
        Binding("escape,n", "cancel", "Cancel", id="fetch.no", tooltip="Do not fetch"),
    ]

    def __init__(self, item: ItemSummary) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical(id="fetch-box"):
            yield Static(
                f"Fetch {item.kind.noun} {item.identifier} {safe_text(item.name)!r}?",
                id="fetch-title",
                markup=False,
            )
            yield Static(
                "senhasegura records this view in its audit log, under your credentials. "
                "Secret values are never shown here.",
                markup=False,
            )
            yield Static("y fetches · n or esc cancels", id="fetch-keys", markup=False)
            with Horizontal(id="fetch-buttons"):
                yield Button("Cancel", id="fetch-cancel", variant="primary")
                yield Button("Fetch", id="fetch-go")

    def on_mount(self) -> None:
        self.query_one("#fetch-cancel", Button).focus()

    def action_fetch(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#fetch-go")
    def _go(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#fetch-cancel")
    def _cancel(self) -> None:
        self.dismiss(False)
