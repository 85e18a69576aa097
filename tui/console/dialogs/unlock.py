"""Unlock writing on a production profile, on purpose: type the profile's name."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class UnlockWriting(ModalScreen[str | None]):
    """Returns the name typed (the session checks it and journals the unlock)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="unlock.cancel")]

    def __init__(self, profile: str) -> None:
        super().__init__()
        self.profile = profile

    def compose(self) -> ComposeResult:
        with Vertical(id="unlock-box"):
            yield Static(
                f"Profile {self.profile!r} is production and read-only.\n"
                "Allow deactivate and undo for this session? The unlock is written "
                "to the audit journal first; W locks again.",
                id="unlock-title",
                markup=False,
            )
            yield Input(placeholder=f"type {self.profile} to unlock", id="unlock-name")
            yield Static("enter unlocks · esc cancels", id="unlock-keys", markup=False)

    def on_mount(self) -> None:
        self.query_one("#unlock-name", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#unlock-name")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() == self.profile:
            self.dismiss(event.value.strip())
        else:
            event.input.value = ""
            self.notify(f"That is not {self.profile!r}; nothing was unlocked.", markup=False)
