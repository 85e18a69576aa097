"""The application's own log file: rotating, in the user log directory, redacted.

Everything the log panel shows is also written here, with the same redaction
as everywhere else plus a last line of defence: bearer tokens and any secret
value the app was given are replaced before a line reaches the disk.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from collections.abc import Iterable
from pathlib import Path

LOGGER_NAME = "mysafe_tui"

# A bearer token is what follows "Bearer " in an Authorization header, or any
# token-shaped word after "Bearer" elsewhere: long, or with a digit or a symbol in
# it. "a Bearer token", "not Bearer" are prose and stay.
_BEARER = re.compile(
    r"(?i)(authorization\s*[:=]\s*bearer\s+)\S+"
    r"|(?<![A-Za-z0-9])(bearer\s+)"
    r"(?=[A-Za-z0-9._~+/=-]*[0-9._~+/=-]|[A-Za-z0-9._~+/=-]{20})[A-Za-z0-9._~+/=-]{6,}"
)
# Secret fields, in the forms a program writes them: a JSON or repr key in quotes
# ("password": "...", 'password': '...'), a form or query field (password=...),
# and, for names that are not English words, `client_secret: ...` too. Prose such
# as "GET /api/mysafe/password: no answer came" is not a field.
_KEYS = r"client_secret|access_token|refresh_token|secret_key|password"
#: In quotes a key is a field for certain, so the item's TOTP ``token`` joins in.
_QUOTED_KEYS = _KEYS + "|token"
_QUOTED_VALUE = r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[^"\'&\s,}\]]+'
_SECRET_FIELDS = re.compile(
    rf"""(?ix)
    (?P<key>
        (?P<q>["'])(?:{_QUOTED_KEYS})(?P=q)\s*:\s*   # "password": / 'password':
      | (?<![A-Za-z0-9])(?:{_KEYS})=                 # password=... (form, query)
      | (?<![A-Za-z0-9])(?:client_secret|access_token|refresh_token|secret_key)
        \s*[:=]\s*                                   # client_secret: ...
    )
    (?!\[redacted\])(?P<value>{_QUOTED_VALUE})
    """
)


#: What a line holds, casefolded, before _SECRET_FIELDS can match it: each form of
#: its key ends in one of these (a quoted key in its quote, a form field in "=").
_FIELD_WORDS = (
    *(f"{key}{end}" for key in ("password", "token") for end in ('"', "'", "=")),
    "client_secret",
    "access_token",
    "refresh_token",
    "secret_key",
)


def _redact_field(match: re.Match[str]) -> str:
    value = match.group("value")
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{match.group('key')}{quote}[redacted]{quote}"


class Redactor(logging.Filter):
    """Scrubs known secret values and secret-looking fields from every record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = {s for s in secrets if s and len(s) >= 4}

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        # Neither pattern can match a line without its words, and most lines (an
        # outcome's) have none of them as the patterns need them: a key right before
        # its quote or "=", or one of the compound names. Scanning every position
        # of a line with the patterns cost about 20 us a line, a few percent of a
        # batch through the console with its log open. casefold matches at least
        # what the patterns' (?i) matches (the long s, the Kelvin sign), so a line
        # a pattern would change is never skipped.
        folded = text.casefold()
        if "bearer" in folded:
            text = _BEARER.sub(lambda m: f"{m.group(1) or m.group(2)}[redacted]", text)
        if any(word in folded for word in _FIELD_WORDS):
            text = _SECRET_FIELDS.sub(_redact_field, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.scrub(record.getMessage())
        record.args = None
        return True


def open_app_log(path: Path, secrets: Iterable[str] = ()) -> logging.Logger:
    """A logger writing to ``path``, rotated at 1 MB with 5 old files kept."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    handler.addFilter(Redactor(secrets))
    logger.addHandler(handler)
    path.chmod(0o600)
    return logger
