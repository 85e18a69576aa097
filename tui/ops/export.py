"""The journal's exports: a batch's outcomes as CSV and JSON, safe to open anywhere.

``outcome`` is the machine value (:class:`tui.api.Result`), the one every command
prints, whatever an older journal wrote there; ``message`` has the words.

Names and messages come from the server. In a CSV they must not become formulas
(a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is
prefixed with ``'``, as OWASP advises) nor carry terminal escapes (``cat`` of the
file must not write to the clipboard or retitle the window).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from tui.api import ItemSummary
from tui.base.safe_text import safe_text
from tui.ops.receipts import BatchStory, receipt_markdown
from tui.ops.records import read_records, result_of
from tui.ops.target import Target, describe

FIELDS = [
    "time",
    "operator",
    "profile",
    "host",
    #: The batch's vault (scheme, host, port, path), "target unknown" for older ones.
    "server",
    "batch_id",
    "reason",
    "kind",
    "identifier",
    "name",
    "action",
    #: The machine value (tui.api.Result), as every command prints it.
    "outcome",
    #: The guard that kept the item back, for a ``refused`` outcome.
    "guard",
    "http_status",
    "code",
    "message",
    "request_id",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> str:
    """Text a spreadsheet shows as text: no formula, no control characters."""
    if value is None:
        return ""
    text = safe_text(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def rows_by_batch(records: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Every outcome as an export row, per batch, in one pass over the journal."""
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    servers: dict[str, str] = {}
    for record in records:
        phase = record.get("phase")
        batch_id = str(record.get("batch_id"))
        if phase == "batch":
            servers[batch_id] = describe(Target.from_record(record.get("target")))
        elif phase == "outcome":
            row = {field: record.get(field) for field in FIELDS}
            row["server"] = servers.get(batch_id, describe(None))
            # Older journals held words here ("deactivated", "in doubt").
            row["outcome"] = result_of(record).value
            rows[batch_id].append(row)
    return rows


def batch_rows(records: list[dict[str, Any]], batch_id: str) -> list[dict[str, Any]]:
    return rows_by_batch(records).get(batch_id, [])


def csv_text(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: spreadsheet_cell(value) for key, value in row.items()})
    return buffer.getvalue()


def json_text(rows: list[dict[str, Any]]) -> str:
    # ensure_ascii: every control character and escape is written as \uXXXX text.
    return json.dumps(rows, indent=2, ensure_ascii=True)


def _write_private(path: Path, content: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
        handle.write(content)


def export_batch(journal_path: Path, batch_id: str, folder: Path) -> tuple[Path, Path, Path]:
    """The outcomes of one batch as CSV and JSON files, and its incident receipt in
    Markdown (``tui.ops.receipts``), readable by their owner only."""
    records = list(read_records(journal_path))
    rows = batch_rows(records, batch_id)
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, json_path = folder / f"batch-{batch_id}.csv", folder / f"batch-{batch_id}.json"
    receipt_path = folder / f"batch-{batch_id}-receipt.md"
    _write_private(csv_path, csv_text(rows))
    _write_private(json_path, json_text(rows))
    story = BatchStory.from_records(records, batch_id)
    if story is not None:
        _write_private(receipt_path, receipt_markdown(story, journal=str(journal_path)))
    return csv_path, json_path, receipt_path


# -- items: what `list` prints and the console exports (an --ids-file for a script) ----

#: Every field of a listed item, in output order.
ITEM_FIELDS = (
    "kind",
    "identifier",
    "name",
    "username",
    "url",
    "tags",
    "identifier_code",
    "can_view",
    "can_write",
    "need_justify",
    "need_approval",
)


def item_object(item: ItemSummary, fields: Sequence[str] = ITEM_FIELDS) -> dict[str, Any]:
    """The item as data: its text exactly as the server sent it (JSON escapes it;
    CSV cells go through :func:`csv_cell`, which makes them safe)."""
    text = item.exact_text if item.exact is not None else None
    full: dict[str, Any] = {
        "kind": item.kind.value,
        "identifier": item.identifier,
        "name": text("name") if text else item.name,
        "username": text("username") if text else item.username,
        "url": text("url") if text else item.url,
        "tags": tag_list(text("tags")) if text else item.tag_list,
        "identifier_code": text("identifier_code") if text else item.identifier_code,
        "can_view": item.can_view,
        "can_write": item.can_write,
        "need_justify": item.need_justify,
        "need_approval": item.need_approval,
    }
    if fields is ITEM_FIELDS:  # the usual case: no second dictionary per item
        return full
    return {name: full[name] for name in fields}


def tag_list(tags: str) -> list[str]:
    return [tag.strip() for tag in tags.split(",") if tag.strip()]


def csv_cell(value: Any) -> str:
    """A value as spreadsheet-safe text: lists joined, booleans as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = ", ".join(str(part) for part in value)
    return spreadsheet_cell(value)


def export_items(items: Iterable[ItemSummary], folder: Path, stem: str) -> tuple[Path, Path]:
    """Items as JSONL (the shape ``list --format jsonl`` prints, so ``--ids-file``
    reads it) and as a spreadsheet-safe CSV; files readable by their owner only."""
    objects = [item_object(item) for item in items]
    folder.mkdir(parents=True, exist_ok=True)
    jsonl_path, csv_path = folder / f"{stem}.jsonl", folder / f"{stem}.csv"
    _write_private(jsonl_path, "".join(json.dumps(o, ensure_ascii=True) + "\n" for o in objects))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ITEM_FIELDS)
    writer.writerows([csv_cell(value) for value in o.values()] for o in objects)
    _write_private(csv_path, buffer.getvalue())
    return jsonl_path, csv_path
