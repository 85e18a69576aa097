"""Server-side filters, for safes too large to list whole."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.api import Kind

LABELS = {
    "tag": "Tag",
    "name": "Name",
    "username": "Username",
    "url": "URL",
    "identifier_code": "Identifier code",
}


class ServerFilterDialog(ModalScreen[dict[str, str] | None]):
    """Asks for the filters the API offers for a kind. Returns None on cancel."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="filter.cancel")]

    def __init__(self, kind: Kind, current: dict[str, str]) -> None:
        super().__init__()
        self.kind = kind
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="server-filter-box"):
            yield Static(
                f"Ask the server for {self.kind.noun}s matching:",
                id="server-filter-title",
                markup=False,
            )
            for key in self.kind.filters:
                with Horizontal(classes="server-filter-row"):
                    yield Label(LABELS[key], markup=False)
                    yield Input(self.current.get(key, ""), id=f"sf-{key}")
            yield Static(
                "enter applies · empty fields are not sent · esc cancels",
                id="server-filter-keys",
                markup=False,
            )
            with Horizontal(id="server-filter-buttons"):
                yield Button("Cancel", id="sf-cancel")
                yield Button("Clear all", id="sf-clear")
                yield Button("Apply", id="sf-apply", variant="primary")

    def _values(self) -> dict[str, str]:
        values = {}
        for key in self.kind.filters:
            value = self.query_one(f"#sf-{key}", Input).value.strip()
            if value:
                values[key] = value
        return values

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#sf-apply")
    def _apply(self) -> None:
        self.dismiss(self._values())

    @on(Button.Pressed, "#sf-clear")
    def _clear(self) -> None:
        self.dismiss({})

    @on(Button.Pressed, "#sf-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
