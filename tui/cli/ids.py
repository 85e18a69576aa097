"""Which items a command acts on: ``--ids 3,4,5`` or ``--ids-file FILE`` (``-``: stdin).

A file holds one id a line (blank lines and ``#`` comments skipped), or what
``list`` prints: a JSON array, JSON Lines or CSV with an ``identifier`` column (and
``kind`` and ``name``, used when present); the console's exports and ``audit``
write the same shapes. The result of a deactivate in JSON
(``{"items": [...]}``) is accepted too, so it can be fed to ``activate``.
Everything is checked before anything is sent: a bad id is a usage error.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.api import ItemRef, Kind
from tui.api.models import IDENTIFIER, KIND_WORDS
from tui.cli.errors import CliError

_SEPARATORS = re.compile(r"[\s,]+")

# The identifier rule and the kind words live in the client (``tui.api.models``),
# where the core's readers of id lists use them too; re-exported for the commands.
__all__ = [
    "KIND_WORDS", "MAX_IDS_BYTES", "ItemsRead", "parse_ids_text", "read_ids", "read_items",
]  # fmt: skip


#: A file of ids is a few MB at most (100 000 items as ``list`` prints them: ~20 MB).
MAX_IDS_BYTES = 64 * 1024 * 1024


def _shown(value: object) -> str:
    """A JSON value, briefly: a nested array or object is named, not printed (printing
    one nested thousands deep would overflow the stack)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "a JSON array"
    if isinstance(value, dict):
        return "a JSON object"
    return json.dumps(value)


def _identifier(value: object, where: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not IDENTIFIER.fullmatch(value.strip()):
        raise CliError(f"{_shown(value)[:40]!r} ({where}) is not a MySafe identifier (digits only)")
    return value.strip()


def _json(text: str, where: str) -> Any:
    """``text`` parsed, or a one-line CliError (invalid, or nested too deep to parse)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise CliError(f"{where} is JSON nested too deeply to be a list of items") from None
    except ValueError as exc:
        raise CliError(f"{where} is not valid JSON: {exc}") from None


def _kind_of(named: object, kind: Kind | None, where: str) -> Kind:
    """The item's kind: the line's, which must be the command's when one was named."""
    if kind is not None:
        if named is not None and named != kind.value:
            raise CliError(
                f"{where} is a {_shown(named)[:40]!r} item but this command acts on "
                f"{kind.value!r} items; nothing was sent"
            )
        return kind
    if named is None:
        raise CliError(f"{where} does not say its kind: name it (deactivate passwords|secrets ...)")
    found = next((k for k in Kind if k.value == named), None)
    if found is None:
        raise CliError(f"{where}: {_shown(named)[:40]!r} is not a kind of item")
    return found


def _from_object(entry: Any, kind: Kind | None, where: str) -> ItemRef:
    if not isinstance(entry, dict):
        return ItemRef(_kind_of(None, kind, where), _identifier(entry, where))
    if "identifier" not in entry:
        raise CliError(f"{where} has no identifier")
    kind = _kind_of(entry.get("kind"), kind, where)
    name = entry.get("name")
    # A name is for people only: anything but text (a number, a nested value) is dropped.
    text = name if isinstance(name, str) else ""
    return ItemRef(kind, _identifier(entry["identifier"], where), text)


def _csv_header(text: str) -> list[str] | None:
    """The header of a CSV that ``list`` or an export wrote (it names an
    ``identifier`` column), or None when ``text`` is not one."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "," not in first or first.lstrip().startswith(("{", "[", "#")):
        return None
    header = next(csv.reader([first]))
    return header if "identifier" in (name.strip() for name in header) else None


def _from_csv(text: str, kind: Kind | None, source: str) -> list[ItemRef]:
    rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    refs = []
    for number, row in enumerate(rows, 2):
        if not any((value or "").strip() for value in row.values()):
            continue
        where = f"{source} line {number}"
        # A cell a spreadsheet could take for a formula was written with a leading
        # quote; names are for people only, so they stay as written.
        entry = {key.strip(): value for key, value in row.items() if key is not None}
        if not entry.get("kind"):
            entry.pop("kind", None)
        refs.append(_from_object(entry, kind, where))
    return refs


@dataclass
class ItemsRead:
    """The items a file or ``--ids`` names, and what ``match`` lines said of them."""

    refs: list[ItemRef] = field(default_factory=list)
    #: The findings of ``match`` lines, each with the items it matched (none for an
    #: unmatched finding): the batch's journal record keeps them for the receipt.
    findings: list[dict[str, Any]] = field(default_factory=list)
    #: ``match`` lines passed over: findings no item matched, metadata suggestions.
    unmatched: int = 0
    suggestions: int = 0

    def add_match(self, entry: dict[str, Any], kind: Kind | None, where: str) -> None:
        """A line ``match`` printed: its item when the finding matched it (by value,
        hash, client id or id), and the finding's reference either way."""
        key = str(entry.get("finding"))
        finding = next((f for f in self.findings if f["finding"] == key), None)
        if finding is None:
            finding = {name: entry.get(name) for name in FINDING_FIELDS}
            finding["finding"] = key
            finding["items"] = []
            self.findings.append(finding)
        if entry.get("identifier") is None:
            self.unmatched += 1
            return
        if entry.get("marked") is not True:
            self.suggestions += 1
            return
        ref = _from_object(entry, kind, where)
        self.refs.append(ref)
        finding["items"].append({"kind": ref.kind.value, "identifier": ref.identifier})


#: What a batch record keeps of a finding from a ``match`` line (never a value).
FINDING_FIELDS = (
    "finding", "source", "format", "rule", "path", "line", "repository", "commit", "alert",
    "verified",
)  # fmt: skip


def _is_match_line(entry: object) -> bool:
    return isinstance(entry, dict) and "finding" in entry and "how" in entry


def parse_items_text(text: str, kind: Kind | None, source: str) -> ItemsRead:
    """The items in ``text`` (one id a line, JSON, JSON Lines, CSV or ``match``'s
    lines), in order. ``kind`` None: each entry must say its own."""
    read = ItemsRead()
    stripped = text.lstrip()
    if _csv_header(text) is not None:
        read.refs = _from_csv(text, kind, source)
        return read
    if stripped.startswith("["):
        entries = _json(text, source)
        if not isinstance(entries, list):
            raise CliError(f"{source} is not a JSON array")
        for number, entry in enumerate(entries, 1):
            where = f"{source} entry {number}"
            if _is_match_line(entry):
                read.add_match(entry, kind, where)
            else:
                read.refs.append(_from_object(entry, kind, where))
        return read
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{source} line {number}"
        if line.startswith("{"):
            entry = _json(line, where)
            items = entry.get("items") if isinstance(entry, dict) else None
            if _is_match_line(entry):
                read.add_match(entry, kind, where)
            elif isinstance(items, list) and "identifier" not in entry:
                read.refs.extend(_from_object(e, kind, where) for e in items)
            else:
                read.refs.append(_from_object(entry, kind, where))
        else:
            read.refs.append(ItemRef(_kind_of(None, kind, where), _identifier(line, where)))
    return read


def parse_ids_text(text: str, kind: Kind, source: str) -> list[ItemRef]:
    """The items in ``text`` (one id a line, JSON, JSON Lines or CSV), in order."""
    return parse_items_text(text, kind, source).refs


def read_items(ids: str | None, ids_file: str | None, kind: Kind | None) -> ItemsRead:
    """The items named by ``--ids`` or ``--ids-file``, duplicates dropped; ``kind``
    None when the command was given none (each entry then says its own)."""
    if ids is not None and ids_file is not None:
        raise CliError("--ids and --ids-file: not both; give the items one way")
    if ids is None and ids_file is None:
        raise CliError("give the items with --ids 3,4,5 or --ids-file FILE (- for stdin)")
    if ids is not None:
        if kind is None:
            raise CliError("--ids needs the kind: deactivate passwords|secrets --ids 3,4")
        words = [word for word in _SEPARATORS.split(ids) if word]
        read = ItemsRead([ItemRef(kind, _identifier(word, "--ids")) for word in words])
        if not read.refs:
            raise CliError("--ids is empty; give ids such as --ids 3,4,5")
    else:
        assert ids_file is not None
        source = "stdin" if ids_file == "-" else ids_file
        read = parse_items_text(_read_text(ids_file), kind, source)
    unique: dict[tuple[str, str], ItemRef] = {}
    for ref in read.refs:
        known = unique.get(ref.key)
        if known is None or (not known.name and ref.name):
            unique[ref.key] = ref
    # Keep the first position of each item (dict order), with the best name seen.
    read.refs = list(unique.values())
    return read


def read_ids(ids: str | None, ids_file: str | None, kind: Kind) -> list[ItemRef]:
    """The items named by ``--ids`` or ``--ids-file``, duplicates dropped."""
    return read_items(ids, ids_file, kind).refs


def _read_text(ids_file: str) -> str:
    """The text of ``--ids-file`` (``-``: stdin), or a one-line CliError naming it:
    unreadable, a directory, too big, not UTF-8 or holding NUL bytes (binary)."""
    shown = "--ids-file - (stdin)" if ids_file == "-" else f"--ids-file {ids_file[:200]!r}"
    try:
        if ids_file == "-":
            stream = getattr(sys.stdin, "buffer", None)
            data = stream.read(MAX_IDS_BYTES + 1) if stream is not None else None
            if data is None:  # a text-only stdin (a test's): its text as UTF-8
                data = sys.stdin.read(MAX_IDS_BYTES + 1).encode("utf-8", "surrogateescape")
        else:
            with Path(ids_file).open("rb") as handle:
                data = handle.read(MAX_IDS_BYTES + 1)
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        raise CliError(f"cannot read {shown}: {why}") from None
    if len(data) > MAX_IDS_BYTES:
        raise CliError(
            f"{shown} is bigger than {MAX_IDS_BYTES // (1024 * 1024)} MB; "
            "split it into smaller batches"
        )
    if b"\x00" in data:
        raise CliError(f"{shown} holds NUL bytes: it is not a text file of ids")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CliError(f"{shown} is not UTF-8 text (byte {exc.start + 1})") from None
