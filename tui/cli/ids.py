"""Which items a command acts on: ``--ids 3,4,5`` or ``--ids-file FILE`` (``-``: stdin).

A file holds one id a line (blank lines and ``#`` comments skipped), or what
``list`` prints: a JSON array or JSON Lines of objects with ``identifier`` (and
``kind`` and ``name``, used when present). The result of a deactivate in JSON
(``{"items": [...]}``) is accepted too, so it can be fed to ``activate``.
Everything is checked before anything is sent: a bad id is a usage error.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from tui.api import ItemRef, Kind
from tui.cli.errors import CliError

_DIGITS = re.compile(r"[0-9]{1,19}")
_SEPARATORS = re.compile(r"[\s,]+")

KIND_WORDS = {"passwords": Kind.PASSWORD, "secrets": Kind.API_SECRET}


def _identifier(value: object, where: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _DIGITS.fullmatch(value.strip()):
        shown = value if isinstance(value, str) else json.dumps(value)
        raise CliError(f"{shown[:40]!r} ({where}) is not a MySafe identifier (digits only)")
    return value.strip()


def _from_object(entry: Any, kind: Kind, where: str) -> ItemRef:
    if not isinstance(entry, dict):
        return ItemRef(kind, _identifier(entry, where))
    if "identifier" not in entry:
        raise CliError(f"{where} has no identifier")
    named = entry.get("kind")
    if named is not None and named != kind.value:
        raise CliError(
            f"{where} is a {named!r} item but this command acts on {kind.value!r} items; "
            "nothing was sent"
        )
    name = entry.get("name")
    return ItemRef(kind, _identifier(entry["identifier"], where), str(name or ""))


def parse_ids_text(text: str, kind: Kind, source: str) -> list[ItemRef]:
    """The items in ``text`` (one id a line, JSON or JSON Lines), in order."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            entries = json.loads(text)
        except ValueError as exc:
            raise CliError(f"{source} is not valid JSON: {exc}") from None
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
            try:
                entry = json.loads(line)
            except ValueError as exc:
                raise CliError(f"{where} is not valid JSON: {exc}") from None
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
    if (ids is None) == (ids_file is None):
        raise CliError("give the items with --ids 3,4,5 or --ids-file FILE (- for stdin)")
    if ids is not None:
        words = [word for word in _SEPARATORS.split(ids) if word]
        refs = [ItemRef(kind, _identifier(word, "--ids")) for word in words]
        if not refs:
            raise CliError("--ids is empty; give ids such as --ids 3,4,5")
    else:
        assert ids_file is not None
        if ids_file == "-":
            text = sys.stdin.read()
            source = "stdin"
        else:
            try:
                text = Path(ids_file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                why = getattr(exc, "strerror", None) or exc
                raise CliError(f"cannot read --ids-file {ids_file}: {why}") from None
            source = ids_file
        refs = parse_ids_text(text, kind, source)
    unique: dict[str, ItemRef] = {}
    for ref in refs:
        known = unique.get(ref.identifier)
        if known is None or (not known.name and ref.name):
            unique[ref.identifier] = ref
    # Keep the first position of each id (dict order), with the best name seen.
    return list(unique.values())
