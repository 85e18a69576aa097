"""Server text made safe for a terminal: one line, nothing the terminal would obey.

Names, tags and messages come from the server and are untrusted. Rich markup is
handled where text is drawn (``Text``/``markup=False``: ``[bold]`` stays literal);
this module removes what would reach the terminal itself: C0 and C1 controls, ESC
(so no OSC 52 clipboard writes or screen clears), DEL, and the bidirectional
overrides that can make a name read differently from what it is. Lone surrogates
(JSON allows ``"\\ud800"``) become U+FFFD: they cannot be encoded as UTF-8, so they
would break every file or terminal write that meets them.

``clean_text`` is applied once, where server text leaves ``tui.api``; ``safe_text``
and ``safe_cells`` do the same rewrite at display time (a second pass over clean
text changes nothing).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_TABLE: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}  # ␀..␟
_TABLE[0x09] = " "  # a tab would move the cursor: show a space
_TABLE[0x7F] = "\u2421"  # ␡
_TABLE.update({code: "\ufffd" for code in range(0x80, 0xA0)})  # C1 controls
_TABLE.update({code: "\ufffd" for code in (0x200E, 0x200F, 0x061C)})  # direction marks
_TABLE.update({code: "\ufffd" for code in range(0x202A, 0x202F)})  # embeddings, overrides
_TABLE.update({code: "\ufffd" for code in range(0x2066, 0x206A)})  # isolates
_TABLE.update({0x2028: " ", 0x2029: " "})  # line and paragraph separators
# Surrogate code points: in a ``str`` every one is unpaired (json.loads joins valid
# pairs into one character), and none can be encoded as UTF-8.
_TABLE.update({code: "\ufffd" for code in range(0xD800, 0xE000)})

_SINGLES = "".join(re.escape(chr(code)) for code in sorted(_TABLE) if code < 0xD800)

#: Everything ``_TABLE`` rewrites, as one character class: a quick test that lets
#: clean text (nearly all of it) skip the translation.
_UNSAFE = re.compile(f"[{_SINGLES}\\ud800-\\udfff]")


def clean_text(value: str) -> str:
    """``value`` with nothing a terminal would obey and nothing UTF-8 cannot encode.

    Returns ``value`` itself (no copy) when it is already clean, which is nearly
    always, after one quick test (see ``is_clean``).
    """
    if value.isprintable() or _UNSAFE.search(value) is None:
        return value
    return value.translate(_TABLE)


def is_clean(value: str) -> bool:
    """True when ``clean_text(value)`` would return ``value`` unchanged.

    ``str.isprintable`` answers first: every character ``_TABLE`` rewrites is
    non-printable (Cc, Cf, Cs, Zl, Zp), and it is twice as fast as the regex. Text
    it doubts (a no-break space, say) gets the exact test.
    """
    return value.isprintable() or _UNSAFE.search(value) is None


def safe_cells(cells: Sequence[str]) -> tuple[str, ...]:
    """``safe_text`` over a row of cells, fast when the row is clean (a tuple
    given is then returned itself)."""
    joined = "".join(cells)
    if joined.isprintable() or _UNSAFE.search(joined) is None:
        return tuple(cells)
    return tuple(cell.translate(_TABLE) for cell in cells)


def safe_text(value: object) -> str:
    """``value`` as a printable single line (``None`` becomes an empty string)."""
    if value is None:
        return ""
    return str(value).translate(_TABLE)
