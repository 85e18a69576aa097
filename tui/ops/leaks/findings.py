"""A finding: what a scanner reported, made safe where it enters.

Every text field comes from an untrusted report and is made safe once, here
(:func:`build`), the way server text is where it leaves ``tui.api``:
``tui.base.safe_text.clean_text`` (no control characters, no escape sequences,
nothing a terminal obeys, one line) and a length cap. Markup is not interpreted
where it is drawn (``markup=False`` or ``Text``), and a spreadsheet export makes
cells inert with ``tui.ops.export.spreadsheet_cell``, as for every other export.

The leaked value is a :class:`~tui.ops.leaks.values.LeakedValue` (digests only,
never shown); a finding is told apart by its rule, its location and a short
fingerprint: an HMAC under a salt drawn for the reading (never stored), so that
the fingerprint of a weak password cannot be brute-forced from a receipt.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tui.api.models import ItemRef
from tui.base.safe_text import clean_text
from tui.ops.leaks.values import LeakedValue

#: A text field of a finding keeps at most this many characters.
FIELD_CHARS = 1000
#: Hex digits of a fingerprint: enough to tell a report's findings apart by eye.
FINGERPRINT_CHARS = 12
#: Words kept from a finding's context for ranking suggestions.
MAX_CONTEXT_WORDS = 200

_WORDS = re.compile(r"[a-z0-9][a-z0-9._@-]*[a-z0-9]")


class ReportFormat(StrEnum):
    GITLEAKS = "gitleaks"
    SARIF = "sarif"
    TRUFFLEHOG = "trufflehog"
    GITHUB = "github"
    DETECT_SECRETS = "detect-secrets"
    ID_LIST = "ids"
    #: An empty report (no bytes, ``[]``, ``null``): whatever wrote it found nothing.
    EMPTY = "empty"


class ValueState(StrEnum):
    """What a finding holds of the leaked value, and so how it can be matched."""

    #: The value (digests of it): matched by value, in constant time.
    PRESENT = "present"
    #: The SHA-1 of the value (detect-secrets): matched by hashing stored values.
    HASHED = "hashed"
    #: The scanner redacted it (gitleaks ``--redact``): metadata only.
    REDACTED = "redacted"
    #: The report carries no value (trufflehog SARIF, ``hide_secret``, path rules).
    ABSENT = "absent"
    #: A hash of something else than the value (detect-secrets' private-key header).
    UNMATCHABLE = "unmatchable"
    #: A line of an id list: it names the item itself.
    NAMED = "named"


def safe_field(value: str) -> str:
    """Report text as a finding holds it: one safe line of at most ``FIELD_CHARS``."""
    value = clean_text(value)
    return value if len(value) <= FIELD_CHARS else value[: FIELD_CHARS - 1] + "…"


def repository_name(text: str) -> str:
    """A repository as one name whoever reported it: ``github.com/acme/app`` for
    ``https://github.com/acme/app.git``, ``git@github.com:acme/app.git`` and
    ``github.com/acme/app/``; other text as it is."""
    text = text.strip()
    if text.startswith("git@") and ":" in text:
        text = text[4:].replace(":", "/", 1)
    text = text.split("://", 1)[-1]
    if "@" in text.split("/", 1)[0]:
        text = text.split("@", 1)[1]  # user:password@host: never kept
    text = text.rstrip("/")
    return text[:-4] if text.endswith(".git") else text


@dataclass(frozen=True, slots=True)
class Location:
    """Where a leak was found, as the format has it (absent parts are empty/None)."""

    path: str = ""
    line: int | None = None
    repository: str = ""
    commit: str = ""
    #: A GitHub secret-scanning alert's number (per repository).
    alert: int | None = None
    #: A link to the place (gitleaks ``Link``, an alert's ``html_url``).
    url: str = ""

    def describe(self) -> str:
        """``acme/app config/app.env:12 at 1111111``, ``acme/app alert #7 (src/a.py:3)``."""
        where = self.path
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        parts = [self.repository] if self.repository else []
        if self.alert is not None:
            parts.append(f"alert #{self.alert}")
            if where:
                parts.append(f"({where})")
        elif where:
            parts.append(where)
        if self.commit:
            parts.append(f"at {self.commit[:7]}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Finding:
    """One leak a report names. Equal findings are the same leak (the value aside:
    it is compared by the fingerprint, which covers it)."""

    #: The report it came from, as the operator named it (``stdin`` for ``-``).
    source: str
    format: ReportFormat
    #: The scanner's rule or detector (``generic-api-key``, ``AWS``, ``Secret Keyword``).
    rule: str
    location: Location
    #: Whether the scanner verified the secret is live: None when it does not say.
    verified: bool | None
    fingerprint: str
    value_state: ValueState
    #: Digests of the leaked value; None when the report has none (``value_state``).
    value: LeakedValue | None = field(default=None, repr=False, compare=False)
    #: The item an id list names (``value_state`` NAMED).
    item: ItemRef | None = None
    #: Lowercase words of the finding's path, repository, rule and matched text (the
    #: value's own words left out), for ranking suggestions. Never shown.
    context: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    @property
    def matchable_by_value(self) -> bool:
        return self.value is not None and not self.value.dropped

    def summary(self) -> str:
        """``generic-api-key in config/app.env:12 at 1111111``: a line for a reason or
        a log (no value, no fingerprint)."""
        if self.item is not None:
            named = f"{self.item.kind.noun} {self.item.identifier}"
            return f"{named} listed in {self.location.describe() or self.source}"
        where = self.location.describe()
        rule = self.rule or self.format.value
        return f"{rule} in {where}" if where else rule

    def reference(self) -> dict[str, Any]:
        """What a journal record or a receipt keeps of the finding: where it was and
        which rule, never anything of the value."""
        return {
            "finding": self.fingerprint,
            "source": self.source,
            "format": self.format.value,
            "rule": self.rule,
            "path": self.location.path,
            "line": self.location.line,
            "repository": self.location.repository,
            "commit": self.location.commit,
            "alert": self.location.alert,
            "verified": self.verified,
        }


@dataclass(slots=True)
class Draft:
    """A finding as a format's parser reads it: raw report text, not yet safe."""

    rule: str = ""
    path: str = ""
    line: int | None = None
    repository: str = ""
    commit: str = ""
    alert: int | None = None
    url: str = ""
    verified: bool | None = None
    #: The leaked value, or its parts (an id and a secret), as printed.
    values: list[str] = field(default_factory=list)
    #: A SHA-1 hex of the value (detect-secrets).
    sha1: str | None = None
    #: Why there is no value, when there is none on purpose.
    state: ValueState | None = None
    item: ItemRef | None = None
    #: Report text around the value (a matched line, a message), for suggestions only.
    context: list[str] = field(default_factory=list)
    #: Text whose words must not reach the context (a redacted value's visible prefix).
    withheld: list[str] = field(default_factory=list)


def _context(draft: Draft, rule: str, location: Location) -> frozenset[str]:
    texts = [rule, location.path, location.repository, location.url, *draft.context]
    hidden = [text.lower() for text in (*draft.values, *draft.withheld) if len(text) >= 4]
    words: set[str] = set()
    for text in texts:
        for word in _WORDS.findall(clean_text(text).lower()):
            if len(word) < 3 or any(word in secret or secret in word for secret in hidden):
                continue
            words.add(word)
            if len(words) >= MAX_CONTEXT_WORDS:
                return frozenset(words)
    return frozenset(words)


def _fingerprint(salt: bytes, draft: Draft, identity: tuple[str, ...]) -> tuple[str, bytes]:
    """The short fingerprint shown, and the full digest duplicates are collapsed by."""
    mac = hmac.new(salt, digestmod=hashlib.sha256)
    for part in identity:
        mac.update(part.encode("utf-8", "surrogatepass") + b"\x1f")
    for value in sorted(draft.values):
        mac.update(b"v" + value.encode("utf-8", "surrogatepass") + b"\x1f")
    if draft.sha1:
        mac.update(b"h" + draft.sha1.strip().lower().encode("ascii", "replace"))
    full = mac.digest()
    return full.hex()[:FINGERPRINT_CHARS], full


def build(
    draft: Draft, source: str, report_format: ReportFormat, salt: bytes
) -> tuple[Finding, bytes]:
    """The finding of a draft, its text made safe, and the key that tells it from
    others (equal keys: the same leak reported twice)."""
    values = [value for value in draft.values if value]
    state: ValueState
    value: LeakedValue | None = None
    if draft.item is not None:
        state = ValueState.NAMED
    elif draft.sha1 is not None and draft.state is None:
        value = LeakedValue.of_sha1(draft.sha1)
        state = ValueState.HASHED if value is not None else ValueState.UNMATCHABLE
    elif values and draft.state is None:
        value = LeakedValue.of_texts(values)
        state = ValueState.PRESENT if value is not None else ValueState.ABSENT
    else:
        state = draft.state or ValueState.ABSENT
    location = Location(
        path=safe_field(draft.path),
        line=draft.line,
        repository=safe_field(repository_name(draft.repository)),
        commit=safe_field(draft.commit),
        alert=draft.alert,
        url=safe_field(draft.url),
    )
    rule = safe_field(draft.rule)
    item = draft.item
    if item is not None:
        item = ItemRef(item.kind, item.identifier, safe_field(item.name))
    if item is not None:
        # An item named twice is named once, wherever the lines were.
        identity: tuple[str, ...] = ("named", *item.key)
    else:
        identity = (
            rule,
            location.path,
            str(location.line),
            location.repository,
            location.commit,
            str(location.alert),
        )
    short, full = _fingerprint(salt, draft, identity)
    finding = Finding(
        source=safe_field(source),
        format=report_format,
        rule=rule,
        location=location,
        verified=draft.verified,
        fingerprint=short,
        value_state=state,
        value=value,
        item=item,
        context=_context(draft, rule, location) if item is None else frozenset(),
    )
    return finding, full
