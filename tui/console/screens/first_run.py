"""Shown when nothing is configured: this is a demo, and how to connect for real."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

DEMO_TEXT = (
    "Nothing is configured, so this is a DEMO: the passwords and API secrets are fake, "
    "served by a simulator inside this program. Nothing you do here reaches a real "
    "senhasegura, and every message is marked DEMO."
)


def connect_text(config_path: str) -> str:
    return (
        "To use your server, either set in the environment\n"
        "  MYSAFE_URL=https://senhasegura.example.com\n"
        "  MYSAFE_CLIENT_ID=<your A2A client id>\n"
        "  MYSAFE_CLIENT_SECRET=<its secret>\n"
        "(the secret may live in the OS keyring instead), or add a [profiles.NAME]\n"
        f"table to {config_path}, and start mysafe-tui again.\n"
        "--demo starts the demo without this screen."
    )


class FirstRunScreen(ModalScreen[bool]):
    """enter or esc: on to the demo; q: quit (returns False)."""

    BINDINGS = [
        Binding("enter,escape", "demo", "Try the demo", id="first_run.demo"),
        Binding("q", "leave", "Quit", id="first_run.quit"),
    ]

    def __init__(self, config_path: str) -> None:
        super().__init__()
        self.config_path = config_path

    def compose(self) -> ComposeResult:
        with Vertical(id="first-run-box"):
            yield Static("mysafe-tui: demo mode", id="first-run-title", markup=False)
            yield Static(DEMO_TEXT, markup=False)
            yield Static(connect_text(self.config_path), id="first-run-connect", markup=False)
            yield Static("enter tries the demo · q quits", id="first-run-keys", markup=False)

    def action_demo(self) -> None:
        self.dismiss(True)

    def action_leave(self) -> None:
        self.dismiss(False)
