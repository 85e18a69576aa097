"""Telling a hung-up terminal (the SSH link dropped) from a SIGHUP sent by hand."""

from __future__ import annotations

import os
import pty

from tui.base.hangup import terminal_lost


def test_a_live_terminal_is_not_lost() -> None:
    master, slave = pty.openpty()
    try:
        assert not terminal_lost(slave)
    finally:
        os.close(master)
        os.close(slave)


def test_a_terminal_whose_other_side_closed_is_lost() -> None:
    master, slave = pty.openpty()
    os.close(master)  # what sshd does when the client's connection drops
    try:
        assert terminal_lost(slave)
    finally:
        os.close(slave)


def test_a_file_that_never_was_a_terminal_is_not_lost() -> None:
    fd = os.open(os.devnull, os.O_WRONLY)
    try:
        assert not terminal_lost(fd)
    finally:
        os.close(fd)
