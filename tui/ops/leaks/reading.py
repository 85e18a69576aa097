"""Reading reports: several files at once, each within a size cap, into one list
of findings with duplicates collapsed.

Whatever goes wrong ends in one :class:`~tui.ops.leaks.errors.ReportError`: the
file cannot be read, is bigger than ``Limits.max_bytes``, is not text, is not a
format this reader knows, is malformed, or the reports together hold more than
``Limits.max_findings`` findings. The first bad file stops the reading: a partial
triage of an incident is worse than a clear refusal.
"""

from __future__ import annotations

import codecs
import os
import secrets
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from tui.ops.leaks.detect import detect
from tui.ops.leaks.errors import ReportError
from tui.ops.leaks.findings import Draft, Finding, ReportFormat, ValueState, build
from tui.ops.leaks.formats import detect_secrets, github, gitleaks, ids, sarif, trufflehog
from tui.ops.leaks.formats.fields import Tally

#: A report bigger than this is refused (gitleaks over a large history writes one
#: big array; 64 MB holds a few hundred thousand findings).
MAX_REPORT_BYTES = 64 * 1024 * 1024
#: Findings over all the reports read together.
MAX_FINDINGS = 200_000
#: The name ``-`` stands for standard input.
STDIN = "-"

_PARSERS: dict[ReportFormat, Callable[[Any, str, Tally], Iterator[Draft]]] = {
    ReportFormat.GITLEAKS: gitleaks.read,
    ReportFormat.SARIF: sarif.read,
    ReportFormat.TRUFFLEHOG: trufflehog.read,
    ReportFormat.GITHUB: github.read,
    ReportFormat.DETECT_SECRETS: detect_secrets.read,
    ReportFormat.ID_LIST: ids.read,
}


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = MAX_REPORT_BYTES
    max_findings: int = MAX_FINDINGS


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """What one file gave."""

    source: str
    format: ReportFormat
    #: Findings kept from this file (its duplicates and earlier files' left out).
    findings: int
    #: Findings that repeated one already read (in this file or an earlier one).
    duplicates: int = 0
    #: Lines passed over: trufflehog's log lines, ``match``'s unmatched lines.
    skipped_lines: int = 0
    #: Findings kept without a value to match by (redacted, absent, unmatchable).
    without_value: int = 0


@dataclass(frozen=True, slots=True)
class Reports:
    """Every finding of the reports read, in order, each once."""

    findings: tuple[Finding, ...] = ()
    files: tuple[ReportSummary, ...] = ()

    @property
    def duplicates(self) -> int:
        return sum(summary.duplicates for summary in self.files)

    @property
    def skipped_lines(self) -> int:
        return sum(summary.skipped_lines for summary in self.files)


@dataclass(slots=True)
class _Collector:
    limits: Limits
    salt: bytes
    seen: set[bytes] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    files: list[ReportSummary] = field(default_factory=list)
    drafted: int = 0

    def add(self, data: bytes, source: str) -> None:
        text = decode(data, source, self.limits)
        report_format, document = detect(text, source)
        del text
        tally = Tally()
        kept = duplicates = without_value = 0
        parser = _PARSERS.get(report_format)
        drafts: Iterable[Draft] = parser(document, source, tally) if parser is not None else ()
        try:
            for draft in drafts:
                self.drafted += 1
                if self.drafted > self.limits.max_findings:
                    raise ReportError(
                        source,
                        f"the reports hold more than {self.limits.max_findings} findings; "
                        "read them in smaller parts",
                    )
                finding, key = build(draft, source, report_format, self.salt)
                if key in self.seen:
                    duplicates += 1
                    continue
                self.seen.add(key)
                self.findings.append(finding)
                kept += 1
                if finding.value is None and finding.value_state is not ValueState.NAMED:
                    without_value += 1
        except RecursionError:
            raise ReportError(source, "is JSON nested too deeply to be a report") from None
        self.files.append(
            ReportSummary(source, report_format, kept, duplicates, tally.skipped, without_value)
        )

    def reports(self) -> Reports:
        return Reports(tuple(self.findings), tuple(self.files))


def decode(data: bytes, source: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """The text of a report: UTF-8 (a BOM dropped), or UTF-16 with its BOM (what
    PowerShell's ``>`` writes); anything else is one ReportError."""
    if len(data) > limits.max_bytes:
        cap = limits.max_bytes
        size = f"{cap // (1024 * 1024)} MB" if cap >= 1024 * 1024 else f"{cap} bytes"
        raise ReportError(source, f"is bigger than {size}; split the report")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReportError(source, f"is not UTF-16 text (byte {exc.start + 1})") from None
    if b"\x00" in data:
        raise ReportError(source, "holds NUL bytes: it is not a text report")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportError(source, f"is not UTF-8 text (byte {exc.start + 1})") from None


def _shown(name: str | os.PathLike[str]) -> str:
    return "stdin" if str(name) == STDIN else str(name)


def read_bytes(
    name: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS, stdin: BinaryIO | None = None
) -> bytes:
    """The bytes of one report (``-``: standard input), at most ``limits.max_bytes``
    and one more (so that a bigger one is told apart)."""
    source = _shown(name)
    try:
        if str(name) == STDIN:
            stream = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
            if stream is None:  # a text-only stdin (a test's): its text as UTF-8
                text = sys.stdin.read(limits.max_bytes + 1)
                return text.encode("utf-8", "surrogateescape")
            return stream.read(limits.max_bytes + 1)
        with Path(name).open("rb") as handle:
            return handle.read(limits.max_bytes + 1)
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise ReportError(source, f"cannot be read: {why}") from None


def read_reports(
    names: Sequence[str | os.PathLike[str]],
    *,
    limits: Limits = DEFAULT_LIMITS,
    salt: bytes | None = None,
    stdin: BinaryIO | None = None,
) -> Reports:
    """Every finding of the reports named (``-``: standard input), read in order.

    ``salt`` keys the findings' fingerprints; leave it None (a fresh random salt)
    unless a test needs them fixed, and never store it.
    """
    collector = _Collector(limits, salt if salt is not None else secrets.token_bytes(16))
    for name in names:
        collector.add(read_bytes(name, limits, stdin), _shown(name))
    return collector.reports()


def read_report_bytes(
    data: bytes, source: str, *, limits: Limits = DEFAULT_LIMITS, salt: bytes | None = None
) -> Reports:
    """The findings of one report already in memory (a paste, a test)."""
    collector = _Collector(limits, salt if salt is not None else secrets.token_bytes(16))
    collector.add(data, source)
    return collector.reports()
