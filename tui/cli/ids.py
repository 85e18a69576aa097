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
from pathlib import Path
from typing import Any

from tui.api import ItemRef, Kind
from tui.api.models import IDENTIFIER, KIND_WORDS
from tui.cli.errors import CliError

_SEPARATORS = re.compile(r"[\s,]+")

# The identifier rule and the kind words live in the client (``tui.api.models``),
# where the core's readers of id lists use them too; re-exported for the commands.
__all__ = ["KIND_WORDS", "MAX_IDS_BYTES", "parse_ids_text", "read_ids"]


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


def _from_object(entry: Any, kind: Kind, where: str) -> ItemRef:
    if not isinstance(entry, dict):
        return ItemRef(kind, _identifier(entry, where))
    if "identifier" not in entry:
        raise CliError(f"{where} has no identifier")
    named = entry.get("kind")
    if named is not None and named != kind.value:
        raise CliError(
            f"{where} is a {_shown(named)[:40]!r} item but this command acts on "
            f"{kind.value!r} items; nothing was sent"
        )
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


def _from_csv(text: str, kind: Kind, source: str) -> list[ItemRef]:
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


def parse_ids_text(text: str, kind: Kind, source: str) -> list[ItemRef]:
    """The items in ``text`` (one id a line, JSON, JSON Lines or CSV), in order."""
    stripped = text.lstrip()
    if _csv_header(text) is not None:
        return _from_csv(text, kind, source)
    if stripped.startswith("["):
        entries = _json(text, source)
        if not isinstance(entries, list):
            raise CliError(f"{source} is not a JSON array")
        return [_from_object(e, kind, f"{source} entry {n}") for n, e in enumerate(entries, 1)]
    refs: list[ItemRef] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{source} line {number}"
        if line.startswith("{"):
            entry = _json(line, where)
            items = entry.get("items") if isinstance(entry, dict) else None
            if isinstance(items, list) and "identifier" not in entry:
                refs.extend(_from_object(e, kind, where) for e in items)
            else:
                refs.append(_from_object(entry, kind, where))
        else:
            refs.append(ItemRef(kind, _identifier(line, where)))
    return refs


def read_ids(ids: str | None, ids_file: str | None, kind: Kind) -> list[ItemRef]:
    """The items named by ``--ids`` or ``--ids-file``, duplicates dropped."""
    if ids is not None and ids_file is not None:
        raise CliError("--ids and --ids-file: not both; give the items one way")
    if ids is None and ids_file is None:
        raise CliError("give the items with --ids 3,4,5 or --ids-file FILE (- for stdin)")
    if ids is not None:
        words = [word for word in _SEPARATORS.split(ids) if word]
        refs = [ItemRef(kind, _identifier(word, "--ids")) for word in words]
        if not refs:
            raise CliError("--ids is empty; give ids such as --ids 3,4,5")
    else:
        assert ids_file is not None
        source = "stdin" if ids_file == "-" else ids_file
        text = _read_text(ids_file)
        refs = parse_ids_text(text, kind, source)
    unique: dict[str, ItemRef] = {}
    for ref in refs:
        known = unique.get(ref.identifier)
        if known is None or (not known.name and ref.name):
            unique[ref.identifier] = ref
    # Keep the first position of each id (dict order), with the best name seen.
    return list(unique.values())


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
