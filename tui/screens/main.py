"""The operator console: two tables, a detail pane, marks, and the batches' feedback."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from tui.api import Action, ItemRef, ItemSummary, Kind, MySafeError
from tui.dialogs import ConfirmQuit, ServerFilterDialog
from tui.ops import BatchRecord
from tui.screens.audit_view import AuditScreen
from tui.screens.batch_controller import BatchController
from tui.screens.help import HelpScreen
from tui.screens.main_layout import (
    COLUMNS,
    MAIN_BINDINGS,
    TAB_IDS,
    TABLE_ACTIONS,
    WRITE_ACTIONS,
    help_sections,
    row_for,
)
from tui.widgets import BatchBar, ContextBar, DetailPane, ItemTable, LogPanel, StatusLine

if TYPE_CHECKING:
    from tui.app import MySafeApp


class MainScreen(Screen[None]):
    """Shows the session's items and batches; keys route to the batch controller."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = MAIN_BINDINGS

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[Kind, dict[str, ItemSummary]] = {Kind.PASSWORD: {}, Kind.API_SECRET: {}}
        self.server_filters: dict[Kind, dict[str, str]] = {Kind.PASSWORD: {}, Kind.API_SECRET: {}}
        self.loaded: dict[Kind, bool] = {Kind.PASSWORD: False, Kind.API_SECRET: False}

    @property
    def mysafe(self) -> MySafeApp:
        return cast("MySafeApp", self.app)

    # -- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.batches = BatchController(self, self.mysafe)
        self.mysafe.session.listener = self.batches
        yield ContextBar(self.mysafe.session)
        if self.mysafe.demo and self.mysafe.demo_hint:
            yield Static(self.mysafe.demo_hint, id="demo-hint", markup=False)
        yield Input(
            placeholder="filter: name, username, URL, tags (enter keeps, esc clears)",
            id="filter",
        )
        with TabbedContent(id="tabs", initial=TAB_IDS[Kind.PASSWORD]):
            for kind, title in ((Kind.PASSWORD, "Passwords"), (Kind.API_SECRET, "API secrets")):
                with TabPane(title, id=TAB_IDS[kind]), Horizontal(classes="kind-view"):
                    yield ItemTable(COLUMNS[kind], id=f"table-{kind.value}")
                    yield DetailPane(id=f"detail-{kind.value}")
        yield StatusLine()
        yield BatchBar()
        yield LogPanel(self.mysafe.clock, id="log")
        yield Footer()

    def on_mount(self) -> None:
        self.session_changed()
        self.query_one("#filter", Input).display = False
        self.query_one("#log", LogPanel).display = False
        for kind in Kind:
            self.detail(kind).show_nothing("Loading…")
        self.table(Kind.PASSWORD).focus()
        self.load(Kind.PASSWORD)
        self.load(Kind.API_SECRET)
        self.batches.look_for_interrupted()
        self.refresh_bindings()

    def session_changed(self) -> None:
        """The session's mode changed (unlocked, locked): header, keys, status."""
        self.query_one(ContextBar).show_session()
        self.refresh_bindings()
        self.update_status()

    # -- lookups --------------------------------------------------------------------

    @property
    def kind(self) -> Kind:
        active = self.query_one("#tabs", TabbedContent).active
        return Kind.API_SECRET if active == TAB_IDS[Kind.API_SECRET] else Kind.PASSWORD

    def table(self, kind: Kind | None = None) -> ItemTable:
        return self.query_one(f"#table-{(kind or self.kind).value}", ItemTable)

    def detail(self, kind: Kind | None = None) -> DetailPane:
        return self.query_one(f"#detail-{(kind or self.kind).value}", DetailPane)

    def log_line(self, line: str) -> None:
        self.query_one("#log", LogPanel).add(line)

    def selection(self) -> tuple[list[ItemRef], set[str]]:
        """The marked rows (or the cursor row), and which of them the filter hides."""
        table = self.table()
        kind = self.kind
        keys = list(table.marked_keys)
        hidden = table.hidden_marked_keys()
        if not keys and table.cursor_key is not None:
            keys, hidden = [table.cursor_key], set()
        refs = []
        for key in keys:
            item = self.items[kind].get(key)
            refs.append(item.ref if item is not None else ItemRef(kind, key))
        return refs, hidden

    # -- loading --------------------------------------------------------------------

    @work(group="load", exit_on_error=False)
    async def load(self, kind: Kind) -> None:
        filters = self.server_filters[kind]
        table = self.table(kind)
        table.loading = True
        try:
            result = await self.mysafe.client.list_items(kind, **filters)
        except MySafeError as exc:
            self.mysafe.report(exc, f"Loading {kind.noun}s")
            if not self.loaded[kind]:
                self.detail(kind).show_nothing(f"Could not load: {exc}")
            return
        finally:
            table.loading = False
        self.items[kind] = {item.identifier: item for item in result.items}
        self.loaded[kind] = True
        table.set_rows([row_for(item) for item in result.items])
        where = ""
        if filters:
            where = " matching " + ", ".join(f"{k}={v}" for k, v in filters.items())
        line = f"Loaded {len(result.items)} {kind.noun}s{where}"
        if result.skipped:
            line += f"; {result.skipped} malformed entries skipped"
        self.log_line(line)
        self._show_cursor_item(kind)
        self.update_status()

    @work(group="batch", exit_on_error=False)
    async def wait_for_batch(self) -> None:
        """A worker that ends with the session's batch (tests and the app wait on it)."""
        await self.mysafe.session.wait()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Workers catch the failures they expect; anything else lands here, is
        # reported like any other failure, and the app keeps running.
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.mysafe.report(event.worker.error, f"Task {event.worker.name or 'background'}")

    # -- detail pane ----------------------------------------------------------------

    def _show_cursor_item(self, kind: Kind) -> None:
        key = self.table(kind).cursor_key
        item = self.items[kind].get(key) if key is not None else None
        if item is None:
            self.detail(kind).show_nothing(
                "No items" if not self.items[kind] else "No item selected"
            )
        else:
            self.detail(kind).show_summary(item)

    @on(ItemTable.CursorMoved)
    def _cursor_moved(self, event: ItemTable.CursorMoved) -> None:
        kind = Kind.PASSWORD if event.control.id == "table-password" else Kind.API_SECRET
        self._show_cursor_item(kind)

    @on(ItemTable.MarksChanged)
    def _marks_changed(self) -> None:
        self.update_status()

    @on(ItemTable.Activated)
    def _fetch_item(self, event: ItemTable.Activated) -> None:
        kind = Kind.PASSWORD if event.control.id == "table-password" else Kind.API_SECRET
        item = self.items[kind].get(event.key)
        if item is not None:
            self.fetch(item)

    @work(group="fetch", exclusive=True, exit_on_error=False)
    async def fetch(self, item: ItemSummary) -> None:
        pane = self.detail(item.kind)
        pane.show_loading(item)
        try:
            detail = await self.mysafe.client.get_item(item.kind, item.identifier)
        except MySafeError as exc:
            pane.show_summary(item)
            self.mysafe.report(exc, f"Fetching {item.kind.noun} {item.identifier}")
            return
        if self.table(item.kind).cursor_key == item.identifier:
            pane.show_detail(detail)
        self.log_line(f"Fetched {item.kind.noun} {item.identifier} (secret values masked)")

    # -- status line ----------------------------------------------------------------

    def update_status(self) -> None:
        table = self.table()
        kind = self.kind
        parts = [f"{table.marked_count} marked"]
        if table.hidden_marked_count:
            parts[0] += f" ({table.hidden_marked_count} hidden by the filter)"
        shown = f"{table.visible_count} of {table.row_count} {kind.noun}s shown"
        parts.append(shown if self.loaded[kind] else f"loading {kind.noun}s…")
        if table.filter_query:
            parts.append(f"filter: {table.filter_query}")
        if self.server_filters[kind]:
            parts.append(
                "server: " + ", ".join(f"{k}={v}" for k, v in self.server_filters[kind].items())
            )
        if self.mysafe.read_only:
            parts.append("read-only: deactivate and undo unavailable")
        self.query_one(StatusLine).show_parts(parts)

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        table = self.table()
        table.focus()
        filter_input = self.query_one("#filter", Input)
        filter_input.value = table.filter_query
        filter_input.display = bool(table.filter_query)
        self.update_status()

    # -- keys -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if (action in WRITE_ACTIONS or action in TABLE_ACTIONS) and isinstance(self.focused, Input):
            # k9s #21: keys typed into the filter must never act on the table.
            return False
        session = self.mysafe.session
        if action == "resume":
            return bool(self.batches.interrupted)  # shown only when there is something
        if action == "unlock_writing":
            return session.profile.production and not session.profile.read_only
        if action in WRITE_ACTIONS and session.read_only:
            return None  # shown greyed out: unavailable in read-only mode
        if action in WRITE_ACTIONS and session.running is not None:
            return None
        return True

    def action_show_tab(self, kind: str) -> None:
        self.query_one("#tabs", TabbedContent).active = TAB_IDS[Kind(kind)]

    def action_filter(self) -> None:
        filter_input = self.query_one("#filter", Input)
        filter_input.display = True
        filter_input.value = self.table().filter_query
        filter_input.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table().set_filter(event.value)
        self.update_status()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.input.display = bool(event.value)
        self.table().focus()

    def _clear_filter(self) -> None:
        filter_input = self.query_one("#filter", Input)
        filter_input.value = ""
        self.table().set_filter("")
        filter_input.display = False
        self.table().focus()
        self.update_status()

    def action_escape(self) -> None:
        session = self.mysafe.session
        run = session.running
        if run is not None and not run.stop_event.is_set():
            session.stop("operator")
            self.query_one(BatchBar).advance(run)
            self.mysafe.say(
                f"Stopping: {len(run.in_flight)} requests in flight finish, the rest are not sent.",
                severity="warning",
            )
            return
        if self.query_one("#filter", Input).has_focus or self.table().filter_query:
            self._clear_filter()

    def on_key(self, event: Key) -> None:
        # escape inside the filter clears the filter, and never stops a batch.
        if event.key == "escape" and isinstance(self.focused, Input):
            event.stop()
            self._clear_filter()

    def action_refresh(self) -> None:
        self.load(self.kind)

    def action_server_filter(self) -> None:
        kind = self.kind

        def apply(values: dict[str, str] | None) -> None:
            if values is not None:
                self.server_filters[kind] = values
                self.load(kind)

        self.app.push_screen(ServerFilterDialog(kind, self.server_filters[kind]), apply)

    def action_mark(self) -> None:
        table = self.table()
        if table.cursor_key is not None:
            table.toggle_mark(table.cursor_key)
            table.move_cursor_down()

    def action_mark_all(self) -> None:
        self.table().toggle_mark_all_visible()

    def action_deactivate(self) -> None:
        self.batches.change_selection(Action.DEACTIVATE)

    def action_reactivate(self) -> None:
        self.batches.change_selection(Action.ACTIVATE)

    def action_dry_run(self) -> None:
        self.batches.dry_run()

    def action_undo(self) -> None:
        self.batches.undo()

    def action_retry_failed(self) -> None:
        self.batches.retry()

    def action_remark_failed(self) -> None:
        self.batches.remark_failed()

    def action_export_selection(self) -> None:
        self.batches.export_selection()

    def action_resume(self) -> None:
        self.batches.resume()

    def action_unlock_writing(self) -> None:
        self.batches.unlock()

    def action_audit(self) -> None:
        session = self.mysafe.session
        if session.journal is None:
            self.mysafe.say("This session keeps no audit journal.")
            return

        def chosen(batch: BatchRecord | None) -> None:
            if batch is not None:
                self.batches.reverse(batch)

        self.app.push_screen(AuditScreen(session), chosen)

    # -- help, log, quit, palette ---------------------------------------------------

    def show_help(self) -> None:
        self.app.push_screen(HelpScreen(help_sections(self.BINDINGS, self.app.BINDINGS)))

    def toggle_log(self) -> None:
        log = self.query_one("#log", LogPanel)
        log.display = not log.display

    def request_quit(self) -> None:
        run = self.mysafe.session.running
        if run is None:
            self.mysafe.quit_safely("quit")
            return

        def answer(leave: bool | None) -> None:
            if leave:
                self.mysafe.quit_safely("quit")

        self.app.push_screen(ConfirmQuit(run.total - run.done, len(run.in_flight)), answer)

    def palette_commands(self) -> Iterable[SystemCommand]:
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding) or binding.action.startswith("show_tab"):
                continue
            action = binding.action
            yield SystemCommand(
                binding.description,
                binding.tooltip or binding.description,
                lambda action=action: self.run_action(action),
            )
        yield SystemCommand(
            "Passwords", "Show the passwords table", lambda: self.action_show_tab("password")
        )
        yield SystemCommand(
            "API secrets", "Show the API secrets table", lambda: self.action_show_tab("api_secret")
        )
        yield SystemCommand("Toggle log", "Show or hide the log panel", self.toggle_log)
        yield SystemCommand("Errors", "Errors of this session", self.mysafe.action_errors)
        yield SystemCommand("Help", "Show every key", self.show_help)
