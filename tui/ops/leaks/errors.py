"""The one error a report can end in: ``ReportError``, one line naming the file.

A report is untrusted input. Whatever is wrong with it (unreadable, too big, not
UTF-8, not JSON, JSON of the wrong shape, too many findings) is said in the
reader's own words, with positions (entry 3, line 12) and the names of the fields
the reader expected, never with text taken from the report: a field's value may be
the leaked secret itself.
"""

from __future__ import annotations

from tui.base.safe_text import clean_text

#: An error names its file in at most this many characters (a path can be anything).
SOURCE_CHARS = 200
#: And says what is wrong in at most this many.
PROBLEM_CHARS = 300


def one_line(text: str, limit: int) -> str:
    """``text`` made safe (``clean_text``: no control characters, so no line breaks)
    and cut to ``limit`` characters."""
    text = clean_text(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ReportError(Exception):
    """A report that cannot be read. ``str()`` is ``"<file>: <what is wrong>"``."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = one_line(source, SOURCE_CHARS)
        self.problem = one_line(problem, PROBLEM_CHARS)
        super().__init__(f"{self.source}: {self.problem}")

    def __reduce__(self) -> tuple[type[ReportError], tuple[str, str]]:
        # Pickled (a process pool, a test runner) as what it was built from.
        return (type(self), (self.source, self.problem))
