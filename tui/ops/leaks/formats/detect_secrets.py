"""A detect-secrets baseline: ``results`` maps each file to its secrets, each with
``hashed_secret``, the SHA-1 hex of the value (never the value). The
PrivateKeyDetector hashes only the key's header line, so its entries name a place
but cannot be matched to a stored key (``UNMATCHABLE``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tui.ops.leaks.findings import Draft, ValueState
from tui.ops.leaks.formats.fields import Fields, Tally

#: The type label of PrivateKeyDetector's entries.
PRIVATE_KEY = "Private Key"

_SHA1_HEX = re.compile(r"[0-9a-fA-F]{40}")


def is_baseline(keys: set[str]) -> bool:
    return "results" in keys and bool(keys & {"plugins_used", "generated_at", "filters_used"})


def read(document: Any, source: str, tally: Tally) -> Iterator[Draft]:
    top = Fields(document, "the baseline", source)
    results = top.obj("results")
    if results is None:
        return
    for file_number, filename in enumerate(sorted(results.names()), 1):
        for number, entry in enumerate(results.items(filename), 1):
            yield _secret(Fields(entry, f"file {file_number} secret {number}", source), filename)


def _secret(fields: Fields, filename: str) -> Draft:
    kind = fields.text("type")
    draft = Draft(
        rule=kind,
        path=fields.text("filename") or filename,
        line=fields.line("line_number"),
        verified=True if fields.flag("is_verified") else None,
    )
    hashed = fields.text("hashed_secret")
    if kind == PRIVATE_KEY:
        draft.state = ValueState.UNMATCHABLE
    elif not hashed:
        draft.state = ValueState.ABSENT
    elif not _SHA1_HEX.fullmatch(hashed):
        raise fields.wrong("hashed_secret", "a SHA-1 (40 hex digits)")
    else:
        draft.sha1 = hashed
    return draft
