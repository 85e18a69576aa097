"""When the terminal goes away (the SSH link dropped): stop writing to it, and end.

A hung-up terminal fails every write with EIO. Textual writes from a thread that
dies on the first such failure, and its queue of 30 frames then fills: the next
frame blocks the event loop (so requests in flight would never be journalled) and
the exit blocks for ever closing the driver. The kernel also sends SIGCONT with the
SIGHUP, and Textual answers SIGCONT by starting its output again.

So the SIGHUP handler, which runs before the SIGCONT one (CPython runs pending
handlers in signal-number order), points the output descriptors at ``/dev/null``
before anything else is written, and the app stops repainting. Whatever Textual
still writes is then discarded instead of failing. As a last resort, once the
journal is closed, a watchdog ends the process if closing the driver hangs anyway.
"""

from __future__ import annotations

import errno
import logging
import os
import termios
import threading

#: How long the exit may take, after the journal is closed, before it is cut short.
EXIT_WATCHDOG_SECONDS = 5.0

#: The descriptors Textual writes to (stderr, where its driver draws) and stdout.
OUTPUT_FDS = (1, 2)


def terminal_lost(fd: int = 2) -> bool:
    """True when ``fd`` was a terminal that has hung up (its ioctls fail with EIO).

    A SIGHUP sent by hand to a program whose terminal is still there is a plain
    quit: the terminal is restored as on any other exit.
    """
    try:
        termios.tcgetattr(fd)
    except termios.error as exc:
        return bool(exc.args) and exc.args[0] == errno.EIO  # ENOTTY: never was one
    except OSError:
        return False
    return False


def discard_terminal_output() -> None:
    """Point stdout and stderr at /dev/null: later writes succeed and go nowhere."""
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in OUTPUT_FDS:
            os.dup2(null, fd)
    finally:
        os.close(null)


def end_if_exit_hangs(logger: logging.Logger, seconds: float = EXIT_WATCHDOG_SECONDS) -> None:
    """Arm a daemon timer that ends the process if the exit has not finished.

    Called only after the session is shut down and the journal closed, so nothing
    of record is lost: what is left is restoring a terminal that no longer exists.
    """

    def cut_short() -> None:
        logger.warning("The terminal is gone and closing it hung: ending now.")
        for handler in logger.handlers:
            handler.flush()
        os._exit(0)

    timer = threading.Timer(seconds, cut_short)
    timer.daemon = True
    timer.start()
