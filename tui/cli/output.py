"""What the commands print on stdout: JSON, JSON Lines, CSV and a table for people.

JSON and JSONL are the contracts: field names and values are stable, text is
written with ``ensure_ascii`` (every control character or escape as ``\\uXXXX``
text, so ``cat`` of the output cannot drive the terminal). CSV cells are made
safe for spreadsheets by ``tui.ops.export.spreadsheet_cell`` (no formula, no
control character). The table is for people and may change.
"""

from __future__ import annotations

import csv
import json
import shutil
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from tui.base.safe_text import safe_text
from tui.cli.errors import CliError
from tui.ops import ItemOutcome
from tui.ops.export import ITEM_FIELDS, csv_cell
from tui.ops.outcomes import result_counts

#: Lines written per call when streaming a large list.
CHUNK = 2000


def parse_fields(text: str | None) -> tuple[str, ...]:
    """``--fields identifier,name``: known names only, in the order given."""
    if text is None:
        return ITEM_FIELDS
    wanted = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in ITEM_FIELDS]
    if unknown or not wanted:
        raise CliError(
            f"unknown field {', '.join(unknown) or '(none given)'} for --fields; "
            f"choose from {','.join(ITEM_FIELDS)}"
        )
    return tuple(dict.fromkeys(wanted))


def outcome_object(outcome: ItemOutcome) -> dict[str, Any]:
    ref = outcome.ref
    return {
        "kind": ref.kind.value,
        "identifier": ref.identifier,
        "name": ref.name,
        "outcome": outcome.result.value,
        "message": outcome.message,
        "http_status": outcome.http_status,
        "code": outcome.code,
        "request_id": outcome.request_id,
    }


def batch_object(
    batch_id: str | None, action: str, outcomes: Sequence[ItemOutcome], **extra: Any
) -> dict[str, Any]:
    """The result of a deactivate, activate or undo (``--format json``)."""
    return {
        "batch_id": batch_id,
        "action": action,
        **extra,
        "items": [outcome_object(outcome) for outcome in outcomes],
        "summary": result_counts(outcomes),
    }


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True)


def write_json_array(stream: TextIO, objects: Iterable[dict[str, Any]]) -> None:
    """One array, an object a line: valid JSON, streamed, readable with ``less``."""
    first = True
    chunk: list[str] = []
    for value in objects:
        chunk.append(("[\n" if first else ",\n") + dumps(value))
        first = False
        if len(chunk) >= CHUNK:
            stream.write("".join(chunk))
            chunk.clear()
    chunk.append("[]\n" if first else "\n]\n")
    stream.write("".join(chunk))


def write_json_lines(stream: TextIO, objects: Iterable[dict[str, Any]]) -> None:
    chunk: list[str] = []
    for value in objects:
        chunk.append(dumps(value) + "\n")
        if len(chunk) >= CHUNK:
            stream.write("".join(chunk))
            chunk.clear()
    stream.write("".join(chunk))


def write_csv(stream: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    writer = csv.writer(stream)
    writer.writerow(header)
    chunk: list[list[str]] = []
    for row in rows:
        chunk.append([csv_cell(value) for value in row])
        if len(chunk) >= CHUNK:
            writer.writerows(chunk)
            chunk.clear()
    writer.writerows(chunk)


# -- the table, for people ---------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells (with an ellipsis), then padded."""
    if _width(text) > width:
        out, used = [], 0
        for char in text:
            cells = _width(char)
            if used + cells > width - 1:
                break
            out.append(char)
            used += cells
        text = "".join(out) + "…"
    return text + " " * max(0, width - _width(text))


def write_table(
    stream: TextIO,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    flex: int = 1,
    total: int | None = None,
) -> None:
    """Columns as wide as their content; column ``flex`` shrinks to fit the terminal."""
    cells = [[safe_text(csv_cell(v) if not isinstance(v, str) else v) for v in row] for row in rows]
    widths = [_width(name) for name in header]
    for row in cells[:2000]:  # a sample: a 100 000-row table is not read by anyone
        widths = [max(w, _width(cell)) for w, cell in zip(widths, row, strict=False)]
    room = total or shutil.get_terminal_size((120, 24)).columns
    over = sum(widths) + 2 * (len(widths) - 1) - room
    if over > 0:
        widths[flex] = max(8, widths[flex] - over)
    lines = ["  ".join(_fit(name.upper(), w) for name, w in zip(header, widths, strict=True))]
    for row in cells:
        lines.append("  ".join(_fit(cell, w) for cell, w in zip(row, widths, strict=False)))
    stream.write("\n".join(line.rstrip() for line in lines) + "\n")
