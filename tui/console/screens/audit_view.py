"""The audit journal in the app: batches of every session, export, and reverse.

The list is the journal's batches, newest first: when, who, what, the reason and
what became of the items. Above it, the chain's verdict (``audit --verify``'s):
its head when it holds, else where it breaks. ``x`` exports the highlighted batch to CSV and JSON;
``u`` (or enter) asks to reverse what it changed, after the same confirmation
as any batch.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.base.safe_text import safe_text
from tui.ops import BatchRecord, Session
from tui.ops.chain import verify
from tui.ops.export import export_batch

#: Only the newest batches are listed (the file itself keeps everything).
SHOWN = 500


def describe(batch: BatchRecord) -> str:
    """One line: time (UTC), id, who and on which server, what, how it ended."""
    when = batch.time[:16].replace("T", " ") + " UTC" if batch.time else "-"
    what = f"{batch.action.value} {batch.total}"
    if batch.undoes:
        what += f" (undo of {batch.undoes})"
    if batch.resumes:
        what += f" (resume of {batch.resumes})"
    state = batch.state or "no end on record"
    end = f"{state}: {batch.summary}" if batch.summary else state
    reason = f" · reason: {batch.reason}" if batch.reason else ""
    server = batch.target.url if batch.target else "target unknown"
    who = f"{batch.operator}@{batch.profile}"
    return f"{when}  {batch.batch_id}  {who} on {server}  {what}  {end}{reason}"


class AuditScreen(ModalScreen[BatchRecord | None]):
    """Returns a batch to reverse, or None."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="audit.close", tooltip="Close the audit view"),
        Binding(
            "slash",
            "filter",
            "Filter",
            key_display="/",
            id="audit.filter",
            tooltip="Filter the batches",
        ),
        Binding(
            "x",
            "export",
            "Export batch",
            id="audit.export",
            tooltip="Export it to CSV and JSON, and its incident receipt (Markdown)",
        ),
        Binding(
            "u",
            "reverse",
            "Reverse batch",
            id="audit.reverse",
            tooltip="Reverse what the batch changed (after confirmation; enter too)",
        ),
    ]

    def __init__(self, session: Session, interrupted: Sequence[str] = ()) -> None:
        super().__init__()
        self.session = session
        #: The interrupted batches of this server the console found (oldest first).
        self.interrupted = list(interrupted)
        self.batches: list[BatchRecord] = []
        self._shown: list[BatchRecord] = []
        #: What reading the journal skipped, said above the list ("" when nothing).
        self.skipped = ""
        #: The chain's verdict in one line ("" when there is no journal).
        self.chain = ""

    def compose(self) -> ComposeResult:
        path = self.session.journal_path()
        with Vertical(id="audit-box"):
            yield Static(f"Audit journal: {path}", id="audit-title", markup=False)
            yield Static("", id="audit-notes", markup=False)
            yield Input(placeholder="filter: id, operator, reason, outcome", id="audit-filter")
            yield OptionList(id="audit-batches")
            yield Static(
                "/ filters · x exports the highlighted batch (CSV, JSON) · "
                "u reverses what it changed · esc closes",
                id="audit-keys",
                markup=False,
            )

    def on_mount(self) -> None:
        try:
            reading = self.session.read_journal()
        except OSError as exc:
            self.notify(f"Cannot read the journal: {exc.strerror}", severity="error", markup=False)
        else:
            self.batches = list(reversed(reading.batches))[:SHOWN]
            self.skipped = reading.report.message()
        path = self.session.journal_path()
        if path is not None and path.exists():
            try:
                self.chain = verify(path).summary()
            except OSError as exc:
                self.chain = f"Chain not verified: {exc.strerror or exc}."
        notes = [self.chain] if self.chain else []
        if self.skipped:
            notes.append(f"{self.skipped[:1].upper()}{self.skipped[1:]}.")
        if self.interrupted:
            count = len(self.interrupted)
            ids = ", ".join(self.interrupted[:10]) + (" …" if count > 10 else "")
            what = "1 interrupted batch" if count == 1 else f"{count} interrupted batches"
            notes.append(f"{what} of this server, oldest first (R resumes the oldest): {ids}")
        box = self.query_one("#audit-notes", Static)
        box.update("\n".join(safe_text(note) for note in notes))
        box.display = bool(notes)
        self._show("")
        self.query_one(OptionList).focus()

    def _show(self, query: str) -> None:
        terms = query.lower().split()
        lines = [(batch, safe_text(describe(batch))) for batch in self.batches]
        if terms:
            lines = [(b, line) for b, line in lines if all(t in line.lower() for t in terms)]
        self._shown = [batch for batch, _ in lines]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(Text(line)) for _, line in lines] or [Option("No batches.")])
        options.highlighted = 0 if self._shown else None

    @property
    def highlighted(self) -> BatchRecord | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self._shown):
            return None
        return self._shown[index]

    @on(Input.Changed, "#audit-filter")
    def _filtered(self, event: Input.Changed) -> None:
        self._show(event.value)

    @on(Input.Submitted, "#audit-filter")
    def _done_filtering(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_reverse()

    def action_filter(self) -> None:
        self.query_one("#audit-filter", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys typed into the filter are text, not commands.
        return not (action in ("export", "filter", "reverse") and isinstance(self.focused, Input))

    def action_export(self) -> None:
        batch = self.highlighted
        path = self.session.journal_path()
        if batch is None or path is None:
            self.notify("No batch to export.", markup=False)
            return
        try:
            csv_path, json_path, receipt = export_batch(
                path, batch.batch_id, path.parent / "exports"
            )
        except OSError as exc:
            self.notify(f"Export failed: {exc}", severity="error", markup=False)
            return
        self.notify(
            f"Batch {batch.batch_id} exported to {csv_path} and {json_path}; its incident "
            f"receipt to {receipt}",
            markup=False,
        )

    def action_reverse(self) -> None:
        batch = self.highlighted
        if batch is None:
            return
        if not batch.undoable():
            self.notify(f"Batch {batch.batch_id} changed nothing to reverse.", markup=False)
            return
        self.dismiss(batch)
