"""Fewer bytes for the same screen: what the console writes, without what changes nothing.

Textual writes each run of cells as ``ESC[<style>m`` + text + ``ESC[0m``, every run
after a cursor position (``ESC[row;colH``), with a newline between two lines it
repaints. On a cursor move that is most of the bytes: a detail pane line of three
characters costs some thirty (issue 11: a cursor move over a thin link). The
terminal needs none of it when the next run has the style the last one had, or
when a position is followed by another position.

``LeanOutput`` rewrites one write at a time, the way curses has always done it: it
keeps the style the terminal has and the style asked for, and sends the difference
only when text is about to be drawn (nothing, the few attributes that differ, or a
full reset when that is shorter); a position or newline followed by another
position is dropped. It also keeps where the cursor is, after text whose width it
is sure of, and sends a position as the shortest move from there: nothing when the
cursor is there already (the table's scrollbar after its row), a carriage return
and line feed to the start of the next line, a move right or to a column on the
same line (issue 23: 100 rows with ``j`` over a thin link, each position is 6 to 8
bytes, mostly in the table's half-page redraws). Anything it does not know passes
through as it came, after what is pending; at the end of each write the terminal
is where the write would have left it (style and cursor), so the screen is the
same cell for cell.

This module imports neither Textual nor Rich (``tui/console/terminal/driver.py`` plugs it in).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: One token: a position or style (CSI ... H/m), a newline, another escape sequence
#: (CSI, OSC/DCS/APC/PM/SOS up to its terminator, or a two-byte escape), a lone
#: escape (incomplete), or text.
_TOKEN = re.compile(
    r"(?P<csi>\x1b\[(?P<params>[0-?]*)(?P<between>[ -/]*)(?P<final>[@-~]))"
    r"|(?P<newline>\n)"
    r"|(?P<string>\x1b[P\]X^_][^\x07\x1b]*(?:\x07|\x1b\\))"
    r"|(?P<escape>\x1b[ -~]?)"
    r"|(?P<text>[^\x1b\n]+)",
)

#: Attributes (SGR on-codes as Textual writes them) and the code that turns each off.
#: An off-code may clear more than one (22: bold and dim; 24: both underlines).
_OFF = {
    "1": "22", "2": "22", "3": "23", "4": "24", "21": "24", "5": "25", "6": "25",
    "7": "27", "8": "28", "9": "29", "51": "54", "52": "54", "53": "55",
}  # fmt: skip
#: Sequences that may put back a saved style: restoring the cursor (DECRC, SCORC),
#: the alternate screen's (1048, 1049) and leaving it (1047).
_RESTORES = re.compile(r"\x1b8|\x1b\[u|\x1b\[\?104[789][hl]")
#: Two-byte escapes that leave the style alone (save cursor, keypad modes); any other
#: (or a lone escape, cut off) makes it not known.
_HARMLESS = frozenset({"\x1b7", "\x1b=", "\x1b>"})
_CLEARS = {off: frozenset(on for on, code in _OFF.items() if code == off) for off in _OFF.values()}
#: Sequences that leave the cursor where it is: showing or hiding it, synchronized
#: output (any other may move it, and the cursor is not known until a position).
_STILL = frozenset({"\x1b[?25l", "\x1b[?25h", "\x1b[?2026h", "\x1b[?2026l"})
#: Text this plain takes one cell a character on every terminal.
_PLAIN = re.compile(r"[ -~]*")


@dataclass(frozen=True, slots=True)
class Pen:
    """A terminal's drawing style: attributes on, foreground and background codes."""

    attributes: frozenset[str] = frozenset()
    foreground: str = ""  # "" is the terminal's default (39)
    background: str = ""  # (49)

    def codes(self) -> list[str]:
        colours = [code for code in (self.foreground, self.background) if code]
        return [*sorted(self.attributes, key=int), *colours]


DEFAULT = Pen()

#: A cursor position: row and column, from 1, as a position sequence says them.
At = tuple[int, int]


@lru_cache(maxsize=4096)
def cells(text: str) -> int | None:
    """Columns ``text`` advances the cursor; None unless sure on every terminal.

    Sure: printable characters of one cell, as Rich counts them (narrow, and the
    East Asian ambiguous ones: Textual lays them out as one cell). Wide ones, combining
    marks, controls, anything unassigned: not sure, and the next position is sent whole.
    """
    if _PLAIN.fullmatch(text):
        return len(text)
    for char in text:
        if unicodedata.east_asian_width(char) not in ("Na", "N", "H", "A"):
            return None
        if unicodedata.category(char)[0] in "MCZ" and char != " ":
            return None
    return len(text)


def _position(params: str) -> At | None:
    """The row and column of ``ESC[<params>H`` (1 where left out); None if odd."""
    parts = params.split(";") if params else []
    if len(parts) > 2 or not all(part.isdigit() or not part for part in parts):
        return None
    row, column = [*(int(part or 1) or 1 for part in parts), 1, 1][:2]
    return row, column


@lru_cache(maxsize=4096)
def move(at: At | None, to: At, newline: str) -> str:
    """The shortest sequence that takes the cursor from ``at`` (None: not known) to ``to``.

    Only moves that are right from where the cursor may really be: after text up to
    the last column the terminal holds the cursor on it (a pending wrap), so the
    column kept here can be one past the screen; a move right or a "stay" then
    never applies (no position is past the screen), and nothing moves left relative.
    ``newline`` is what takes the cursor to the next line's start on this terminal.
    """
    row, column = to
    whole = f"\x1b[{row}H" if column == 1 else f"\x1b[{row};{column}H"
    if at is None:
        return whole
    if at == to:
        return ""
    was_row, was_column = at

    def across(start: int) -> str:
        """From column ``start`` of the target row to the target column."""
        if column == start:
            return ""
        if column == 1:
            return "\r"
        forward = f"\x1b[{column - start}C" if column - start > 1 else "\x1b[C"
        absolute = f"\x1b[{column}G"
        return forward if column > start and len(forward) <= len(absolute) else absolute

    candidates = [whole]
    if row == was_row:
        candidates.append(across(was_column))
    elif row == was_row + 1:
        candidates.append(newline + across(1))
    if row != was_row:
        lines = abs(row - was_row)
        vertical = f"\x1b[{lines if lines > 1 else ''}{'B' if row > was_row else 'A'}"
        candidates.append(vertical + across(was_column))
    return min(candidates, key=len)


def _colour(params: list[str], at: int) -> tuple[str, int] | None:
    """The colour at ``params[at]`` (38/48 with what follows) and where the next starts."""
    head = params[at]
    mode = params[at + 1] if at + 1 < len(params) else ""
    width = {"5": 3, "2": 5}.get(mode, 0)
    if not width or at + width > len(params):
        return None
    return ";".join([head, *params[at + 1 : at + width]]), at + width


@lru_cache(maxsize=1024)
def apply(pen: Pen, params: str) -> Pen | None:
    """``pen`` after ``ESC[<params>m``; None for a code this module does not know."""
    codes = params.split(";") if params else ["0"]
    attributes, foreground, background = set(pen.attributes), pen.foreground, pen.background
    at = 0
    while at < len(codes):
        code = codes[at].lstrip("0") or "0"
        at += 1
        if code == "0":
            attributes, foreground, background = set(), "", ""
        elif code in _OFF:
            attributes.add(code)
        elif code in _CLEARS:
            attributes -= _CLEARS[code]
        elif code == "39":
            foreground = ""
        elif code == "49":
            background = ""
        elif code.isdigit() and (30 <= int(code) <= 37 or 90 <= int(code) <= 97):
            foreground = code
        elif code.isdigit() and (40 <= int(code) <= 47 or 100 <= int(code) <= 107):
            background = code
        elif code in ("38", "48"):
            found = _colour(codes, at - 1)
            if found is None:
                return None
            colour, at = found
            if code == "38":
                foreground = colour
            else:
                background = colour
        else:
            return None
    return Pen(frozenset(attributes), foreground, background)


@lru_cache(maxsize=1024)
def change(have: Pen, want: Pen) -> str:
    """The shortest style sequence from ``have`` to ``want`` ("" when they are the same)."""
    if have == want:
        return ""
    codes: list[str] = []
    gone = have.attributes - want.attributes
    offs = sorted({_OFF[code] for code in gone}, key=int)
    codes += offs
    # An off-code clears its whole family (22: bold and dim): put back what stays.
    cleared = frozenset().union(*(_CLEARS[off] for off in offs))
    codes += sorted((want.attributes - have.attributes) | (want.attributes & cleared), key=int)
    if have.foreground != want.foreground:
        codes.append(want.foreground or "39")
    if have.background != want.background:
        codes.append(want.background or "49")
    reset = ";".join(["0", *want.codes()])
    diff = ";".join(codes)
    return f"\x1b[{diff if len(diff) < len(reset) else reset}m"


class LeanOutput:
    """Rewrites what is written to one terminal, write by write (see the module)."""

    def __init__(self, *, newline: str = "\r\n") -> None:
        """``newline``: what takes the cursor to the start of the next line ("\\n"
        where the terminal's output adds the carriage return, onlcr)."""
        #: The terminal's style, and the one the writes asked for; None: not known
        #: (before the first reset, or after a sequence that may restore a style).
        self._have: Pen | None = None
        self._want: Pen | None = None
        #: The position, and any newlines after it, not sent yet.
        self._moves: list[str] = []
        #: Where the cursor is (None: not known, until the next position).
        self._at: At | None = None
        self._newline = newline

    def _flush(self, out: list[str]) -> None:
        if self._have is not None and self._want is not None:
            out.append(change(self._have, self._want))
            self._have = self._want
        for raw in self._moves:
            if raw == "\n":
                out.append(raw)  # kept: where it leaves the cursor depends on onlcr
                self._at = None
                continue
            to = _position(raw[2:-1])
            out.append(raw if to is None else move(self._at, to, self._newline))
            self._at = to
        self._moves.clear()

    def _drew(self, text: str) -> None:
        """The cursor after ``text`` drawn where it was."""
        if self._at is not None:
            width = cells(text)
            self._at = None if width is None else (self._at[0], self._at[1] + width)

    def _style(self, params: str, raw: str, out: list[str]) -> None:
        if "\n" in self._moves:
            # A newline is drawn in the style of its time when it scrolls (the new
            # line takes the background): it goes first if it is not dropped.
            self._flush(out)
        if self._want is None:
            # Not known: as it came; a reset makes it known from here on.
            self._flush(out)
            out.append(raw)
            known = apply(DEFAULT, params)
            if known is not None and (params.split(";")[0].lstrip("0") == ""):
                self._have = self._want = known
            return
        wanted = apply(self._want, params)
        if wanted is None:
            self._flush(out)
            out.append(raw)
            self._have = self._want = None
        else:
            self._want = wanted

    def shorten(self, data: str) -> str:
        """``data`` as fewer bytes that leave the terminal the same."""
        out: list[str] = []
        # Each write's first position is sent whole: between two writes the cursor
        # may have moved without a word here (a resize, a suspend and resume).
        self._at = None
        for token in _TOKEN.finditer(data):
            kind, raw = token.lastgroup, token.group()
            if kind == "csi" and not token["between"] and token["final"] in "Hm":
                if token["final"] == "m":
                    self._style(token["params"], raw, out)
                else:
                    # A position makes any position or newline before it pointless:
                    # Textual never writes a newline on the last line (it would scroll).
                    self._moves[:] = [raw]
            elif kind == "newline":
                self._moves.append(raw)
            else:
                self._flush(out)
                out.append(raw)
                if kind == "text":
                    self._drew(raw)
                elif raw not in _STILL:
                    self._at = None
                if kind in ("escape", "csi"):
                    self._after_control(raw)
        self._flush(out)
        return "".join(out)

    def _after_control(self, raw: str) -> None:
        """Forget the style after a sequence that resets it or may restore another."""
        if raw in ("\x1bc", "\x1b[!p"):  # full and soft reset: the default style
            self._have = self._want = DEFAULT
        elif _RESTORES.fullmatch(raw) or (len(raw) <= 2 and raw not in _HARMLESS):
            # Known again at the next reset.
            self._have = self._want = None
