"""The two questions of a leak triage: which report to open, and whether to fetch
the stored values a match by value needs (each fetch is an audited view)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

#: What the demo's report dialog takes for the demo's own sample report.
SAMPLE = "sample"


class OpenReport(ModalScreen[str | None]):
    """Returns the path typed (or :data:`SAMPLE` on the demo), None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="report.cancel")]

    def __init__(self, *, demo: bool = False) -> None:
        super().__init__()
        self.demo = demo

    def compose(self) -> ComposeResult:
        sample = f", or {SAMPLE} for the demo's own sample report" if self.demo else ""
        with Vertical(id="report-box"):
            yield Static(
                "Open a leak report: gitleaks JSON or SARIF, trufflehog JSON lines, GitHub "
                "secret-scanning alerts, a detect-secrets baseline or a list of ids. Its "
                "findings are matched to the vault's items; nothing is sent yet.",
                id="report-title",
                markup=False,
            )
            yield Input(placeholder=f"path to the report{sample}", id="report-path")
            yield Static("enter opens · esc cancels", id="report-keys", markup=False)

    def on_mount(self) -> None:
        self.query_one("#report-path", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#report-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = event.value.strip()
        if path:
            self.dismiss(path)


class ConfirmValues(ModalScreen[bool]):
    """``y`` fetches the stored values to compare, ``n`` or ``esc`` matches without."""

    BINDINGS = [
        Binding("y", "fetch", "Fetch", id="values.yes", tooltip="Fetch and compare the values"),
        Binding("escape,n", "cancel", "Not now", id="values.no", tooltip="Match by id only"),
    ]

    def __init__(self, count: int, findings: int) -> None:
        super().__init__()
        self.count = count
        self.findings = findings

    def compose(self) -> ComposeResult:
        with Vertical(id="values-box"):
            yield Static(
                f"Fetch {self.count} stored values to compare with the {self.findings} "
                "leaked ones?",
                id="values-title",
                markup=False,
            )
            yield Static(
                "Each fetch is a view senhasegura records in its audit log, under your "
                "credentials. Values are compared in memory and dropped: never shown, "
                "logged or journalled. Without them, only ids match and metadata suggests.",
                markup=False,
            )
            yield Static("y fetches · n or esc: ids only", id="values-keys", markup=False)
            with Horizontal(id="values-buttons"):
                yield Button("Not now", id="values-cancel", variant="primary")
                yield Button("Fetch", id="values-go")

    def on_mount(self) -> None:
        self.query_one("#values-cancel", Button).focus()

    def action_fetch(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#values-go")
    def _go(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#values-cancel")
    def _cancel(self) -> None:
        self.dismiss(False)
