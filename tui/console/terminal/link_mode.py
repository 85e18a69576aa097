"""The thin-link mode: whether it is on, and the one thing set before Textual starts.

On when asked (``--slow-link``, or ``slow_link = true`` in the profile), off when
asked (``--no-slow-link``, ``slow_link = false``), and otherwise on by itself when
the terminal reports 256 colours or fewer. "Reports" is what Textual will draw
with: ``TEXTUAL_COLOR_SYSTEM`` when set, else the colour system Rich detects from
the environment (on Linux and macOS): ``TERM=dumb`` or ``unknown`` none,
``COLORTERM=truecolor`` or ``24bit`` truecolor, a ``TERM`` ending in ``-256color``
or ``-kitty`` 256, anything else 16. SSH forwards ``TERM`` but not ``COLORTERM``,
so a console reached over SSH is usually in the mode unless the operator says
otherwise; ``tests/console/test_link_mode.py`` checks the rule against Textual's own.

What the mode changes in the console (tui/console/app.py and the widgets): at most 256
colours (here, before Textual is imported, through Textual's documented
``TEXTUAL_COLOR_SYSTEM``), no animations, no blinking cursors, the batch progress
repainted at most twice a second, jump scrolling in the tables (their scrollbar's
track in the table's background), no style or position sequence written that
changes nothing on the screen and each position as the shortest move from the
cursor (tui/console/terminal/output.py), and "SLOW LINK" in the header. This module
imports neither Textual nor Rich.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import NamedTuple

#: The colour systems of at most 256 colours (None: no colour at all), by Rich's names.
FEW_COLOURS = frozenset({"256", "standard", "windows", None})
_TERM_SUFFIX_COLOURS = {"256color": "256", "kitty": "256", "16color": "standard"}
_DESCRIBED = {"256": "256 colours", "standard": "16 colours", "windows": "16 colours"}


def terminal_colours(environ: Mapping[str, str]) -> str | None:
    """The colour system Textual draws with in ``environ``: truecolor, 256, standard, None."""
    forced = environ.get("TEXTUAL_COLOR_SYSTEM", "").strip().lower()
    if forced and forced != "auto":
        return forced
    term = environ.get("TERM", "").strip().lower()
    if term in ("dumb", "unknown"):
        return None
    if environ.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit"):
        return "truecolor"
    return _TERM_SUFFIX_COLOURS.get(term.rpartition("-")[2], "standard")


class LinkMode(NamedTuple):
    slow: bool = False
    #: Why, in words for the log ("" when off).
    why: str = ""


def decide(asked: bool | None, environ: Mapping[str, str]) -> LinkMode:
    """The mode: as asked (flag over profile key), else from the terminal's colours."""
    if asked is not None:
        return LinkMode(asked, "asked for (--slow-link or the profile)" if asked else "")
    colours = terminal_colours(environ)
    if colours in FEW_COLOURS:
        described = _DESCRIBED.get(colours or "", "no colours")
        return LinkMode(True, f"the terminal reports {described} (--no-slow-link turns it off)")
    return LinkMode()


def limit_colours(mode: LinkMode, environ: MutableMapping[str, str]) -> None:
    """In the mode, at most 256 colours: call before Textual is imported, which reads
    ``TEXTUAL_COLOR_SYSTEM`` once, on import."""
    if mode.slow and terminal_colours(environ) == "truecolor":
        environ["TEXTUAL_COLOR_SYSTEM"] = "256"
