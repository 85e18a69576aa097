"""Typed access to an untrusted JSON object, for the format parsers.

A field of the wrong type is a :class:`~tui.ops.leaks.errors.ReportError` naming
the entry and the field the parser asked for (words of the parser, never of the
report); a missing or null field is empty.
"""

from __future__ import annotations

from typing import Any

from tui.ops.leaks.errors import ReportError

#: Line numbers, alert numbers and the like beyond this are not numbers a report means.
MAX_NUMBER = 2**53


class Fields:
    """A JSON object of a report, read field by field."""

    __slots__ = ("_data", "source", "where")

    def __init__(self, data: object, where: str, source: str) -> None:
        if not isinstance(data, dict):
            raise ReportError(source, f"{where} is not a JSON object")
        self._data: dict[str, Any] = data
        self.where = where
        self.source = source

    def wrong(self, key: str, expected: str) -> ReportError:
        return ReportError(self.source, f"{self.where}: {key} is not {expected}")

    def has(self, key: str) -> bool:
        return self._data.get(key) is not None

    def names(self) -> set[str]:
        return {key for key in self._data if isinstance(key, str)}

    def raw(self, key: str) -> Any:
        return self._data.get(key)

    def text(self, key: str) -> str:
        """Text; a number is its digits; missing or null is ``""``."""
        value = self._data.get(key)
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value) if abs(value) < MAX_NUMBER else ""
        raise self.wrong(key, "text")

    def number(self, key: str) -> int | None:
        """A non-negative whole number (digits in a string too); missing, null or 0
        where a format leaves a line out is None only when absent."""
        value = self._data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise self.wrong(key, "a number")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 16:
            value = int(value.strip())
        if isinstance(value, int) and 0 <= value < MAX_NUMBER:
            return value
        raise self.wrong(key, "a whole number")

    def line(self, key: str) -> int | None:
        """A 1-based line number; 0 (a format's "no line") is None."""
        return self.number(key) or None

    def flag(self, key: str) -> bool | None:
        value = self._data.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        raise self.wrong(key, "true or false")

    def obj(self, key: str, where: str | None = None) -> Fields | None:
        value = self._data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.wrong(key, "a JSON object")
        return Fields(value, where or f"{self.where} {key}", self.source)

    def items(self, key: str) -> list[Any]:
        value = self._data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.wrong(key, "a JSON array")
        return value

    def texts(self, key: str) -> list[str]:
        """A list of text (non-text members are a malformed report)."""
        values = self.items(key)
        if not all(isinstance(value, str) for value in values):
            raise self.wrong(key, "a list of text")
        return values


class Tally:
    """What a parser passed over without failing: lines that are not findings (a
    trufflehog log line, an unmatched line of ``match``)."""

    __slots__ = ("skipped",)

    def __init__(self) -> None:
        self.skipped = 0
