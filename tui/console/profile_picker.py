"""Pick a profile when the config has several and none was chosen."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, OptionList, Static

from tui.settings.paths import stylesheets


class ProfilePicker(App[str]):
    """Returns the chosen profile's name, or None when the operator leaves."""

    CSS_PATH = stylesheets()  # type: ignore[assignment]
    BINDINGS = [Binding("escape,q", "quit", "Quit")]

    def __init__(self, names: Sequence[str], source: str) -> None:
        super().__init__()
        self.names = list(names)
        self.source = source

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.query_one(OptionList).focus()

    def compose(self) -> ComposeResult:
        yield Static(
            f"Which profile? ({len(self.names)} in {self.source}; "
            "set default_profile or MYSAFE_PROFILE to skip this)",
            id="picker-title",
            markup=False,
        )
        yield OptionList(*self.names, id="picker-list")
        yield Footer()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.exit(self.names[event.option_index])
