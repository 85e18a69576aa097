"""The thin-link mode's lean output: fewer bytes, and the screen the same cell for cell."""

from __future__ import annotations

import random
import statistics

import pyte
import pytest
from rich.console import Console
from rich.control import Control
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui.console.terminal.output import DEFAULT, LeanOutput, Pen, apply, cells, change, move

from support.terminals import PtyTerminal, clean_env

Cell = tuple[str, str, str, bool, bool, bool, bool, bool, bool]
Seen = tuple[list[list[Cell]], tuple[int, int]]

CONSOLE = Console(color_system="256", force_terminal=True, width=80)
#: The styles of the detail pane in 256 colours: a value, and a label (bold).
VALUE = Style.parse("grey93 on grey7")
LABEL = Style.parse("bold grey93 on grey7")


class Screen:
    """A terminal emulator (pyte) fed what a program writes; what it shows."""

    def __init__(self, size: tuple[int, int] = (80, 24)) -> None:
        self.screen = pyte.Screen(*size)
        self.stream = pyte.ByteStream(self.screen)

    def feed(self, written: str) -> Seen:
        # What a pseudo-terminal makes of a newline (onlcr), as on the real link.
        self.stream.feed(written.replace("\n", "\r\n").encode())
        screen = self.screen
        cells = [
            [
                (
                    c.data,
                    c.fg,
                    c.bg,
                    c.bold,
                    c.italics,
                    c.underscore,
                    c.strikethrough,
                    c.reverse,
                    c.blink,
                )
                for c in (screen.buffer[y][x] for x in range(screen.columns))
            ]
            for y in range(screen.lines)
        ]
        return cells, (screen.cursor.x, screen.cursor.y)


def same_screens(writes: list[str]) -> int:
    """Feeds ``writes`` as they are and through one LeanOutput; asserts every write
    leaves both terminals the same; the bytes the lean one was sent."""
    plain, lean, output = Screen(), Screen(), LeanOutput()
    sent = 0
    for number, write in enumerate(writes):
        shorter = output.shorten(write)
        sent += len(shorter.encode())
        assert lean.feed(shorter) == plain.feed(write), f"write {number}: {write!r}"
    return sent


def chop(x: int, y: int, *segments: Segment) -> str:
    """A run of cells as Textual writes it: positioned, each segment styled then reset."""
    return Control.move_to(x, y).segment.text + Strip(list(segments)).render(CONSOLE)


def frame(*lines: str) -> str:
    """A partial update as Textual's compositor writes it: lines apart by newlines."""
    return "\n".join(lines) + Control.move_to(0, 0).segment.text


def test_runs_of_one_style_send_it_once() -> None:
    # A cursor move in the detail pane: several value lines, one label, in two styles.
    update = frame(
        chop(10, 1, Segment("7", VALUE)),
        chop(10, 2, Segment("Azure portal prod", VALUE)),
        chop(0, 3, Segment("Username", LABEL)) + chop(10, 3, Segment("karen.silva    ", VALUE)),
        chop(10, 4, Segment("https://portal.azure.com", VALUE)),
    )
    writes = [Strip([Segment("reset first", VALUE)]).render(CONSOLE), update]
    sent = same_screens(writes)
    shorter = LeanOutput()
    shorter.shorten(writes[0])
    lean = shorter.shorten(update)
    value, label = (style_sequence(style) for style in (VALUE, LABEL))
    assert lean.count(value) == 1 and label not in lean
    assert "\x1b[1m" in lean and "\x1b[22m" in lean, "bold on and off, not the colours again"
    # Textual's newline before a position is dropped; a "\r\n" is a move of its own
    # (the next line's start from the end of the line before).
    assert "\n" not in lean.replace("\r\n", ""), "a newline before a position is dropped"
    assert sent < sum(len(write.encode()) for write in writes)
    text = len("7Azure portal prodUsernamekaren.silva    https://portal.azure.com")
    assert len(lean) - text < (len(update) - text) / 2, "less than half the sequences"


def style_sequence(style: Style) -> str:
    return Strip([Segment("x", style)]).render(CONSOLE).split("x")[0]


def test_each_write_leaves_the_terminal_as_textual_does() -> None:
    output = LeanOutput()
    output.shorten("\x1b[0m")
    lean = output.shorten(chop(0, 0, Segment("a", VALUE)) + Control.move_to(5, 5).segment.text)
    assert lean.endswith("\x1b[0m\x1b[6;6H"), "the style reset, the cursor where it was put"


def test_the_shortest_change_of_style() -> None:
    bold = Pen(frozenset({"1"}), "38;5;255", "48;5;233")
    plain = Pen(frozenset(), "38;5;255", "48;5;233")
    dim = Pen(frozenset({"2"}), "38;5;255", "48;5;233")
    assert change(plain, plain) == ""
    assert change(plain, bold) == "\x1b[1m"
    assert change(bold, plain) == "\x1b[22m"
    assert change(bold, dim) == "\x1b[22;2m", "22 ends bold and dim: dim is put back"
    assert change(bold, DEFAULT) == "\x1b[0m"
    assert change(plain, Pen(frozenset(), "", "48;5;233")) == "\x1b[39m"
    assert apply(DEFAULT, "1;38;2;1;2;3;48;5;17") == Pen(frozenset({"1"}), "38;2;1;2;3", "48;5;17")
    assert apply(DEFAULT, "58;5;1") is None, "an underline colour is not known here"


def test_what_it_does_not_know_passes_as_it_came() -> None:
    output = LeanOutput()
    output.shorten("\x1b[0m")
    unknown = "\x1b[58;5;1mx\x1b[0m"
    link = "\x1b]8;id=1;https://example.com\x1b\\\x1b[1mlink\x1b[0m\x1b]8;;\x1b\\"
    assert output.shorten(unknown) == unknown
    assert output.shorten(link) == link
    # Before the first reset the terminal's style is not known: nothing is left out.
    fresh = LeanOutput()
    assert fresh.shorten("\x1b[1mx\x1b[1my") == "\x1b[1mx\x1b[1my"


def test_a_newline_not_followed_by_a_position_is_kept() -> None:
    output = LeanOutput()
    output.shorten("\x1b[0m")
    written = "\x1b[2;3Hab\x1b[1m\ncd\x1b[0m"  # a position already as short as it goes
    assert output.shorten(written) == written
    assert same_screens(["\x1b[0m", "\x1b[1;1H\x1b[1mab\x1b[0m\ncd\x1b[1mef\x1b[0m"]) > 0


def test_positions_become_the_shortest_move_from_the_cursor() -> None:
    assert move(None, (5, 1), "\n") == "\x1b[5H", "not known: whole, in its shortest form"
    assert move((5, 10), (5, 10), "\n") == "", "there already"
    assert move((5, 80), (6, 1), "\n") == "\n"
    assert move((5, 80), (6, 1), "\r\n") == "\r\n", "no onlcr: the return is sent"
    assert move((5, 20), (5, 30), "\n") == "\x1b[10C"
    assert move((6, 94), (7, 93), "\n") == "\n\x1b[92C"
    # After the last column the terminal holds the cursor on it: the column kept is
    # one past the screen, and the move to a column of that line is absolute.
    assert move((3, 81), (3, 80), "\n") == "\x1b[80G"
    assert cells("abc") == 3 and cells("sap.prod.ex… ▂▂") == 15
    assert cells("東京") is None and cells("e\u0301") is None and cells("a\tb") is None


def test_text_to_the_last_column_then_positions_draw_the_same_screens() -> None:
    value = Segment("x", VALUE)
    writes = [
        "\x1b[0m",
        chop(75, 2, Segment("abcde", VALUE)) + chop(0, 3, value) + chop(79, 4, value),
        chop(76, 5, Segment("abcd", VALUE)) + chop(79, 5, value) + chop(78, 5, value),
        chop(10, 6, Segment("東京", VALUE)) + chop(14, 6, value) + chop(0, 7, value),
    ]
    assert same_screens(writes) < sum(len(write.encode()) for write in writes)


def random_update(rng: random.Random) -> str:
    """A partial update with the shapes Textual writes, in random styles and places."""
    colours = [None, "grey93", "grey7", "dark_orange", "red", "#102030"]
    lines = []
    for y in sorted(rng.sample(range(23), rng.randint(1, 6))):
        chops = []
        for x in sorted(rng.sample(range(0, 70, 7), rng.randint(1, 3))):
            segments = []
            for _ in range(rng.randint(1, 3)):
                style = Style(
                    color=rng.choice(colours),
                    bgcolor=rng.choice(colours),
                    bold=rng.random() < 0.3,
                    dim=rng.random() < 0.1,
                    italic=rng.random() < 0.2,
                    underline=rng.random() < 0.2,
                    reverse=rng.random() < 0.1,
                    strike=rng.random() < 0.1,
                    link="https://example.com" if rng.random() < 0.05 else None,
                )
                text = rng.choice(["", " ", "abc", "東京", "Café", "  x  ", "…"])
                segments.append(Segment(text, style))
            chops.append(chop(x, y, *segments))
            if rng.random() < 0.1:
                chops.append("\x1b[58;5;3m" if rng.random() < 0.5 else "\x1b[?25l")
        lines.append("".join(chops))
    return frame(*lines)


def test_random_updates_draw_the_same_screens() -> None:
    rng = random.Random(11)
    writes = [random_update(rng) for _ in range(300)]
    sent = same_screens(writes)
    assert sent < sum(len(write.encode()) for write in writes)


# -- the real program ---------------------------------------------------------------

#: The console with the lean output left out (the driver Textual picks, as it is).
WITHOUT_LEAN = (
    "-c",
    "import sys, tui.console.terminal.driver as lean; lean.lean_driver = lambda driver: driver; "
    "from tui.__main__ import main; sys.exit(main(sys.argv[1:]))",
)
KEYS = [b"j"] * 12 + [b"\x1b[6~", b"/", b"p", b"r", b"\x1b", b"l", b"l", b"G", b"?", b"\x1b"]


@pytest.mark.e2e
def test_the_real_programs_output_draws_the_same_screens() -> None:
    """What the console writes, through LeanOutput after the fact, key by key."""
    terminal = PtyTerminal(["--demo", "--slow-link"], clean_env(), run=WITHOUT_LEAN)
    ends = []
    try:
        terminal.read_until(b"passwords shown")
        terminal.drain(quiet=1.0)
        ends.append(len(terminal.output))
        for key in KEYS:
            terminal.send(key)
            terminal.drain(quiet=0.3)
            ends.append(len(terminal.output))
    finally:
        terminal.stop()
    output = bytes(terminal.output)
    writes = [
        output[start:end].decode().replace("\r\n", "\n")
        for start, end in zip([0, *ends], ends, strict=False)
    ]
    plain, lean, lean_output = Screen((120, 40)), Screen((120, 40)), LeanOutput()
    for key, write in zip([b"start", *KEYS], writes, strict=True):
        assert lean.feed(lean_output.shorten(write)) == plain.feed(write), key


@pytest.mark.e2e
def test_a_cursor_move_over_a_thin_link_is_at_most_0_6_kb() -> None:
    """bench_bandwidth's "cursor move" at 120x40 in 256 colours: the first five j."""
    env = clean_env()
    env.pop("COLORTERM", None)
    terminal = PtyTerminal(["--demo", "--demo-items", "1000", "--slow-link"], env)
    moves = []
    try:
        terminal.read_until(b"passwords shown")
        terminal.drain(quiet=1.0)
        for _ in range(5):
            before = len(terminal.output)
            terminal.send(b"j")
            terminal.drain(quiet=0.3)
            moves.append(len(terminal.output) - before)
    finally:
        terminal.stop()
    assert statistics.median(moves) <= 600, moves
