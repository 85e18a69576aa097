"""GitHub secret-scanning alerts: the REST array as ``gh api`` prints it (org and
repository lists, a single alert, ``--paginate`` pages and ``--slurp``).

The value is ``secret`` (absent with ``hide_secret=true``); with
``is_base64_encoded`` its decoded form is a candidate too. An alert is identified
by its repository and number; ``validity`` active/inactive is the scanner's
verification.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from typing import Any

from tui.ops.leaks.findings import Draft, ValueState
from tui.ops.leaks.formats.fields import Fields, Tally

ALERT_KEYS = frozenset({"secret_type", "secret_type_display_name", "locations_url"})


def is_alert(keys: set[str]) -> bool:
    return bool(keys & ALERT_KEYS) or {"number", "html_url", "secret"} <= keys


def repository_of(html_url: str, full_name: str = "") -> str:
    """``github.com/acme/app`` from ``https://github.com/acme/app/security/secret-scanning/7``
    (and the org list's ``repository.full_name``, on the alert's host)."""
    head = (
        html_url.split("/security/", 1)[0].split("://", 1)[-1] if "/security/" in html_url else ""
    )
    parts = head.split("/")
    host = parts[0] if len(parts) >= 3 else "github.com"
    if full_name:
        return f"{host}/{full_name}"
    return head if len(parts) >= 3 else ""


def read(document: Any, source: str, tally: Tally) -> Iterator[Draft]:
    for number, entry in enumerate(document, 1):
        yield _alert(Fields(entry, f"alert {number}", source))


def _alert(fields: Fields) -> Draft:
    html_url = fields.text("html_url")
    repository = fields.obj("repository")
    validity = fields.text("validity")
    draft = Draft(
        rule=fields.text("secret_type") or fields.text("secret_type_display_name"),
        alert=fields.number("number"),
        url=html_url,
        repository=repository_of(
            html_url, repository.text("full_name") if repository is not None else ""
        ),
        verified=True if validity == "active" else False if validity == "inactive" else None,
        context=[fields.text("secret_type_display_name")],
    )
    first = fields.obj("first_location_detected")
    if first is not None:
        draft.path = first.text("path")
        draft.line = first.line("start_line")
        draft.commit = first.text("commit_sha")
    secret = fields.text("secret")
    if not secret:
        draft.state = ValueState.ABSENT
        return draft
    draft.values.append(secret)
    if fields.flag("is_base64_encoded"):
        try:
            decoded = base64.b64decode(secret, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            decoded = ""
        if decoded:
            draft.values.append(decoded)
    return draft
