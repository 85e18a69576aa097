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
position is dropped. Anything it does not know passes through as it came, after
what is pending; at the end of each write the terminal is where the write would
have left it (style and cursor), so the screen is the same cell for cell.

This module imports neither Textual nor Rich (``tui/console/terminal/driver.py`` plugs it in).
"""

from __future__ import annotations

import re
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

    def __init__(self) -> None:
        #: The terminal's style, and the one the writes asked for; None: not known
        #: (before the first reset, or after a sequence that may restore a style).
        self._have: Pen | None = None
        self._want: Pen | None = None
        #: The position, and any newlines after it, not sent yet.
        self._moves: list[str] = []

    def _flush(self, out: list[str]) -> None:
        if self._have is not None and self._want is not None:
            out.append(change(self._have, self._want))
            self._have = self._want
        out.extend(self._moves)
        self._moves.clear()

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
