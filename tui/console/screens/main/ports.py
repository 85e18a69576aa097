"""What the main screen's helpers may ask of the screen and of the app: two ports.

The batch controller, the outcome feed, the filter mode and the status words work
for the main screen and talk to the app; naming those two classes in their
annotations made a circle of imports (app, main screen, helpers, back to the
app). They know these protocols instead, and ``MySafeApp`` and ``MainScreen``
satisfy them (mypy checks it where the screen hands itself over), so the import
graph points one way: app over screens over these ports.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from textual.app import App
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widget import Widget

from tui.api import ItemList, ItemSummary, Kind, MySafeClient
from tui.console.models import TableModel
from tui.console.widgets import ItemTable
from tui.ops import Session

if TYPE_CHECKING:
    from tui.ops.leaks import Reports

W = TypeVar("W", bound=Widget)


class ConsoleApp(Protocol):
    """The console app, as its screens use it beyond Textual's own ``App``."""

    session: Session
    demo_hint: str
    arming_delay: float
    #: The confirmation dialog's arming clock (tests pass their own).
    monotonic: Callable[[], float] | None
    clock: Callable[[], datetime]
    #: A leak report to triage once the lists are in (``mysafe-tui triage``).
    triage_on_start: Reports | str | None

    @property
    def client(self) -> MySafeClient: ...

    @property
    def demo(self) -> bool: ...

    @property
    def read_only(self) -> bool: ...

    @property
    def slow_link(self) -> bool: ...

    def say(
        self, message: str, *, severity: SeverityLevel = "information", toast: bool = True
    ) -> None: ...

    def report(self, error: BaseException | str, context: str, *, toast: bool = True) -> None: ...

    def record_error(self, context: str, message: str) -> None: ...

    def opening_time(self) -> float: ...

    def early_list(self, kind: Kind) -> asyncio.Future[ItemList] | None: ...

    def quit_safely(self, reason: str = "quit") -> object: ...


class MainView(Protocol):
    """The main screen, as its helpers use it."""

    loaded: dict[Kind, bool]
    not_loaded: dict[Kind, str | None]
    server_filters: dict[Kind, dict[str, str]]

    @property
    def app(self) -> App[Any]: ...

    @property
    def mysafe(self) -> ConsoleApp: ...

    @property
    def kind(self) -> Kind: ...

    @property
    def items(self) -> Mapping[Kind, Mapping[str, ItemSummary]]: ...

    def model(self, kind: Kind | None = None) -> TableModel[ItemSummary]: ...

    def table(self, kind: Kind | None = None) -> ItemTable: ...

    def log_line(self, line: str) -> None: ...

    def log_lines(self, lines: Sequence[str]) -> None: ...

    def session_changed(self) -> None: ...

    def update_status(self) -> None: ...

    def filter_changed(self) -> None: ...

    def refresh_bindings(self) -> None: ...

    def minimize(self) -> None: ...

    def set_focus(self, widget: Widget | None, scroll_visible: bool = True) -> None: ...

    def set_timer(self, delay: float, callback: Callable[[], object] | None = None) -> Timer: ...

    def query_one(self, selector: type[W]) -> W: ...

    def post_message(self, message: Message) -> bool: ...
