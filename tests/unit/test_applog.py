"""The app log's lines wait in memory and reach the disk in order, redacted, rotated
as the standard handler rotates them, and never lost at a flush, a warning, a
close or the program's end."""

from __future__ import annotations

import logging
import logging.handlers
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.console.applog import (
    LOGGER_NAME,
    AppLogHandler,
    Redactor,
    flush_app_log,
    log_lines,
    open_app_log,
)

SECRET = "Sup3r-Secret-Client-Key-42"


@pytest.fixture
def app_log(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "log" / "app.log"
    open_app_log(path, [SECRET])
    try:
        yield path
    finally:
        close_app_log()


def close_app_log() -> None:
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


def messages(path: Path) -> list[str]:
    """Each line's message, without its time stamp and level."""
    return [line.split(" INFO ", 1)[-1] for line in path.read_text().splitlines()]


def test_lines_wait_until_a_flush_then_come_in_order_and_redacted(app_log: Path) -> None:
    logger = logging.getLogger(LOGGER_NAME)
    log_lines(["first", f"client_secret={SECRET}"])
    logger.info("through the logger, between")
    log_lines(["last"])
    assert app_log.read_text() == "", "held in memory"
    flush_app_log()
    assert messages(app_log) == [
        "first",
        "client_secret=[redacted]",
        "through the logger, between",
        "last",
    ]
    line = app_log.read_text().splitlines()[0]
    # The standard formatter's line: "2026-01-02 03:04:05,678 INFO first".
    assert line.endswith(" INFO first") and line[4] == "-" and line[23] == " "


def test_a_warning_is_written_at_once_with_what_came_before(app_log: Path) -> None:
    log_lines(["before"])
    logging.getLogger(LOGGER_NAME).warning("the terminal is gone")
    assert app_log.read_text().splitlines()[-1].endswith(" WARNING the terminal is gone")
    assert messages(app_log)[0] == "before"


def test_close_writes_what_is_held(app_log: Path) -> None:
    log_lines(["held"])
    [handler] = logging.getLogger(LOGGER_NAME).handlers
    handler.close()
    assert messages(app_log) == ["held"]


def test_more_than_it_holds_is_written_without_a_flush(app_log: Path) -> None:
    log_lines([f"line {n}" for n in range(AppLogHandler.HOLD + 1)])
    assert len(messages(app_log)) == AppLogHandler.HOLD + 1


def test_other_handlers_hear_each_line_through_the_logger(app_log: Path) -> None:
    class Keep(logging.Handler):
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.seen.append(record.getMessage())

    keep = Keep()
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(keep)
    try:
        log_lines(["one", "two"])
    finally:
        logger.removeHandler(keep)
    flush_app_log()
    assert keep.seen == ["one", "two"]
    assert messages(app_log) == ["one", "two"]


def test_it_rotates_where_the_standard_handler_does(tmp_path: Path) -> None:
    lines = [f"line {n} " + "x" * (n % 37) for n in range(400)]
    for folder in ("standard", "held"):
        (tmp_path / folder).mkdir()
    standard = logging.handlers.RotatingFileHandler(
        tmp_path / "standard" / "app.log", maxBytes=2_000, backupCount=3, encoding="utf-8"
    )
    held = AppLogHandler(tmp_path / "held" / "app.log", max_bytes=2_000, backup_count=3)
    for handler in (standard, held):
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        handler.addFilter(Redactor())
    record = logging.LogRecord(LOGGER_NAME, logging.INFO, __file__, 0, "", None, None)
    for number, text in enumerate(lines):
        record.msg = text
        standard.handle(record)
        if number % 50 == 49:
            held.take_lines(lines[number - 49 : number + 1])
            if number % 100 == 99:
                held.flush()
    standard.close()
    held.close()
    names = ["app.log", "app.log.1", "app.log.2", "app.log.3"]
    for name in names:
        assert (tmp_path / "held" / name).read_text() == (tmp_path / "standard" / name).read_text()
    assert not (tmp_path / "held" / "app.log.4").exists()


def test_the_programs_end_writes_what_is_held(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tui.console.applog import log_lines, open_app_log\n"
        "open_app_log(Path(sys.argv[1]))\n"
        "log_lines(['said just before the end'])\n"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], check=True, timeout=60)
    assert messages(path) == ["said just before the end"]
