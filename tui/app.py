"""The App: theme, global keys, and the one path every outcome and failure takes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from tui.api import MySafeClient, MySafeError
from tui.audit import AuditTrail
from tui.dialogs.confirm_batch import ARMING_DELAY
from tui.paths import stylesheets
from tui.safe_text import safe_text
from tui.screens.errors import ErrorEntry, ErrorHistoryScreen
from tui.screens.main import MainScreen
from tui.session import ProfileView

THEME = "textual-dark"


class MySafeApp(App[None]):
    """A thin shell: the main screen does the work, this owns the plumbing."""

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
        Binding("e", "errors", "Errors", id="app.errors", tooltip="Errors of this session"),
    ]

    def __init__(
        self,
        client: MySafeClient,
        *,
        demo: bool = False,
        read_only: bool = False,
        demo_hint: str = "",
        clock: Callable[[], datetime] = datetime.now,
        arming_delay: float = ARMING_DELAY,
        new_batch_id: Callable[[], str] | None = None,
        audit: AuditTrail | None = None,
        profile: ProfileView | None = None,
        theme: str = THEME,
    ) -> None:
        super().__init__()
        self.client = client
        self.demo = demo
        self.read_only = read_only
        self.demo_hint = demo_hint
        self.clock = clock
        self.arming_delay = arming_delay
        self.errors: list[ErrorEntry] = []
        #: Batch ids (random by default; tests pass a counter for stable snapshots).
        self.new_batch_id = new_batch_id or (lambda: uuid.uuid4().hex[:8])
        #: Where every attempted (de)activation is recorded, before and after.
        self.audit = audit
        self.profile = profile or ProfileView(insecure=client.settings.tls.insecure)
        self._wanted_theme = theme

    # -- setup ----------------------------------------------------------------------

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

    def get_default_screen(self) -> Screen[None]:
        return MainScreen()

    async def on_unmount(self) -> None:
        await self.client.aclose()
        if self.audit is not None:
            self.audit.close()

    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0] if len(self.screen_stack) > 0 else None
        assert isinstance(screen, MainScreen)
        return screen

    # -- the one path for outcomes and failures -------------------------------------

    def say(
        self, message: str, *, severity: SeverityLevel = "information", toast: bool = True
    ) -> None:
        """Tell the operator: a toast (optional) and always a log line."""
        text = safe_text(message)
        self.main.log_line(text)
        if toast:
            self.notify(text, severity=severity, markup=False)

    def report(self, error: BaseException, context: str, *, toast: bool = True) -> None:
        """Any failure: a toast, a log line and an entry in the error history."""
        if isinstance(error, MySafeError):
            message = str(error)
            if error.request_id:
                message += f" (request {error.request_id})"
        else:
            message = f"Unexpected error: {type(error).__name__}: {error}"
        text = safe_text(message)
        self.record_error(context, text)
        self.main.log_line(f"{context}: {text}")
        if toast:
            self.notify(text, title=safe_text(context), severity="error", markup=False)

    def record_error(self, context: str, message: str) -> None:
        """Add to the error history only (batch items already have their log line)."""
        self.errors.append(ErrorEntry(self.clock().strftime("%H:%M:%S"), context, message))

    # -- global actions -------------------------------------------------------------

    def action_help(self) -> None:
        self.main.show_help()

    def action_toggle_log(self) -> None:
        self.main.toggle_log()

    def action_errors(self) -> None:
        self.push_screen(ErrorHistoryScreen(self.errors))

    def action_request_quit(self) -> None:
        self.main.request_quit()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        main = self.screen_stack[0] if self.screen_stack else None
        if isinstance(main, MainScreen):
            yield from main.palette_commands()
