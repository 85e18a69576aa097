"""The bytes the real program writes to a terminal: no escape sequence from the server."""

from __future__ import annotations

import pytest

from support.terminals import PtyTerminal, clean_env

pytestmark = pytest.mark.e2e


def test_hostile_names_reach_the_terminal_only_as_visible_text() -> None:
    terminal = PtyTerminal(["--demo"], clean_env())
    try:
        terminal.read_until(b"passwords shown")
        terminal.drain(quiet=1.0)
        # The hostile names are off the first screen, tagged hostile-name: a presenter
        # shows them with /tag:hostile (one carries an OSC 52 clipboard write).
        for key in [b"/", *(bytes([c]) for c in b"tag:hostile"), b"\r"]:
            terminal.send(key)  # one key at a time, as typed
            terminal.drain(quiet=0.2)
        terminal.drain(quiet=1.0)
    finally:
        terminal.stop()
    output = bytes(terminal.output)
    assert b"clipboard" in output
    assert "␛]52;c;ZXZpbA==␇".encode() in output, "shown as visible control pictures"
    assert b"\x1b]52" not in output, "the escape sequence itself never reaches the terminal"
    assert b"[bold]Payroll[/] admin" in output, "markup-like names are printed literally"
