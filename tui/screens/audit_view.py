"""The audit trail in the app: recent records, filterable, and export of a batch."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.audit import read_audit
from tui.safe_text import safe_text

#: Only the newest records are shown (the file itself keeps everything).
SHOWN = 500
FIELDS = [
    "time",
    "operator",
    "profile",
    "host",
    "batch_id",
    "reason",
    "kind",
    "identifier",
    "name",
    "action",
    "outcome",
    "http_status",
    "code",
    "message",
    "request_id",
]


def describe(record: dict[str, Any]) -> str:
    phase = record.get("phase")
    head = f"{str(record.get('time', ''))[:19]} {record.get('batch_id', '-')}"
    if phase == "outcome":
        code = f" ({record['code']})" if record.get("code") else ""
        return (
            f"{head} {record.get('action')} {record.get('kind')} {record.get('identifier')} "
            f"{record.get('name')!r}: {record.get('outcome')}{code}"
        )
    if phase == "intent":
        return (
            f"{head} sending {record.get('action')} {record.get('kind')} {record.get('identifier')}"
        )
    if phase == "batch":
        reason = f" reason: {record.get('reason')}" if record.get("reason") else ""
        return (
            f"{head} batch {record.get('action')} of {len(record.get('items') or [])} items{reason}"
        )
    return f"{head} {phase} {record.get('summary', '') or record.get('action', '')}"


def export_batch(records: list[dict[str, Any]], batch_id: str, folder: Path) -> tuple[Path, Path]:
    """The outcomes of one batch as CSV and JSON files, readable by their owner only."""
    rows = [
        {field: record.get(field) for field in FIELDS}
        for record in records
        if record.get("phase") == "outcome" and record.get("batch_id") == batch_id
    ]
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS)
    writer.writeheader()
    writer.writerows(rows)
    paths = (folder / f"batch-{batch_id}.csv", folder / f"batch-{batch_id}.json")
    for path, content in zip(paths, (buffer.getvalue(), json.dumps(rows, indent=2)), strict=True):
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
    return paths


class AuditScreen(ModalScreen[None]):
    """Recent audit records; / filters; x exports the newest batch to CSV and JSON."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="audit.close"),
        Binding("slash", "filter", "Filter", key_display="/", id="audit.filter"),
        Binding("x", "export", "Export batch", id="audit.export"),
    ]

    def __init__(self, path: Path, export_folder: Path) -> None:
        super().__init__()
        self.path = path
        self.export_folder = export_folder
        self.records: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="audit-box"):
            yield Static(f"Audit trail: {self.path}", id="audit-title", markup=False)
            yield Input(placeholder="filter: id, name, outcome, batch, reason", id="audit-filter")
            with VerticalScroll(id="audit-body"):
                yield Static("", id="audit-lines", markup=False)
            yield Static(
                "/ filters · x exports the newest batch (CSV and JSON) · esc closes",
                id="audit-keys",
                markup=False,
            )

    def on_mount(self) -> None:
        try:
            self.records = list(read_audit(self.path))
        except OSError as exc:
            self.notify(f"Cannot read {self.path}: {exc.strerror}", severity="error", markup=False)
        self._show("")
        # Start on the list, not in the filter, so x and / are commands.
        self.query_one("#audit-body").focus()

    def _show(self, query: str) -> None:
        terms = query.lower().split()
        lines = [describe(r) for r in self.records[-SHOWN:]]
        if terms:
            lines = [line for line in lines if all(t in line.lower() for t in terms)]
        text = Text("\n".join(safe_text(line) for line in reversed(lines)) or "No records.")
        self.query_one("#audit-lines", Static).update(text)

    @on(Input.Changed, "#audit-filter")
    def _filtered(self, event: Input.Changed) -> None:
        self._show(event.value)

    @on(Input.Submitted, "#audit-filter")
    def _done_filtering(self) -> None:
        self.query_one("#audit-body").focus()

    def action_filter(self) -> None:
        self.query_one("#audit-filter", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys typed into the filter are text, not commands.
        return not (action in ("export", "filter") and isinstance(self.focused, Input))

    def action_export(self) -> None:
        batches = [r.get("batch_id") for r in self.records if r.get("phase") == "outcome"]
        if not batches:
            self.notify("No batch outcomes to export yet.", markup=False)
            return
        batch_id = str(batches[-1])
        try:
            csv_path, json_path = export_batch(self.records, batch_id, self.export_folder)
        except OSError as exc:
            self.notify(f"Export failed: {exc}", severity="error", markup=False)
            return
        self.notify(f"Batch {batch_id} exported to {csv_path} and {json_path}", markup=False)
