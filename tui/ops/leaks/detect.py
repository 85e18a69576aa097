"""Which format a report is, from its content alone (never its name).

JSON documents are told by their shape and key names: a SARIF log (``runs`` and
``version``), a detect-secrets baseline (``results`` and ``plugins_used``), an
array of gitleaks findings (``RuleID``, ``Secret``...) or of GitHub alerts
(``secret_type``, ``number`` and ``html_url``), or of listed items (``kind`` and
``identifier``). Pages that ``gh api --paginate`` printed one after another are
read as one array. Text of lines is trufflehog JSON lines (a line with
``SourceMetadata``/``DetectorName``) or a list of ids. No bytes, ``[]`` and
``null`` are an empty report.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tui.ops.leaks.errors import ReportError
from tui.ops.leaks.findings import ReportFormat
from tui.ops.leaks.formats import detect_secrets, github, gitleaks, ids, sarif, trufflehog

#: The formats this reader knows, as an error names them.
KNOWN = (
    "gitleaks JSON, SARIF 2.1.0, trufflehog JSON lines, GitHub secret-scanning alerts, "
    "a detect-secrets baseline or a list of ids"
)


def _keys(entry: dict[Any, Any]) -> set[str]:
    return {key for key in entry if isinstance(key, str)}


def _json_error(exc: ValueError) -> str:
    # JSONDecodeError's own words carry positions only, never the text.
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
    return "invalid JSON"


def _pages(text: str) -> list[Any] | None:
    """Arrays printed one after another (``gh api --paginate``), as one; None when
    ``text`` is not that."""
    decoder = json.JSONDecoder()
    found: list[Any] = []
    index, end = 0, len(text)
    while True:
        while index < end and text[index] in " \t\r\n":
            index += 1
        if index == end:
            return found
        try:
            page, index = decoder.raw_decode(text, index)
        except (ValueError, RecursionError):
            return None
        if not isinstance(page, list):
            return None
        found.extend(page)


def detect(text: str, source: str) -> tuple[ReportFormat, Any]:
    """The format of a decoded report and its document: the parsed JSON, or the
    lines of a line format."""
    stripped = text.strip()
    if not stripped or stripped == "null":  # betterleaks writes null for no findings
        return ReportFormat.EMPTY, []
    if stripped[0] in "[{" or stripped[0].isdigit() or stripped[0] in '"-':
        try:
            document = json.loads(stripped)
        except RecursionError:
            raise ReportError(source, "is JSON nested too deeply to be a report") from None
        except ValueError as exc:
            if stripped[0] == "[":
                pages = _pages(stripped)
                if pages is not None:
                    return _of_json(pages, source)
            found = _of_lines(stripped.splitlines(), source)
            if found is not None:
                return found
            raise ReportError(source, f"is not valid JSON: {_json_error(exc)}") from None
        return _of_json(document, source)
    found = _of_lines(stripped.splitlines(), source)
    if found is not None:
        return found
    raise ReportError(source, f"is not a report this tool reads ({KNOWN})")


def _of_json(document: Any, source: str) -> tuple[ReportFormat, Any]:
    if document is None:
        return ReportFormat.EMPTY, []
    if isinstance(document, dict):
        keys = _keys(document)
        if sarif.is_sarif(keys):
            return ReportFormat.SARIF, document
        if detect_secrets.is_baseline(keys):
            return ReportFormat.DETECT_SECRETS, document
        if github.is_alert(keys):
            return ReportFormat.GITHUB, [document]
        if trufflehog.is_result(keys):
            return ReportFormat.TRUFFLEHOG, [json.dumps(document)]
        if ids.is_id_object(keys) or isinstance(document.get("items"), list):
            return ReportFormat.ID_LIST, [json.dumps(document)]
        raise ReportError(source, f"is a JSON object but not a report this tool reads ({KNOWN})")
    if not isinstance(document, list):
        raise ReportError(source, f"is a single JSON value, not a report ({KNOWN})")
    if document and all(isinstance(page, list) for page in document):
        document = [entry for page in document for entry in page]  # gh api --slurp
    if not document:
        return ReportFormat.EMPTY, []
    first = document[0]
    if not isinstance(first, dict):
        raise ReportError(source, "is a JSON array whose entries are not objects")
    tests: tuple[tuple[Callable[[set[str]], bool], ReportFormat], ...] = (
        (gitleaks.is_gitleaks, ReportFormat.GITLEAKS),
        (github.is_alert, ReportFormat.GITHUB),
        (ids.is_id_object, ReportFormat.ID_LIST),
    )
    keys = _keys(first)
    for test, report_format in tests:
        if test(keys):
            return report_format, document
    raise ReportError(source, f"is a JSON array but not of findings this tool reads ({KNOWN})")


def _of_lines(lines: list[str], source: str) -> tuple[ReportFormat, Any] | None:
    results, logs = trufflehog.first_result_line(lines)
    if results or logs:
        return ReportFormat.TRUFFLEHOG, lines
    meaningful = [
        line.strip() for line in lines if line.strip() and not line.strip().startswith("#")
    ]
    if not meaningful:
        return ReportFormat.EMPTY, []
    first = meaningful[0]
    if ids.is_id_line(first):
        return ReportFormat.ID_LIST, lines
    if first.startswith("{"):
        try:
            entry = json.loads(first)
        except (ValueError, RecursionError):
            return None
        if isinstance(entry, dict) and (
            ids.is_id_object(_keys(entry)) or isinstance(entry.get("items"), list)
        ):
            return ReportFormat.ID_LIST, lines
    return None
