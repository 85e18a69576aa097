"""trufflehog v3 JSON lines (``--json``): one result a line, no enclosing array.

Lines that are not results are skipped and counted: its JSON log lines when
stderr was redirected into the report, a banner, a Docker terminal's escape bytes
(those before a result are stripped first, and ``\\r`` line ends too). The value
is taken from ``SecretParts`` (named parts), then ``RawV2`` (and its halves when it
is ``id:secret``), then ``Raw``: all are kept, so a part matches what it is (an
AWS key id meets an API secret's client id, its secret the client secret).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from tui.ops.leaks.findings import Draft, ValueState
from tui.ops.leaks.formats.fields import Fields, Tally

#: Keys only a result line has.
RESULT_KEYS = frozenset({"SourceMetadata", "DetectorName", "DetectorType"})

#: Terminal bytes before a line's JSON (CSI and OSC sequences, other controls).
_LEADING_CONTROLS = re.compile(
    r"^(?:\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|[\x00-\x1f\x7f])+"
)


def clean_line(line: str) -> str:
    return _LEADING_CONTROLS.sub("", line.strip()).strip()


def is_result(keys: set[str]) -> bool:
    return len(keys & RESULT_KEYS) >= 1 and ("Raw" in keys or "SourceMetadata" in keys)


def is_log(keys: set[str]) -> bool:
    return {"level", "msg"} <= keys or {"logger", "msg"} <= keys


def read(lines: list[str], source: str, tally: Tally) -> Iterator[Draft]:
    for number, raw in enumerate(lines, 1):
        line = clean_line(raw)
        if not line:
            continue
        if not line.startswith("{"):
            tally.skipped += 1
            continue
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            tally.skipped += 1
            continue
        if not isinstance(entry, dict) or not is_result({k for k in entry if isinstance(k, str)}):
            tally.skipped += 1
            continue
        yield _result(Fields(entry, f"line {number}", source))


def _result(fields: Fields) -> Draft:
    draft = Draft(rule=fields.text("DetectorName") or fields.text("DetectorType"))
    verified = fields.flag("Verified")
    if verified is False and fields.text("VerificationError"):
        verified = None  # "unknown": verification was attempted and failed to say
    draft.verified = verified
    _location(draft, fields)
    parts = fields.obj("SecretParts")
    if parts is not None:
        draft.values.extend(parts.text(key) for key in sorted(parts.names()))
    raw_v2 = fields.text("RawV2")
    if raw_v2:
        draft.values.append(raw_v2)
        if ":" in raw_v2:
            draft.values.extend(raw_v2.split(":", 1))
    draft.values.append(fields.text("Raw"))
    draft.values = [value for value in dict.fromkeys(draft.values) if value]
    if not draft.values:
        draft.state = ValueState.ABSENT
    return draft


def _location(draft: Draft, fields: Fields) -> None:
    metadata = fields.obj("SourceMetadata")
    data = metadata.obj("Data") if metadata is not None else None
    if data is None:
        return
    for kind in sorted(data.names()):
        place = data.obj(kind)
        if place is None:
            continue
        draft.path = place.text("file") or place.text("path") or place.text("link")
        draft.line = place.line("line")
        draft.commit = place.text("commit")
        draft.repository = place.text("repository") or place.text("bucket")
        draft.url = place.text("link")
        draft.context.extend([place.text("email"), place.text("username")])
        return


def first_result_line(lines: list[str]) -> tuple[bool, bool]:
    """Whether ``lines`` hold a trufflehog result, and whether they hold its log lines
    (a report of log lines only is a scan that found nothing)."""
    logs = False
    for raw in lines[:10_000]:
        line = clean_line(raw)
        if not line.startswith("{"):
            continue
        try:
            entry: Any = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(entry, dict):
            keys = {k for k in entry if isinstance(k, str)}
            if is_result(keys):
                return True, logs
            if is_log(keys) and "trufflehog" in str(entry.get("logger", "")):
                logs = True
    return False, logs
