"""The App: theme, global keys, quitting safely, and the one path for every message."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Input

from tui.api import ItemList, Kind, MySafeClient, MySafeError
from tui.base import hangup
from tui.base.safe_text import safe_text
from tui.console.applog import LOGGER_NAME, flush_app_log
from tui.console.dialogs.arming import ARMING_DELAY
from tui.console.screens.main.screen import MainScreen
from tui.console.terminal.link_mode import LinkMode
from tui.ops import ProfileView, Session
from tui.settings.environment import IN_BROWSER
from tui.settings.paths import stylesheets

if TYPE_CHECKING:
    from tui.console.dialogs.confirm_batch import ConfirmBatch
    from tui.console.screens.errors import ErrorEntry
    from tui.ops.leaks import Reports

THEME = "textual-dark"


def utc_now() -> datetime:
    """One clock for the whole console: the log, the errors and the audit view in UTC."""
    return datetime.now(UTC)


#: Signals whose default action ends the process, handled as a quit (SIGHUP has a
#: handler of its own, which runs first: see ``_on_hangup``). SIGINT is a key
#: (ctrl+c) in a raw terminal; SIGPIPE is ignored by Python.
QUIT_SIGNALS = (signal.SIGTERM, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM)


def confirmation_shown(screen: Screen[Any]) -> ConfirmBatch | None:
    """``screen`` when it is the confirmation dialog. Until the dialog's module is
    imported (when the first confirmation opens) no screen can be one, so keys do
    not wait for that import and the start does not import it at all."""
    confirm_batch = sys.modules.get("tui.console.dialogs.confirm_batch")
    if confirm_batch is not None and isinstance(screen, confirm_batch.ConfirmBatch):
        return cast("ConfirmBatch", screen)
    return None


class MySafeApp(App[None]):
    """A thin shell: the session decides, the main screen shows, this owns the plumbing."""

    TITLE = "mysafe-tui"
    CSS_PATH = stylesheets()  # type: ignore[assignment]
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding(
            "q",
            "request_quit",
            "Quit",
            id="app.quit",
            tooltip="Quit (asks first while a batch runs)",
        ),
        Binding(
            "question_mark",
            "help",
            "Keys",
            key_display="?",
            id="app.help",
            tooltip="Show every key",
        ),
        Binding("l", "toggle_log", "Log", id="app.log", tooltip="Show or hide the log panel"),
        Binding(
            "e", "errors", "Errors", id="app.errors", tooltip="Errors of this session", show=False
        ),
        Binding(
            "ctrl+q",
            "quit",
            "Quit now",
            show=False,
            id="app.quit_now",
            tooltip="Quit now: a running batch is stopped and recorded first",
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "Palette",
            show=False,
            id="app.palette",
            tooltip="The command palette: every action by name, with its key",
        ),
    ]

    def __init__(
        self,
        session: Session,
        *,
        demo_hint: str = "",
        first_run: bool = False,
        config_path: str = "",
        warnings: Sequence[str] = (),
        clock: Callable[[], datetime] = utc_now,
        arming_delay: float = ARMING_DELAY,
        monotonic: Callable[[], float] | None = None,
        theme: str = THEME,
        link: LinkMode | None = None,
        triage: Reports | str | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        #: A leak report to triage once the lists are in (``mysafe-tui triage``):
        #: the reports read, or "sample" for the demo's own.
        self.triage_on_start = triage
        self.demo_hint = demo_hint
        #: Nothing configured: the first thing shown says this is a demo.
        self.first_run = first_run
        self.config_path = config_path
        self.warnings = list(warnings)
        self.clock = clock
        self.arming_delay = arming_delay
        #: The confirmation dialog's arming clock (tests pass their own, and their
        #: keys are stamped with it as they arrive).
        self.monotonic = monotonic
        #: The time stamp of the newest key or mouse button event seen: while an
        #: action bound to a key runs, that key's (see ``on_event``).
        self.input_time: float | None = None
        self.errors: list[ErrorEntry] = []
        self._wanted_theme = theme
        self._quitting = False
        #: The terminal hung up: nothing is drawn any more (see tui/base/hangup.py).
        self.terminal_lost = False
        self._silence = contextlib.ExitStack()
        self._signals_seen: set[str] = set()
        #: The thin-link mode (terminal/link_mode.py): nothing moves or blinks by itself.
        self.link = link or LinkMode()
        #: The lists asked for at the start (``on_load``), until the main screen takes them.
        self._early_lists: dict[Kind, asyncio.Future[ItemList]] = {}
        if self.link.slow:
            self.animation_level = "none"
            # Fewer bytes for the same screen (tui/console/terminal/output.py).
            from tui.console.terminal.driver import lean_driver

            self.driver_class = lean_driver(self.driver_class)

    @property
    def slow_link(self) -> bool:
        return self.link.slow

    def on_load(self) -> None:
        # The first lists are asked for before anything is built or drawn: a server's
        # answers travel while the screen is composed, and the demo's are in before
        # the first frame, which then has rows (no "Loading…" frame drawn for nothing).
        self._early_lists = {
            kind: asyncio.ensure_future(self.client.list_items(kind)) for kind in Kind
        }

    def early_list(self, kind: Kind) -> asyncio.Future[ItemList] | None:
        """The first list of ``kind``, asked for at the start: once (then None)."""
        return self._early_lists.pop(kind, None)

    # -- what the screens read -------------------------------------------------------

    @property
    def client(self) -> MySafeClient:
        return self.session.client

    @property
    def profile(self) -> ProfileView:
        return self.session.profile

    @property
    def demo(self) -> bool:
        return self.session.demo

    @property
    def read_only(self) -> bool:
        return self.session.read_only

    # -- setup and the ways out -------------------------------------------------------

    def on_mount(self) -> None:
        # A fixed theme: TEXTUAL_THEME in the environment must not change snapshots.
        self.theme = THEME
        if self._wanted_theme != THEME:
            if self._wanted_theme in self.available_themes:
                self.theme = self._wanted_theme
            else:
                self.call_later(
                    self.say,
                    f"Unknown theme {self._wanted_theme!r} in the profile; using {THEME}.",
                    severity="warning",
                )
        self._signal_loop = loop = asyncio.get_running_loop()
        self._signal_context = contextvars.copy_context()
        # SIGTERM, SIGHUP (the SSH link dropped) and every other signal whose default
        # would kill the process end the program as a quit does: outcomes first.
        for number in QUIT_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(number, self._on_signal, number)
        with contextlib.suppress(ValueError):  # not the main thread: no handler
            # A plain handler, not the loop's: it must run before Textual's SIGCONT
            # handler, which comes with a hangup and draws again.
            signal.signal(signal.SIGHUP, self._on_hangup)
        for warning in self.warnings:
            self.call_later(self.say, warning, severity="warning")
        if self.slow_link:
            self.call_later(self.say, f"Slow-link mode: {self.link.why}.", toast=False)
        if self.first_run:

            def chosen(demo: bool | None) -> None:
                if not demo:
                    self.quit_safely("quit")

            from tui.console.screens.first_run import FirstRunScreen

            self.push_screen(FirstRunScreen(self.config_path), chosen)

    def _on_hangup(self, number: int, _frame: object) -> None:
        if not self.terminal_lost and hangup.terminal_lost():
            hangup.discard_terminal_output()
            self._silence.enter_context(self.batch_update())  # never repaint again
            self.terminal_lost = True
        # In the app's own context (a signal handler runs in whatever was interrupted).
        self._signal_loop.call_soon_threadsafe(
            self._on_signal, number, context=self._signal_context
        )

    def _on_signal(self, number: int) -> None:
        name = signal.Signals(number).name
        if name in self._signals_seen:
            return  # a hangup often comes twice (from the terminal and from sshd)
        self._signals_seen.add(name)
        # On record (log panel and app log): after a dropped SSH link, the log is
        # how anyone learns the session ended by SIGHUP and not by a keystroke.
        self.say(f"{name} received: quitting safely.", severity="warning", toast=False)
        flush_app_log()  # on disk now, whatever becomes of the way out
        self.quit_safely(name)

    async def on_event(self, event: events.Event) -> None:
        # A key reaches here as it arrives, then again after it bubbled up from the
        # focused widget, when the bindings run: noting its time stamp both times
        # makes ``input_time`` that key's while its action runs, whatever keys
        # arrived after it.
        if isinstance(event, events.Key):
            if not event.is_forwarded:
                if self.monotonic is not None:
                    event.time = self.monotonic()  # tests move time by hand
                if (dialog := confirmation_shown(self.screen)) is not None:
                    # Before it is handed to the focused widget: typed text lands
                    # in the dialog's text fields, in order.
                    dialog.route_key(event)
            self.input_time = event.time
        elif isinstance(event, (events.MouseDown, events.MouseUp)) and not event.is_forwarded:
            self.input_time = event.time if self.monotonic is None else self.monotonic()
        await super().on_event(event)

    def opening_time(self) -> float:
        """When the input that is opening a dialog was made: the newest key or
        click (the one whose action runs), else now."""
        if self.input_time is not None:
            return self.input_time
        return self.monotonic() if self.monotonic is not None else time.monotonic()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # A blinking cursor repaints twice a second, for as long as the input is
        # focused: on a thin link that is a steady trickle for nothing.
        if self.slow_link and isinstance(event.widget, Input):
            event.widget.cursor_blink = False

    def get_default_screen(self) -> Screen[None]:
        return MainScreen()

    async def on_unmount(self) -> None:
        # Every way out passes here, an unexpected exception included: the batch is
        # stopped, requests in flight get a bounded wait, the rest is recorded.
        for number in QUIT_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                asyncio.get_running_loop().remove_signal_handler(number)
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGHUP, signal.SIG_DFL)
        await self.session.shutdown("exit")
        for untaken in self._early_lists.values():  # the app ended before its screen
            untaken.cancel()
        await self.client.aclose()
        # The app log's held lines (applog.AppLogHandler), the batch's end among them:
        # logging writes them at exit too, but an exit can still hang or be killed.
        flush_app_log()
        if self.terminal_lost:
            hangup.end_if_exit_hangs(logging.getLogger(LOGGER_NAME))

    @work(group="quit", exclusive=True, exit_on_error=False)
    async def quit_safely(self, reason: str = "quit") -> None:
        """Stop sending, let requests in flight answer (bounded), record, then exit."""
        if self._quitting:
            return
        self._quitting = True
        run = self.session.running
        if run is not None:
            self.say(
                f"Quitting: stopping batch {run.batch_id}, waiting for "
                f"{len(run.in_flight)} requests in flight.",
                severity="warning",
            )
        await self.session.shutdown(reason)
        self.exit()

    async def action_quit(self) -> None:
        """ctrl+q and the palette's Quit: at once, but never leaving a batch untold."""
        if not self._asked_in_browser():
            self.quit_safely("quit")

    def action_request_quit(self) -> None:
        if not self._asked_in_browser():
            self.main.request_quit()

    def _asked_in_browser(self) -> bool:
        """In the browser demo, quitting ends the tab's session: ask first (True: asked)."""
        if os.environ.get(IN_BROWSER) != "1":
            return False
        from tui.console.dialogs.confirm_quit import ConfirmQuit

        if isinstance(self.screen, ConfirmQuit):
            return True
        if self.session.running is not None:
            self.main.request_quit()  # asks, with the running batch's words
            return True

        def answer(leave: bool | None) -> None:
            if leave:
                self.quit_safely("quit")

        question = (
            "End this demo session? The console in this tab stops, with its simulated "
            "data; reload the page for a fresh one."
        )
        self.push_screen(ConfirmQuit(0, question=question), answer)
        return True

    @property
    def main(self) -> MainScreen:
        screen = self.main_screen
        if screen is None:
            raise RuntimeError("the main screen is not on the screen stack yet")
        return screen

    @property
    def main_screen(self) -> MainScreen | None:
        """The main screen, or None before it is pushed (or after it is gone)."""
        stack = self.screen_stack
        screen = stack[0] if stack else None
        return screen if isinstance(screen, MainScreen) else None

    # -- the one path for outcomes and failures -------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast; in the demo each one says DEMO, so none reads as a real server's."""
        if self.demo:
            title = f"DEMO · {title}" if title else "DEMO"
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def say(
        self, message: str, *, severity: SeverityLevel = "information", toast: bool = True
    ) -> None:
        """Tell the operator: a toast (optional) and always a log line."""
        text = safe_text(message)
        if (main := self.main_screen) is not None:  # before it, the toast alone
            main.log_line(text)
        if toast:
            self.notify(text, severity=severity, markup=False)

    def report(self, error: BaseException | str, context: str, *, toast: bool = True) -> None:
        """Any failure: a toast, a log line and an entry in the error history."""
        if isinstance(error, str):
            message = error
        elif isinstance(error, MySafeError):
            message = str(error)
            if error.request_id:
                message += f" (request {error.request_id})"
        else:
            message = f"Unexpected error: {type(error).__name__}: {error}"
        text = safe_text(message)
        self.record_error(context, text)
        if (main := self.main_screen) is not None:
            main.log_line(f"{context}: {text}")
        if toast:
            self.notify(text, title=safe_text(context), severity="error", markup=False)

    def record_error(self, context: str, message: str) -> None:
        """Add to the error history only (batch items already have their log line)."""
        from tui.console.screens.errors import ErrorEntry

        self.errors.append(ErrorEntry(self.clock().strftime("%H:%M:%S"), context, message))

    # -- global actions -------------------------------------------------------------

    def action_help(self) -> None:
        self.main.show_help()

    def action_toggle_log(self) -> None:
        self.main.toggle_log()

    def action_errors(self) -> None:
        from tui.console.screens.errors import ErrorHistoryScreen

        self.push_screen(ErrorHistoryScreen(self.errors))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        main = self.screen_stack[0] if self.screen_stack else None
        if isinstance(main, MainScreen):
            yield from main.palette_commands()
