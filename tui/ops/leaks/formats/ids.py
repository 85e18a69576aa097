"""A plain list of ids: each line names an item by kind and identifier.

The lines are what the command line already reads and prints, with the kind on
every line (no positional kind here): ``password 12`` or ``passwords 12`` (a kind
word, ``tui.api.models.kind_named``), or a JSON object with ``kind`` and
``identifier`` (``list --format jsonl``, ``match --format jsonl``, whose lines with
``"identifier": null`` are unmatched findings: skipped and counted), or a JSON
array of such objects (``list --format json``). Blank lines and ``#`` comments are
skipped; any other line is a malformed list. Identifiers follow the client's rule
(``tui.api.models.IDENTIFIER``: digits only).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tui.api.models import IDENTIFIER, ItemRef, kind_named
from tui.ops.leaks.errors import ReportError
from tui.ops.leaks.findings import Draft
from tui.ops.leaks.formats.fields import Fields, Tally


def is_id_object(keys: set[str]) -> bool:
    return {"kind", "identifier"} <= keys


def is_id_line(line: str) -> bool:
    words = line.split()
    return len(words) == 2 and kind_named(words[0]) is not None


def read(document: Any, source: str, tally: Tally) -> Iterator[Draft]:
    """``document``: the lines of the list, or a JSON array of objects."""
    if isinstance(document, list) and all(isinstance(entry, dict) for entry in document):
        for number, entry in enumerate(document, 1):
            draft = _entry(Fields(entry, f"entry {number}", source), tally, number)
            if draft is not None:
                yield draft
        return
    for number, raw in enumerate(document, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("{"):
            yield from _object_line(line, number, source, tally)
            continue
        words = line.split()
        kind = kind_named(words[0]) if len(words) == 2 else None
        if kind is None:
            raise ReportError(
                source,
                f"line {number} is not 'KIND IDENTIFIER' (such as 'password 12' or "
                "'api_secret 7') nor a JSON object with kind and identifier",
            )
        if not IDENTIFIER.fullmatch(words[1]):
            raise ReportError(source, f"line {number}: the identifier is not digits only")
        yield Draft(item=ItemRef(kind, words[1]), path=source, line=number)


def _object_line(line: str, number: int, source: str, tally: Tally) -> Iterator[Draft]:
    try:
        entry = json.loads(line)
    except (ValueError, RecursionError):
        raise ReportError(source, f"line {number} is not valid JSON") from None
    fields = Fields(entry, f"line {number}", source)
    items = fields.raw("items")
    if isinstance(items, list) and not fields.has("identifier"):
        for index, item in enumerate(items, 1):
            draft = _entry(Fields(item, f"line {number} item {index}", source), tally, number)
            if draft is not None:
                yield draft
        return
    draft = _entry(fields, tally, number)
    if draft is not None:
        yield draft


def _entry(fields: Fields, tally: Tally, number: int) -> Draft | None:
    if not fields.has("identifier"):
        if "identifier" in fields.names():
            tally.skipped += 1  # an unmatched finding of ``match``: no item to name
            return None
        raise fields.wrong("identifier", "present")
    identifier = fields.text("identifier").strip()
    if not IDENTIFIER.fullmatch(identifier):
        raise fields.wrong("identifier", "digits only")
    kind = kind_named(fields.text("kind"))
    if kind is None:
        raise fields.wrong("kind", "password or api_secret")
    how = fields.text("how")
    if how and how not in ("value", "client-id", "hash", "id"):
        tally.skipped += 1  # a suggestion of ``match --suggest``: never taken as named
        return None
    return Draft(
        item=ItemRef(kind, identifier, fields.text("name")),
        path=fields.source,
        line=number,
    )
