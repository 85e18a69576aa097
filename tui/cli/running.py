"""Running a command on a session: signals, and a truthful end however it ends.

Every catchable signal that would otherwise end the process (SIGINT, SIGTERM,
SIGHUP when an SSH link drops under a scripted run, SIGQUIT, SIGUSR1, SIGUSR2,
SIGALRM) stops a batch as SIGINT does (nothing more is sent, requests in flight
get the session's stop grace to answer, then are recorded in doubt); before a
batch it cancels the command. Either way the session is shut down (outcomes
written, journal closed) and the client closed before the exit code, 130, is
returned. A second signal stops waiting for the first. After a hangup whose
terminal is gone, output goes to /dev/null: the journal, not the dead terminal,
is where the outcomes must land. (SIGPIPE stays ignored, as Python sets it: a
closed pipe is a write error the output code handles.)
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator

from tui.api import MySafeError
from tui.base import hangup
from tui.cli import options as cli_options
from tui.cli.errors import CliError, ExitCode, from_api_error, warn
from tui.ops import Session
from tui.settings.launch import LaunchOptions
from tui.wiring import build_session

#: How long a command keeps trying to write outcomes a full disk refused, at its end.
JOURNAL_PATIENCE = 10.0

SIGNALS = (
    signal.SIGINT,
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
    signal.SIGALRM,
)


class Interruption:
    """Which signal arrived (if any), and what it does at each stage of a command."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.signal_name: str | None = None
        self._task: asyncio.Task[int] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def interrupted(self) -> bool:
        return self.signal_name is not None

    def _on_signal(self, number: int) -> None:
        if number == signal.SIGHUP and hangup.terminal_lost():
            hangup.discard_terminal_output()  # every later write would fail with EIO
        first = self.signal_name is None
        self.signal_name = self.signal_name or signal.Signals(number).name
        if first and self.session.running is not None:
            self.session.stop(self.signal_name)  # in flight: answered or in doubt
        elif self._task is not None:
            self._task.cancel()

    def install(self, task: asyncio.Task[int]) -> None:
        self._task = task
        self._loop = asyncio.get_running_loop()
        for number in SIGNALS:
            # Not in the main thread (a test's worker thread): no handlers, no harm.
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                self._loop.add_signal_handler(number, self._on_signal, number)

    def uninstall(self) -> None:
        if self._loop is None:
            return
        for number in SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                self._loop.remove_signal_handler(number)

    @contextlib.contextmanager
    def prompting(self) -> Iterator[None]:
        """During a blocking prompt, Ctrl-C must reach it as KeyboardInterrupt."""
        self.uninstall()  # asyncio puts Python's default SIGINT handler back
        try:
            yield
        finally:
            if self._task is not None:
                self.install(self._task)

    def confirm(self, question: str, *, nothing: str = "nothing was sent") -> None:
        """``question [y/N]`` on the terminal (stdout may be a pipe); a no, Ctrl-C or
        the terminal's end is a CliError that says ``nothing`` happened."""
        try:
            with self.prompting():
                agreed = cli_options.ask(question)  # looked up when asked (tests swap it)
        except (KeyboardInterrupt, EOFError, OSError):
            raise CliError(
                f"interrupted at the prompt; {nothing}",
                exit_code=ExitCode.INTERRUPTED,
                kind="interrupted",
            ) from None
        if not agreed:
            raise CliError(f"cancelled; {nothing}", kind="cancelled")


Body = Callable[[Session, Interruption], Awaitable[int]]


def build(options: LaunchOptions) -> Session:
    """The session for ``options``: the console's factory, journal and all."""
    try:
        return build_session(options)
    except MySafeError as exc:
        raise from_api_error(exc) from None


def run(session: Session, body: Body) -> int:
    """Run ``body`` on ``session`` in a fresh event loop; its exit code, or 130."""
    return asyncio.run(_guarded(session, body))


async def _guarded(session: Session, body: Body) -> int:
    guard = Interruption(session)
    task = asyncio.current_task()
    assert task is not None
    guard.install(task)
    try:
        code = await body(session, guard)
    except MySafeError as exc:
        raise from_api_error(exc) from None
    except asyncio.CancelledError:
        if not guard.interrupted:
            raise
        task.uncancel()  # the signal's cancel is handled here: shut down normally
        code = ExitCode.INTERRUPTED
    finally:
        guard.uninstall()
        try:
            await session.shutdown(guard.signal_name or "exit", journal_patience=JOURNAL_PATIENCE)
        finally:
            await session.client.aclose()
    copy_problem = session.copy_problem()
    if copy_problem:
        warn(copy_problem, always=True)  # never silent: -q too
    unwritten = session.unwritten_records()
    if unwritten:
        # The last copy of these records is in this process: hand them over.
        sys.stderr.writelines(unwritten)
        sys.stderr.flush()
        raise CliError(
            f"the audit journal could not be written for {JOURNAL_PATIENCE:g} s: its last "
            f"{len(unwritten)} records are above on stderr as JSON lines; append them to "
            f"{session.journal_path()} when there is room",
            exit_code=ExitCode.FAILED,
            kind="journal",
        )
    if guard.interrupted:
        raise CliError(
            f"interrupted by {guard.signal_name}; what was sent has its outcome in the "
            "audit journal",
            exit_code=ExitCode.INTERRUPTED,
            kind="interrupted",
        )
    return code
