"""The operator console: two tables, a detail pane, marks, and the batches' feedback."""

from __future__ import annotations

from collections.abc import Awaitable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import Key, Paste
from textual.reactive import var
from textual.screen import Screen
from textual.widget import AwaitMount
from textual.widgets import Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from tui.api import Action, ItemList, ItemSummary, Kind, MySafeError
from tui.base.gc_pause import paused_gc, start_ended
from tui.console.models import TableModel
from tui.console.screens.main.batch_controller import BatchController
from tui.console.screens.main.batch_events import (
    BatchFinished,
    BatchStarted,
    ItemsSettled,
    JournalFailed,
    RateLimited,
)
from tui.console.screens.main.filter_mode import FilterMode
from tui.console.screens.main.layout import (
    COLUMNS,
    MAIN_BINDINGS,
    TAB_IDS,
    WIDTH_CLASSES,
    help_sections,
    row_for,
    width_class,
)
from tui.console.screens.main.palette import palette_commands
from tui.console.screens.main.status import dropped_marks, refusal, status_parts
from tui.console.widgets import (
    BottomLine,
    ContextBar,
    DetailPane,
    FilterLine,
    ItemTable,
    KeyFooter,
    LogPanel,
    StatusLine,
)
from tui.console.widgets.context_bar import SessionLine, session_line
from tui.ops.filtering import item_columns
from tui.ops.wording import rate_limit_words

if TYPE_CHECKING:
    from tui.console.screens.main.ports import ConsoleApp
    from tui.ops.leaks import Reports


class MainScreen(Screen[None]):
    """Shows the session's items and batches; keys route to the batch controller."""

    HORIZONTAL_BREAKPOINTS = WIDTH_CLASSES
    BINDINGS = MAIN_BINDINGS
    #: esc is ours: it closes the full-screen detail view first (action_escape).
    ESCAPE_TO_MINIMIZE = False

    #: What the status line says (bound to ``StatusLine.parts``). ``var``s: setting
    #: them repaints nothing here, only the widget bound to them when they change.
    status: var[tuple[str, ...]] = var(())
    #: What the header says of the session (bound to ``ContextBar.line``).
    context: var[SessionLine] = var(SessionLine(""))

    def __init__(self) -> None:
        super().__init__()
        #: Each kind's items, marks, filter, sort, statuses and cursor: the screen
        #: owns them, plans batches from them, and each table draws its own.
        self.models: dict[Kind, TableModel[ItemSummary]] = {kind: TableModel() for kind in Kind}
        self.server_filters: dict[Kind, dict[str, str]] = {Kind.PASSWORD: {}, Kind.API_SECRET: {}}
        self.loaded: dict[Kind, bool] = {Kind.PASSWORD: False, Kind.API_SECRET: False}
        #: Why a list is not loaded (its load failed or was cancelled); None: loading.
        self.not_loaded: dict[Kind, str | None] = {Kind.PASSWORD: None, Kind.API_SECRET: None}
        #: The kinds whose first load has not ended yet.
        self._first_loads = set(Kind)
        #: The kinds whose table and pane are not mounted yet (``_mount_kind_view``).
        self._unmounted = set(Kind)
        self._mounting: dict[Kind, AwaitMount] = {}
        self.filter_mode = FilterMode(self)

    @property
    def mysafe(self) -> ConsoleApp:
        return cast("ConsoleApp", self.app)

    # -- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The width class from the start. Textual sets it on the screen's first
        # resize, after the first frame, and restyles every widget for it then
        # (12-15 ms of CPU as the first key may come; on a narrow terminal, a first
        # frame laid out wide). Set here, that resize finds nothing to change.
        if name := width_class(self.app.size.width):
            self.add_class(name)
        self.batches = BatchController(self, self.mysafe)
        slow = self.mysafe.slow_link
        session = self.mysafe.session
        self.set_reactive(MainScreen.context, session_line(session, slow))
        yield ContextBar(self.context, color=session.profile.color).data_bind(
            line=MainScreen.context
        )
        if self.mysafe.demo and self.mysafe.demo_hint:
            yield Static(self.mysafe.demo_hint, id="demo-hint", markup=False)
        yield FilterLine()
        settle = DetailPane.SLOW_LINK_SETTLE if slow else 0.0
        # Both kinds' table and pane exist from here on (the screen tells them what
        # their models hold); the API secrets' are mounted after the first frame.
        self._tables = {
            kind: ItemTable(
                self.models[kind], COLUMNS[kind], id=f"table-{kind.value}", jump_scroll=slow
            )
            for kind in Kind
        }
        self._details = {
            kind: DetailPane(id=f"detail-{kind.value}", follow_settle=settle) for kind in Kind
        }
        with TabbedContent(id="tabs", initial=TAB_IDS[Kind.PASSWORD]):
            with TabPane("Passwords", id=TAB_IDS[Kind.PASSWORD]):
                yield self._kind_view(Kind.PASSWORD)
            yield TabPane("API secrets", id=TAB_IDS[Kind.API_SECRET])
        yield BottomLine(StatusLine().data_bind(parts=MainScreen.status))
        yield LogPanel(self.mysafe.clock, id="log")
        yield KeyFooter()

    def _kind_view(self, kind: Kind) -> Horizontal:
        self._unmounted.discard(kind)
        return Horizontal(self._tables[kind], self._details[kind], classes="kind-view")

    async def _mount_kind_view(self, kind: Kind) -> None:
        """The table and pane of ``kind`` into its tab, if they are not there yet.

        The API secrets' are not on show at the start: mounted after the first frame,
        the start draws that frame without them (six widgets fewer to style, mount
        and lay out: about 10 ms), or when their tab is asked for, if sooner."""
        if kind in self._unmounted:
            pane = self.query_one(f"#{TAB_IDS[kind]}", TabPane)
            self._mounting[kind] = pane.mount(self._kind_view(kind))
        if (mounting := self._mounting.get(kind)) is not None:
            await mounting  # also when another caller began it

    async def _mount_the_rest(self) -> None:
        for kind in list(self._unmounted):
            await self._mount_kind_view(kind)

    def on_mount(self) -> None:
        self.call_after_refresh(self._mount_the_rest)
        self.session_changed()
        self.query_one(FilterLine).display = False
        self.query_one("#log", LogPanel).display = False
        for kind in Kind:
            self.detail(kind).show_nothing("Loading…")
        self.table(Kind.PASSWORD).focus()
        for kind in Kind:
            early = self.mysafe.early_list(kind)
            answered = early is not None and early.done() and not early.cancelled()
            if early is not None and answered and early.exception() is None:
                # In before the first frame (the demo's, nearly always): shown in it.
                self._show_list(kind, early.result())
                self._first_load_ended(kind)
            else:
                self.load(kind, early)
        self.batches.look_for_interrupted()
        self.refresh_bindings()

    def on_screen_suspend(self) -> None:
        # A dialog opens over the console: toasts would cover it (they stay in the log).
        self.app.clear_notifications()

    def session_changed(self) -> None:
        """The session's mode changed (unlocked, locked): header, keys, status."""
        self.context = session_line(self.mysafe.session, self.mysafe.slow_link)
        self.refresh_bindings()
        self.update_status()

    # -- lookups --------------------------------------------------------------------

    @property
    def kind(self) -> Kind:
        active = self.query_one("#tabs", TabbedContent).active
        return Kind.API_SECRET if active == TAB_IDS[Kind.API_SECRET] else Kind.PASSWORD

    def table(self, kind: Kind | None = None) -> ItemTable:
        return self._tables[kind or self.kind]

    def model(self, kind: Kind | None = None) -> TableModel[ItemSummary]:
        """The state of the table of ``kind`` (the tab on show by default)."""
        return self.models[kind or self.kind]

    @property
    def items(self) -> Mapping[Kind, Mapping[str, ItemSummary]]:
        """Each kind's items by identifier, as last loaded (the models hold them)."""
        return {kind: model.items for kind, model in self.models.items()}

    def detail(self, kind: Kind | None = None) -> DetailPane:
        return self._details[kind or self.kind]

    def log_line(self, line: str) -> None:
        self.query_one("#log", LogPanel).add(line)

    def log_lines(self, lines: Sequence[str]) -> None:
        """Lines told at the same moment (a bunch of a batch's outcomes)."""
        self.query_one("#log", LogPanel).add_lines(lines)

    # -- loading --------------------------------------------------------------------

    @work(group="load", exit_on_error=False)
    async def load(self, kind: Kind, early: Awaitable[ItemList] | None = None) -> None:
        """Load the list of ``kind`` (``early``: the one asked for at the start)."""
        try:
            await self._load(kind, early)
        finally:
            self._first_load_ended(kind)

    def _first_load_ended(self, kind: Kind) -> None:
        # The program's start ends with its first answer of each kind, whatever it
        # was: garbage collection comes back (``tui.base.gc_pause``).
        self._first_loads.discard(kind)
        if not self._first_loads:
            start_ended()

    async def _load(self, kind: Kind, early: Awaitable[ItemList] | None) -> None:
        filters = self.server_filters[kind]
        table = self.table(kind)
        if not self.loaded[kind]:
            table.set_waiting(f"Loading {kind.noun}s…")
            self.not_loaded[kind] = None
            self.update_status()
        try:
            result = await (early or self.mysafe.client.list_items(kind, **filters))
        except MySafeError as exc:
            self.mysafe.report(exc, f"Loading {kind.noun}s")
            if not self.loaded[kind]:
                table.set_waiting(f"Could not load the {kind.noun}s: {exc} (r tries again)")
                self.detail(kind).show_nothing(f"Could not load: {exc}")
                # The status line too: "loading…" for ever would be a lie.
                self.not_loaded[kind] = f"could not load the {kind.noun}s (r tries again): {exc}"
                self.update_status()
            return
        self._show_list(kind, result)

    def _show_list(self, kind: Kind, result: ItemList) -> None:
        filters = self.server_filters[kind]
        with paused_gc():  # 100 000 rows at once: see ``tui.base.gc_pause``
            keys = [item.identifier for item in result.items]
            self.loaded[kind] = True
            # Rows off screen are built after a frame; marks of rows gone come back.
            dropped = self.models[kind].set_source(keys, result.items, row_for, item_columns)
        if dropped:  # marks are never lost silently
            self.mysafe.say(dropped_marks(kind, dropped), severity="warning")
        where = " matching " + ", ".join(f"{k}={v}" for k, v in filters.items()) if filters else ""
        line = f"Loaded {len(result.items)} {kind.noun}s{where}"
        if result.skipped:
            line += f"; {result.skipped} malformed entries skipped"
        self.log_line(line)
        self._show_cursor_item(kind)
        self.update_status()
        if all(self.loaded.values()) and self.mysafe.triage_on_start is not None:
            pending, self.mysafe.triage_on_start = self.mysafe.triage_on_start, None
            self.open_triage(pending)

    # -- the session's batches, as messages (main/batch_events.py) ---------------------------

    @on(BatchStarted)
    def _batch_started(self, event: BatchStarted) -> None:
        self.batches.batch_started(event.run)

    @on(ItemsSettled)
    def _items_settled(self, event: ItemsSettled) -> None:
        for outcome in event.outcomes:
            self.batches.item_done(event.run, outcome)

    @on(BatchFinished)
    def _batch_finished(self, event: BatchFinished) -> None:
        self.batches.batch_finished(event.run)

    @on(RateLimited)
    def _rate_limited(self, event: RateLimited) -> None:
        words = rate_limit_words(event.notice)
        self.log_line(f"Batch {event.run.batch_id}: {words}")
        self.app.notify(words[:1].upper() + words[1:], severity="warning", markup=False)

    @on(JournalFailed)
    def _journal_failed(self, event: JournalFailed) -> None:
        self.batches.journal_failed(event.message)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Workers catch the failures they expect; anything else lands here, is
        # reported like any other failure, and the app keeps running.
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.mysafe.report(event.worker.error, f"Task {event.worker.name or 'background'}")

    # -- detail pane ----------------------------------------------------------------

    def _show_cursor_item(self, kind: Kind) -> None:
        model = self.models[kind]
        key = model.cursor_key
        self.detail(kind).show_item(model.item(key), bool(model.items), model.reached(key))

    def filter_changed(self) -> None:
        """The filter changed: the status, and the cursor row's match in the detail
        pane (the cursor may have stayed on the row, matched another way now)."""
        model = self.models[self.kind]
        key = model.cursor_key
        self.detail(self.kind).rematch(model.item(key), model.reached(key))
        self.update_status()

    @on(ItemTable.CursorMoved)
    def _cursor_moved(self, event: ItemTable.CursorMoved) -> None:
        kind = Kind.PASSWORD if event.control.id == "table-password" else Kind.API_SECRET
        model = self.models[kind]
        key = model.cursor_key
        self.detail(kind).follow(model.item(key), bool(model.items), model.reached(key))

    @on(ItemTable.MarksChanged)
    def _marks_changed(self) -> None:
        self.update_status()

    @on(ItemTable.Activated)
    def _open_detail(self, event: ItemTable.Activated) -> None:
        """enter: into the detail pane (full screen on a narrow terminal). It fetches
        nothing: that is v, which asks first."""
        pane = self.detail()
        self.set_focus(pane)
        if self.has_class("-narrow"):
            self.maximize(pane, container=False)

    def action_fetch(self) -> None:
        model = self.model()
        item = model.item(model.cursor_key)
        if item is None:
            self.mysafe.say("No item under the cursor to fetch.", severity="warning")
            return

        def answer(go: bool | None) -> None:
            if go:
                self.fetch(item)

        from tui.console.dialogs.confirm_fetch import ConfirmFetch

        self.app.push_screen(ConfirmFetch(item), answer)

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
        if self.models[item.kind].cursor_key == item.identifier:
            pane.show_detail(detail)
            if self.kind is item.kind and self.has_class("-narrow"):
                # Too little room beside the table: the fetched view fills the screen.
                self._open_detail(ItemTable.Activated(self.table(), item.identifier))
        self.log_line(f"Fetched {item.kind.noun} {item.identifier} (secret values masked)")

    # -- status line ----------------------------------------------------------------

    def update_status(self) -> None:
        self.status = tuple(status_parts(self))

    @on(TabbedContent.TabActivated)
    async def _tab_changed(self) -> None:
        kind = self.kind
        await self._mount_kind_view(kind)  # asked for before it was mounted
        self.set_focus(self.table(kind))
        self.filter_mode.stop()

    # -- keys -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        session = self.mysafe.session
        if action == "resume" and not self.batches.interrupted:
            return False  # shown only when there is something to resume
        if action == "unlock_writing":
            if not session.profile.production:
                return False  # nothing to unlock: not shown
            if session.profile.read_only:
                return None  # greyed: read-only for good, and the key says so
        if refusal(self, action):
            return None  # greyed in the footer; the key itself says why (on_key)
        return True

    def on_key(self, event: Key) -> None:
        # Keys reach here in the order they were typed, whichever widget they were
        # queued for: filter mode starts and ends here so a burst lands in order.
        if self.filter_mode.active:
            self.filter_mode.key(event)
        elif event.key == "slash":
            event.stop()
            self.filter_mode.start()
        else:
            # A greyed key falls through to here: say why it did nothing.
            for binding in MAIN_BINDINGS:
                if not isinstance(binding, Binding) or event.key not in binding.key.split(","):
                    continue
                why = refusal(self, binding.action)
                if why:
                    event.stop()
                    self.mysafe.say(f"{binding.description} refused: {why}", severity="warning")
                    return

    def on_paste(self, event: Paste) -> None:
        if self.filter_mode.active:
            event.stop()
            self.filter_mode.paste(event.text)

    def action_show_tab(self, kind: str) -> None:
        self.query_one("#tabs", TabbedContent).active = TAB_IDS[Kind(kind)]

    def action_filter(self) -> None:
        self.filter_mode.start()

    def action_clear_filter(self) -> None:
        self.filter_mode.stop(clear=True)

    def action_escape(self) -> None:
        """Back out one step: the detail view, then a running batch, then the filter."""
        if self.maximized is not None or isinstance(self.focused, DetailPane):
            self.minimize()
            self.set_focus(self.table())
            return
        session = self.mysafe.session
        run = session.running
        if run is not None and not run.stop_event.is_set():
            session.stop("operator")
            self.query_one(BottomLine).advance(run)
            self.mysafe.say(
                f"Stopping: {len(run.in_flight)} requests in flight get {session.stop_grace:g} s "
                "to answer, then are recorded in doubt; the rest are not sent.",
                severity="warning",
            )
            return
        if not all(self.loaded.values()) and self.workers.cancel_group(self, "load"):
            for kind in (k for k in Kind if not self.loaded[k]):
                self.table(kind).set_waiting(f"Loading the {kind.noun}s cancelled: r loads again")
                self.not_loaded[kind] = f"loading the {kind.noun}s cancelled (r loads again)"
            self.update_status()
            self.mysafe.say("Loading cancelled (r loads again).", severity="warning")
            return
        if self.model().filter_query:
            self.action_clear_filter()

    def action_refresh(self) -> None:
        self.load(self.kind)

    def action_server_filter(self) -> None:
        kind = self.kind

        def apply(values: dict[str, str] | None) -> None:
            if values is not None:
                self.server_filters[kind] = values
                self.load(kind)

        from tui.console.dialogs.server_filter import ServerFilterDialog

        self.app.push_screen(ServerFilterDialog(kind, self.server_filters[kind]), apply)

    def action_mark(self) -> None:
        model = self.model()
        if model.cursor_key is not None:
            model.toggle_mark(model.cursor_key)
            model.move_cursor_down()

    def action_mark_all(self) -> None:
        self.model().toggle_mark_all_visible()

    def action_invert_marks(self) -> None:
        self.model().invert_marks_visible()

    def action_clear_marks(self) -> None:
        count = sum(model.clear_marks() for model in self.models.values())
        self.mysafe.say(f"Cleared {count} marks on both tabs.", toast=False)

    def action_sort(self) -> None:
        self.table().cycle_sort()  # by the next column shown: the table knows which
        self.update_status()

    def action_reverse_sort(self) -> None:
        self.model().reverse_sort()
        self.update_status()

    def action_copy_id(self) -> None:
        # Only the identifier, never a secret: OSC 52 puts it on the terminal's
        # clipboard (where the terminal allows it; over SSH too).
        key = self.model().cursor_key
        if key is None:
            self.mysafe.say("No row under the cursor to copy.", severity="warning")
            return
        self.app.copy_to_clipboard(key)
        self.mysafe.say(f"Copied identifier {key} (OSC 52: if the terminal allows it).")

    def action_deactivate(self) -> None:
        # The dialog arms from the key press itself, not from when it is built.
        self.batches.change_selection(Action.DEACTIVATE, self.mysafe.opening_time())

    def action_reactivate(self) -> None:
        self.batches.change_selection(Action.ACTIVATE, self.mysafe.opening_time())

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
        self.batches.open_audit()

    # -- leak triage ----------------------------------------------------------------

    def action_triage(self) -> None:
        if not all(self.loaded.values()):
            self.mysafe.say("Leak triage: wait until the lists have loaded.", severity="warning")
            return
        # The leak triage's modules load when it is first asked for (pydantic and
        # all): the console's first frame does not wait for them.
        # The leak triage's modules load when it is first asked for (pydantic and
        # all): the console's first frame does not wait for them.
        from tui.console.dialogs.leak_report import SAMPLE, OpenReport

        def chosen(path: str | None) -> None:
            if path is not None:
                self.open_triage(path if path == SAMPLE and self.mysafe.demo else [path])

        self.app.push_screen(OpenReport(demo=self.mysafe.demo), chosen)

    def open_triage(self, what: Reports | str | list[str]) -> None:
        """The findings view over ``what``: reports read, paths to read, or the
        demo's sample."""

        from tui.ops.leaks import ReportError, read_reports

        if isinstance(what, list):
            try:
                what = read_reports(what)
            except ReportError as exc:
                self.mysafe.report(str(exc), "Leak triage")
                return
        self.triage(what)

    @work(group="triage", exclusive=True, exit_on_error=False)
    async def triage(self, what: Reports | str) -> None:
        from tui.console.screens.triage import TriageScreen
        from tui.ops.leaks.sample import sample_report

        items = [item for model in self.models.values() for item in model.items.values()]
        if isinstance(what, str):  # the demo's sample, made of its own data
            try:
                what = await sample_report(self.mysafe.client, items)
            except MySafeError as exc:  # its values are fetched: a fetch may fail
                self.mysafe.report(exc, "Leak triage: the demo's sample report")
                return
        for read in what.files:
            self.log_line(
                f"Leak report {read.source}: {read.format.value}, {read.findings} findings"
                + (f", {read.duplicates} duplicates" if read.duplicates else "")
            )
        decision = await self.app.push_screen_wait(TriageScreen(what, items, self.mysafe.client))
        if decision is not None:
            self.batches.change_refs(
                Action.DEACTIVATE, decision.refs, decision.findings, decision.reason
            )

    # -- help, log, quit, palette ---------------------------------------------------

    def show_help(self) -> None:
        from tui.console.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(help_sections(self.BINDINGS, self.app.BINDINGS)))

    def toggle_log(self) -> None:
        log = self.query_one("#log", LogPanel)
        log.display = not log.display

    def request_quit(self) -> None:
        self.batches.request_quit()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield from palette_commands(self)
