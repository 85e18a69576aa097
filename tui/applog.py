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
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+")
_SECRET_FIELDS = re.compile(
    r'(?i)("?(?:client_secret|access_token|password|secret_key)"?\s*[:=]\s*"?)[^"&\s,}]+'
)


class Redactor(logging.Filter):
    """Scrubs known secret values and secret-looking fields from every record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = {s for s in secrets if s and len(s) >= 4}

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        text = _BEARER.sub(r"\1[redacted]", text)
        return _SECRET_FIELDS.sub(r"\1[redacted]", text)

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
