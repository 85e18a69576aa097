"""The application's own log file: rotating, in the user log directory, redacted.

Everything the log panel shows is also written here, with the same redaction
as everywhere else plus a last line of defence: bearer tokens and any secret
value the app was given are replaced before a line reaches the disk.

Lines are written in bunches (:class:`AppLogHandler`): a batch logs a line per
item, hundreds a second, in the thread its requests run in, and the standard
handler's line cost about 40 us (formatted twice, two ``stat`` calls, a write
and a flush each). The log panel hands its lines over together
(:func:`log_lines`) and flushes them at most half a second later
(:func:`flush_app_log`); a warning or worse, the program's end
(``logging.shutdown``, at exit), a hung exit's last resort and a signal flush
at once.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

LOGGER_NAME = "mysafe_tui"


class _LazyPattern:
    """A regular expression compiled the first time a line needs it: the two below
    take 2 ms to compile, at every start, and most runs never meet a line with
    their words (see ``Redactor.scrub``)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    def sub(self, replacement: Callable[[re.Match[str]], str], text: str) -> str:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled.sub(replacement, text)


# A bearer token is what follows "Bearer " in an Authorization header, or any
# token-shaped word after "Bearer" elsewhere: long, or with a digit or a symbol in
# it. "a Bearer token", "not Bearer" are prose and stay.
_BEARER = _LazyPattern(
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
_SECRET_FIELDS = _LazyPattern(
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


class AppLogHandler(logging.handlers.RotatingFileHandler):
    """A rotating file whose lines wait in memory until :meth:`flush`.

    Formatted once each, in order, whoever logged them (a record through the
    logger, or :meth:`take_lines`); rotated as the standard handler rotates (before
    the line that would reach ``maxBytes``). A record of WARNING or worse, and a
    bunch of more than ``HOLD`` lines, are written at once.
    """

    #: Lines held before they are written without waiting for a flush.
    HOLD = 2000

    def __init__(self, path: Path, max_bytes: int, backup_count: int) -> None:
        super().__init__(path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8")
        self._held: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + self.terminator
        except Exception:  # as logging's own handlers: told on stderr, never raised
            self.handleError(record)
            return
        self._hold([line], urgent=record.levelno >= logging.WARNING)

    def take_lines(self, texts: Sequence[str]) -> None:
        """``texts`` as INFO records of ``name`` logged now, through this handler's
        filters (the redaction) and format, without a record each."""
        record = logging.LogRecord(LOGGER_NAME, logging.INFO, __file__, 0, "", None, None)
        lines: list[str] = []
        for text in texts:
            record.msg, record.args = text, None
            if self.filter(record):
                lines.append(self.format(record) + self.terminator)
        self._hold(lines, urgent=False)

    def _hold(self, lines: list[str], *, urgent: bool) -> None:
        self.acquire()
        try:
            self._held += lines
            if urgent or len(self._held) > self.HOLD:
                self._write_held()
        finally:
            self.release()

    def _write_held(self) -> None:
        held, self._held = self._held, []
        if not held:
            return
        try:
            if self.stream is None:
                self.stream = self._open()
            stream = self.stream
            # As shouldRollover: only a regular file is ever rolled over.
            base = self.baseFilename
            rolls = self.maxBytes > 0 and not (os.path.exists(base) and not os.path.isfile(base))
            stream.seek(0, 2)
            size = stream.tell()
            start = 0
            for index, line in enumerate(held):
                if rolls and size + len(line) >= self.maxBytes:
                    stream.write("".join(held[start:index]))
                    self.doRollover()
                    if self.stream is None:
                        self.stream = self._open()
                    stream = self.stream
                    stream.seek(0, 2)
                    size = stream.tell()
                    start = index
                size += len(line)
            stream.write("".join(held[start:]))
            stream.flush()
        except Exception:
            self.handleError(
                logging.makeLogRecord({"name": LOGGER_NAME, "msg": f"{len(held)} app log lines"})
            )

    def flush(self) -> None:
        """Write every held line, then flush the file."""
        self.acquire()
        try:
            self._write_held()
            super().flush()
        finally:
            self.release()

    def close(self) -> None:
        self.flush()
        super().close()


def log_lines(texts: Sequence[str]) -> None:
    """Each of ``texts`` to the app log as an INFO line, in order: handed over
    together when the app log is this module's handler alone (as ``open_app_log``
    leaves it), else through the logger one by one."""
    logger = logging.getLogger(LOGGER_NAME)
    if not texts or not logger.isEnabledFor(logging.INFO):
        return
    handlers = logger.handlers
    if len(handlers) == 1 and isinstance(handlers[0], AppLogHandler) and not logger.filters:
        handlers[0].take_lines(texts)
        return
    for text in texts:
        logger.info(text)


def flush_app_log() -> None:
    """Write whatever the app log holds."""
    for handler in logging.getLogger(LOGGER_NAME).handlers:
        handler.flush()


def open_app_log(path: Path, secrets: Iterable[str] = ()) -> logging.Logger:
    """A logger writing to ``path``, rotated at 1 MB with 5 old files kept."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = AppLogHandler(path, max_bytes=1_000_000, backup_count=5)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    handler.addFilter(Redactor(secrets))
    logger.addHandler(handler)
    path.chmod(0o600)
    return logger
