"""gitleaks JSON: one array of findings (``gitleaks git|dir -f json``), v8, and v7's
older object by its key names.

The value is ``Secret`` (never the whole ``Match``, which holds the key name and
quotes too). ``--redact`` writes ``REDACTED`` (``REDACT`` before v8.12), and
``--redact=N`` keeps a prefix and appends ``...``: either way the finding keeps no
value, and the visible prefix is kept out of its context words.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tui.ops.leaks.findings import Draft, ValueState
from tui.ops.leaks.formats.fields import Fields, Tally

#: Keys that say a JSON array's objects are gitleaks findings (v8, then v7).
V8_KEYS = frozenset({"RuleID", "Secret", "Match", "StartLine", "Fingerprint"})
V7_KEYS = frozenset({"offender", "lineNumber", "leakURL", "offenderEntropy"})

REDACTED = ("REDACTED", "REDACT")


def is_gitleaks(keys: set[str]) -> bool:
    return len(keys & V8_KEYS) >= 2 or len(keys & V7_KEYS) >= 2


def redaction(secret: str) -> tuple[bool, str]:
    """Whether gitleaks redacted ``secret``, and the prefix it left visible."""
    if secret in REDACTED:
        return True, ""
    if secret.endswith("..."):
        return True, secret[:-3]
    return False, ""


def repository_of(link: str) -> str:
    """``github.com/acme/app`` from a gitleaks ``Link`` (``.../blob/<commit>/path``)."""
    for marker in ("/-/blob/", "/blob/", "/src/"):
        if marker in link:
            head = link.split(marker, 1)[0]
            return head.split("://", 1)[-1]
    return ""


def read(document: Any, source: str, tally: Tally) -> Iterator[Draft]:
    for number, entry in enumerate(document, 1):
        fields = Fields(entry, f"finding {number}", source)
        if "RuleID" in fields.names() or "Secret" in fields.names():
            yield _v8(fields)
        else:
            yield _v7(fields)


def _v8(fields: Fields) -> Draft:
    secret = fields.text("Secret")
    link = fields.text("Link")
    draft = Draft(
        rule=fields.text("RuleID"),
        path=fields.text("File"),
        line=fields.line("StartLine"),
        commit=fields.text("Commit"),
        url=link,
        repository=repository_of(link),
        context=[fields.text("Match"), fields.text("Description"), *fields.texts("Tags")],
    )
    _value(draft, secret)
    return draft


def _v7(fields: Fields) -> Draft:
    link = fields.text("leakURL")
    draft = Draft(
        rule=fields.text("rule"),
        path=fields.text("file"),
        line=fields.line("lineNumber"),
        commit=fields.text("commit"),
        url=link,
        repository=fields.text("repoURL") or fields.text("repo") or repository_of(link),
        context=[fields.text("line")],
    )
    _value(draft, fields.text("offender"))
    return draft


def _value(draft: Draft, secret: str) -> None:
    redacted, prefix = redaction(secret)
    if redacted:
        draft.state = ValueState.REDACTED
        if prefix:
            draft.withheld.append(prefix)
    elif secret:
        draft.values.append(secret)
    else:
        # A path-only rule ("file detected: <path>") names no value.
        draft.state = ValueState.ABSENT
