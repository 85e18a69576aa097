"""The operator console: two tables, a detail pane, marks, batches and the log."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import Key
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Input, ProgressBar, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from tui.api import (
    Action,
    ItemRef,
    ItemSummary,
    Kind,
    MySafeError,
    Outcome,
    OutcomeStatus,
)
from tui.audit import Interrupted, interrupted_batches
from tui.batches import Batch, is_success, outcome_label, outcome_line, split_writable
from tui.dialogs import BatchPlan, ConfirmBatch, ConfirmQuit, ServerFilterDialog, UnlockWriting
from tui.paths import dry_run_dir
from tui.safe_text import safe_text
from tui.screens.audit_view import AuditScreen
from tui.screens.help import HelpScreen, binding_rows
from tui.widgets.detail_pane import DetailPane
from tui.widgets.item_table import Column, ItemTable, Row
from tui.widgets.log_panel import LogPanel

if TYPE_CHECKING:
    from tui.app import MySafeApp

COLUMNS = {
    Kind.PASSWORD: [
        Column("identifier", "ID", width=6),
        Column("name", "Name", flex=True, min_width=14),
        Column("username", "Username", min_width=10, drop_order=3),
        Column("url", "URL", min_width=12, drop_order=2),
        Column("tags", "Tags", min_width=8, drop_order=1),
        Column("edit", "Edit", width=4),
        Column("needs", "Needs", width=8, drop_order=4),
    ],
    Kind.API_SECRET: [
        Column("identifier", "ID", width=6),
        Column("name", "Name", flex=True, min_width=14),
        Column("tags", "Tags", min_width=8, drop_order=1),
        Column("edit", "Edit", width=4),
        Column("needs", "Needs", width=8, drop_order=2),
    ],
}

TAB_IDS = {Kind.PASSWORD: "tab-passwords", Kind.API_SECRET: "tab-api-secrets"}


def needs(item: ItemSummary) -> str:
    if item.need_justify and item.need_approval:
        return "both"
    if item.need_justify:
        return "justify"
    if item.need_approval:
        return "approval"
    return ""


def row_for(item: ItemSummary) -> Row:
    edit = "yes" if item.can_write else "no"
    cells: tuple[str, ...]
    if item.kind is Kind.PASSWORD:
        # The scheme is noise in a narrow column; the detail pane shows the full URL.
        url = item.url.removeprefix("https://").removeprefix("http://")
        cells = (item.identifier, item.name, item.username, url, item.tags, edit, needs(item))
    else:
        cells = (item.identifier, item.name, item.tags, edit, needs(item))
    return Row(item.identifier, cells)


#: Actions that change something on the server; never while an input has focus.
WRITE_ACTIONS = {"deactivate", "undo", "retry_failed"}
#: Actions that change marks or the view; not while an input has focus either.
TABLE_ACTIONS = {"mark", "mark_all", "remark_failed", "refresh", "server_filter", "show_tab"}


class MainScreen(Screen[None]):
    """Everything the operator does happens here."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    BINDINGS = [
        Binding(
            "1",
            "show_tab('password')",
            "Passwords",
            show=False,
            id="main.tab1",
            tooltip="Show the passwords table",
        ),
        Binding(
            "2",
            "show_tab('api_secret')",
            "API secrets",
            show=False,
            id="main.tab2",
            tooltip="Show the API secrets table",
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            key_display="/",
            id="main.filter",
            tooltip="Filter the table as you type (enter keeps it, esc clears it)",
        ),
        Binding("space", "mark", "Mark", id="main.mark", tooltip="Mark or unmark the cursor row"),
        Binding(
            "asterisk",
            "mark_all",
            "Mark all",
            key_display="*",
            show=False,
            id="main.mark_all",
            tooltip="Mark or unmark every row shown",
        ),
        Binding(
            "d",
            "deactivate",
            "Deactivate",
            id="main.deactivate",
            tooltip="Deactivate the marked rows (or the cursor row), after confirmation",
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            id="main.undo",
            tooltip="Reactivate exactly what the last batch deactivated",
        ),
        Binding(
            "x",
            "retry_failed",
            "Retry failed",
            show=False,
            id="main.retry",
            tooltip="Try the failed items of the last batch again",
        ),
        Binding(
            "m",
            "remark_failed",
            "Re-mark failed",
            show=False,
            id="main.remark",
            tooltip="Mark the failed items of the last batch",
        ),
        Binding(
            "r",
            "refresh",
            "Refresh",
            show=False,
            id="main.refresh",
            tooltip="Load the table again from the server",
        ),
        Binding(
            "f",
            "server_filter",
            "Server filter",
            show=False,
            id="main.server_filter",
            tooltip="Ask the server for matching items only (tag, name, ...)",
        ),
        Binding(
            "W",
            "unlock_writing",
            "Unlock writing",
            id="main.unlock",
            tooltip="Production profile: allow deactivate and undo for this session",
        ),
        Binding(
            "D",
            "dry_run",
            "Dry run",
            show=False,
            id="main.dry_run",
            tooltip="Show the exact requests a deactivation would send (as curl), send nothing",
        ),
        Binding(
            "A",
            "audit",
            "Audit",
            show=False,
            id="main.audit",
            tooltip="The audit trail: recent records, filter, export a batch to CSV/JSON",
        ),
        Binding(
            "R",
            "resume",
            "Resume",
            id="main.resume",
            tooltip="Mark what an interrupted batch (crash, kill) left undone",
        ),
        Binding(
            "escape",
            "escape",
            "Stop/clear",
            show=False,
            id="main.escape",
            tooltip="Stop a running batch (in-flight requests finish), or clear the filter",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[Kind, dict[str, ItemSummary]] = {Kind.PASSWORD: {}, Kind.API_SECRET: {}}
        self.server_filters: dict[Kind, dict[str, str]] = {Kind.PASSWORD: {}, Kind.API_SECRET: {}}
        self.loaded: dict[Kind, bool] = {Kind.PASSWORD: False, Kind.API_SECRET: False}
        self.running: Batch | None = None
        self.last_batch: Batch | None = None
        self.last_deactivation: Batch | None = None
        self.interrupted: list[Interrupted] = []
        self._stop = asyncio.Event()

    @property
    def mysafe(self) -> MySafeApp:
        return cast("MySafeApp", self.app)

    # -- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(
            self._context_text(),
            id="context-bar",
            markup=False,
            classes=f"-color-{self.mysafe.profile.color}",
        )
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
        yield Static("", id="status-line", markup=False)
        with Horizontal(id="batch-bar"):
            yield Static("", id="batch-label", markup=False)
            yield ProgressBar(id="batch-progress", show_eta=True)
        yield LogPanel(self.mysafe.clock, id="log")
        yield Footer()

    def _context_text(self) -> str:
        """Which profile and host the operator acts on, always in view."""
        profile = self.mysafe.profile
        parts = ["mysafe-tui"]
        if self.mysafe.demo:
            parts.append("DEMO")
        else:
            parts.append(
                f"profile {profile.name}" + (" (PRODUCTION)" if profile.production else "")
            )
        parts.append(self.mysafe.client.host)
        if self.mysafe.read_only:
            parts.append("READ-ONLY" + (" (W unlocks writing)" if profile.production else ""))
        if profile.insecure:
            parts.append("INSECURE: certificates not checked")
        return " │ ".join(parts)

    def _update_context(self) -> None:
        bar = self.query_one("#context-bar", Static)
        bar.update(self._context_text())
        bar.set_class(self.mysafe.profile.insecure, "-insecure")

    def on_mount(self) -> None:
        self._update_context()
        self.query_one("#filter", Input).display = False
        self.query_one("#batch-bar").display = False
        self.query_one("#log", LogPanel).display = False
        for kind in Kind:
            self.detail(kind).show_nothing("Loading…")
        self.table(Kind.PASSWORD).focus()
        self.update_status()
        self.load(Kind.PASSWORD)
        self.load(Kind.API_SECRET)
        self._look_for_interrupted_batches()

    def _look_for_interrupted_batches(self) -> None:
        audit = self.mysafe.audit
        if audit is None:
            return
        try:
            self.interrupted = [batch for batch in interrupted_batches(audit.path) if batch.left]
        except OSError as exc:
            self.mysafe.report(exc, f"Reading the audit trail {audit.path}")
            return
        for batch in self.interrupted:
            doubt = (
                f", {len(batch.in_doubt)} sent with no answer recorded" if batch.in_doubt else ""
            )
            self.mysafe.say(
                f"Batch {batch.batch_id} ({batch.action.value}) was interrupted: "
                f"{len(batch.left)} of {batch.total} items left{doubt}. R marks them.",
                severity="warning",
            )

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

    def _input_focused(self) -> bool:
        return isinstance(self.focused, Input)

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
        shown, total = table.visible_count, table.row_count
        parts = [f"{table.marked_count} marked"]
        if table.hidden_marked_count:
            parts[0] += f" ({table.hidden_marked_count} hidden by the filter)"
        parts.append(f"{shown} of {total} {kind.noun}s shown")
        if table.filter_query:
            parts.append(f"filter: {table.filter_query}")
        if self.server_filters[kind]:
            parts.append(
                "server: " + ", ".join(f"{k}={v}" for k, v in self.server_filters[kind].items())
            )
        if self.mysafe.read_only:
            parts.append("read-only: deactivate and undo unavailable")
        # One fixed-height line: no layout pass (during a batch this runs per outcome,
        # and a layout per frame costs more than the requests themselves).
        self.query_one("#status-line", Static).update(safe_text(" · ".join(parts)), layout=False)

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        table = self.table()
        table.focus()
        filter_input = self.query_one("#filter", Input)
        filter_input.value = table.filter_query
        filter_input.display = bool(table.filter_query)
        self.update_status()

    # -- actions: view --------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if (action in WRITE_ACTIONS or action in TABLE_ACTIONS) and self._input_focused():
            # k9s #21: keys typed into the filter must never act on the table.
            return False
        if action == "resume":
            return bool(self.interrupted)  # shown only when there is something to resume
        if action == "unlock_writing":
            return self.mysafe.profile.production and self.mysafe.read_only
        if action in ("deactivate", "undo", "retry_failed") and self.mysafe.read_only:
            return None  # shown greyed out: unavailable in read-only mode
        if action in WRITE_ACTIONS and self.running is not None:
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

    def action_escape(self) -> None:
        if self.running is not None and not self._stop.is_set():
            self._stop.set()
            self.mysafe.say(
                "Stopping: requests in flight finish, the rest are not sent.", severity="warning"
            )
            return
        filter_input = self.query_one("#filter", Input)
        if filter_input.has_focus or self.table().filter_query:
            filter_input.value = ""
            self.table().set_filter("")
            filter_input.display = False
            self.table().focus()
            self.update_status()

    def on_key(self, event: Key) -> None:
        # escape inside the filter input: clear it and return to the table.
        if event.key == "escape" and self._input_focused():
            event.stop()
            self.action_escape()

    def action_refresh(self) -> None:
        self.load(self.kind)

    def action_server_filter(self) -> None:
        kind = self.kind

        def apply(values: dict[str, str] | None) -> None:
            if values is None:
                return
            self.server_filters[kind] = values
            self.load(kind)

        self.app.push_screen(ServerFilterDialog(kind, self.server_filters[kind]), apply)

    # -- actions: marks -------------------------------------------------------------

    def action_mark(self) -> None:
        table = self.table()
        if table.cursor_key is not None:
            table.toggle_mark(table.cursor_key)
            table.move_cursor_down()

    def action_mark_all(self) -> None:
        self.table().toggle_mark_all_visible()

    def action_audit(self) -> None:
        audit = self.mysafe.audit
        if audit is None:
            self.mysafe.say("This session keeps no audit trail.")
            return
        self.app.push_screen(AuditScreen(audit.path, audit.path.parent / "exports"))

    def action_resume(self) -> None:
        """Mark what interrupted batches left, so d (or u) can finish the job."""
        if not self.interrupted:
            self.mysafe.say("No interrupted batch on record.")
            return
        marked = 0
        for batch in self.interrupted:
            for ref in batch.left:
                table = self.table(ref.kind)
                if table.row(ref.identifier) is not None and not table.is_marked(ref.identifier):
                    table.toggle_mark(ref.identifier)
                    marked += 1
        audit = self.mysafe.audit
        if audit is not None:
            for batch in self.interrupted:
                # Handed back to the operator: the next start need not ask again.
                with contextlib.suppress(OSError):
                    audit.batch_finished(batch.batch_id, f"resumed: {len(batch.left)} left marked")
        self.interrupted = []
        self.refresh_bindings()
        self.update_status()
        self.mysafe.say(
            f"Marked {marked} items left by interrupted batches "
            "(items no longer listed are already inactive or gone).",
        )

    def action_remark_failed(self) -> None:
        batch = self.last_batch
        if batch is None or not batch.failed_refs():
            self.mysafe.say("No failed items to mark.")
            return
        kind = self.kind
        refs = [ref for ref in batch.failed_refs() if ref.kind is kind]
        table = self.table()
        table.clear_marks()
        for ref in refs:
            table.toggle_mark(ref.identifier)
        self.mysafe.say(f"Marked {len(refs)} failed {kind.noun}s.", toast=False)

    # -- actions: batches -----------------------------------------------------------

    def _selection(self) -> tuple[list[ItemRef], int]:
        """The marked rows (or the cursor row) and how many of them are hidden."""
        table = self.table()
        kind = self.kind
        keys = list(table.marked_keys)
        hidden = table.hidden_marked_count
        if not keys and table.cursor_key is not None:
            keys, hidden = [table.cursor_key], 0
        refs = []
        for key in keys:
            item = self.items[kind].get(key)
            refs.append(item.ref if item is not None else ItemRef(kind, key))
        return refs, hidden

    def action_dry_run(self) -> None:
        found = self._deactivation_plan()
        if found is None:
            return
        plan = replace(found, purpose="Dry run", require_reason=self.mysafe.profile.require_reason)

        def confirmed(reason: str | None) -> None:
            if reason is not None:
                self._write_dry_run(plan, reason)

        self.app.push_screen(ConfirmBatch(plan, arming_delay=self.mysafe.arming_delay), confirmed)

    def _write_dry_run(self, plan: BatchPlan, reason: str) -> None:
        """The exact requests, as curl lines with the token redacted; nothing is sent."""
        base = self.mysafe.client.base_url
        batch_id = self.mysafe.new_batch_id()
        lines = [
            "#!/bin/sh",
            f"# mysafe-tui dry run {batch_id}: {plan.action.value} {len(plan.refs)} items",
            f"# reason: {safe_text(reason) or '-'}",
            "# Nothing was sent. Set TOKEN to a bearer token to send these yourself.",
        ]
        for ref in plan.refs:
            url = f"{base}/api/mysafe/{ref.kind.path}/{plan.action.path}/{ref.identifier}"
            lines.append(f"# {ref.kind.label} {ref.identifier}: {safe_text(ref.name)}")
            lines.append(f'curl -sS -X POST {shlex.quote(url)} -H "Authorization: Bearer $TOKEN"')
        folder = dry_run_dir()
        path = folder / f"dry-run-{batch_id}.sh"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write("\n".join(lines) + "\n")
        except OSError as exc:
            self.mysafe.report(exc, f"Writing the dry run to {path}")
            return
        for line in lines[4:]:
            if line.startswith("curl"):
                self.log_line(f"dry run: {line}")
        if self.mysafe.audit is not None:
            with contextlib.suppress(OSError):
                self.mysafe.audit.write(
                    {
                        "phase": "dry_run",
                        "batch_id": batch_id,
                        "action": plan.action.value,
                        "count": len(plan.refs),
                        "reason": reason,
                        "file": str(path),
                    }
                )
        self.mysafe.say(f"Dry run: {len(plan.refs)} requests written to {path}; nothing was sent.")

    def _deactivation_plan(self) -> BatchPlan | None:
        """The marked rows (or the cursor row) minus those the list says are read-only."""
        refs, hidden = self._selection()
        if not refs:
            self.mysafe.say("Nothing to deactivate: the table is empty.", severity="warning")
            return None
        writable = {
            (item.kind.value, item.identifier): item.can_write
            for item in self.items[self.kind].values()
        }
        allowed, refused = split_writable(refs, writable)
        if refused:
            names = ", ".join(f"{r.identifier} {safe_text(r.name)!r}" for r in refused[:3])
            more = "…" if len(refused) > 3 else ""
            self.log_line(f"Left out, not editable by you: {names}{more}")
        if not allowed:
            self.mysafe.say(
                f"You may not edit {'this item' if len(refused) == 1 else 'any of these items'}"
                " (can_write is false): nothing to send.",
                severity="warning",
            )
            return None
        return BatchPlan(Action.DEACTIVATE, allowed, hidden=hidden, refused=refused)

    def action_deactivate(self) -> None:
        plan = self._deactivation_plan()
        if plan is not None:
            self._confirm_and_run(plan)

    def action_undo(self) -> None:
        batch = self.last_deactivation
        if batch is None:
            self.mysafe.say("Nothing to undo yet.")
            return
        refs = batch.changed_refs()
        if not refs:
            self.mysafe.say(f"Batch {batch.id} changed nothing; nothing to undo.")
            return
        self._confirm_and_run(
            BatchPlan(Action.ACTIVATE, refs, purpose=f"Undo of batch {batch.id}"),
            undoes=batch.id,
        )

    def action_retry_failed(self) -> None:
        batch = self.last_batch
        if batch is None or not batch.failed_refs():
            self.mysafe.say("No failed items to retry.")
            return
        self._confirm_and_run(
            BatchPlan(batch.action, batch.failed_refs(), purpose=f"Retry of batch {batch.id}")
        )

    def _confirm_and_run(self, plan: BatchPlan, *, undoes: str | None = None) -> None:
        profile = self.mysafe.profile
        limit = profile.max_batch
        if limit is not None and len(plan.refs) > limit:
            self.mysafe.say(
                f"Refused: {len(plan.refs)} items is more than the limit of {limit} for "
                f"profile {profile.name}. Mark fewer, or restart with --max-batch "
                f"{len(plan.refs)} to raise it on purpose.",
                severity="warning",
            )
            return
        plan = replace(plan, require_reason=profile.require_reason)

        def confirmed(reason: str | None) -> None:
            if reason is not None:
                self.run_batch(plan, undoes, reason)
            else:
                self.log_line(f"Cancelled: {plan.action.value} {len(plan.refs)} items")

        self.app.push_screen(ConfirmBatch(plan, arming_delay=self.mysafe.arming_delay), confirmed)

    def action_unlock_writing(self) -> None:
        profile = self.mysafe.profile

        def unlocked(yes: bool | None) -> None:
            if not yes:
                return
            self.mysafe.client.read_only = False
            self.mysafe.read_only = False
            if self.mysafe.audit is not None:
                self.mysafe.audit.write({"phase": "unlock", "action": "unlock-writing"})
            self._update_context()
            self.refresh_bindings()
            self.update_status()
            self.mysafe.say(
                f"Writing unlocked on {profile.name} for this session.", severity="warning"
            )

        self.app.push_screen(UnlockWriting(profile.name), unlocked)

    @work(group="batch", exclusive=True, exit_on_error=False)
    async def run_batch(self, plan: BatchPlan, undoes: str | None = None, reason: str = "") -> None:
        batch = Batch(
            plan.action,
            list(plan.refs),
            id=self.mysafe.new_batch_id(),
            undoes=undoes,
            reason=reason,
        )
        self.running = batch
        self._stop = asyncio.Event()
        self.refresh_bindings()
        audit = self.mysafe.audit
        bar = self.query_one("#batch-bar")
        progress = self.query_one("#batch-progress", ProgressBar)
        label = self.query_one("#batch-label", Static)
        verb = "Deactivating" if plan.action is Action.DEACTIVATE else "Activating"
        progress.update(total=batch.total, progress=0)
        label.update(f"{verb} {batch.total} · esc stops")
        bar.display = True
        noun = "item" if batch.total == 1 else "items"
        why = f" (reason: {reason})" if reason else ""
        self.log_line(f"Batch {batch.id}: {plan.action.value} {batch.total} {noun}{why}")
        if audit is not None:
            try:
                audit.batch_started(batch.id, plan.action, plan.refs, reason)
            except OSError as exc:
                self.mysafe.report(exc, f"Audit trail {audit.path}")

        def before(ref: ItemRef) -> None:
            # Written before the request leaves: if this fails, nothing is sent.
            if audit is not None:
                audit.intent(ref, plan.action, batch.id, batch.reason)

        def on_outcome(outcome: Outcome) -> None:
            if audit is not None:
                try:
                    audit.outcome(outcome, batch.id, batch.reason)
                except OSError as exc:
                    self.mysafe.report(exc, f"Audit trail {audit.path}")
            batch.record(outcome)
            self._show_outcome(outcome)
            progress.advance(1)
            label.update(f"{verb} {batch.done}/{batch.total} · esc stops", layout=False)

        try:
            await self.mysafe.client.set_active_many(
                plan.refs, plan.action, on_outcome=on_outcome, stop=self._stop, before=before
            )
        except MySafeError as exc:
            self.mysafe.report(exc, f"Batch {batch.id}")
        finally:
            batch.finished = True
            # Done items leave the selection, in one go; failures and items never
            # attempted stay marked for a retry.
            done = [o.ref for o in batch.outcomes.values() if is_success(o)]
            for kind in Kind:
                self.table(kind).unmark(r.identifier for r in done if r.kind is kind)
            if audit is not None:
                with contextlib.suppress(OSError):
                    audit.batch_finished(batch.id, batch.summary())
            self.running = None
            bar.display = False
            self.last_batch = batch
            if plan.action is Action.DEACTIVATE and batch.changed_refs():
                self.last_deactivation = batch
            elif undoes is not None and self.last_deactivation is not None:
                self.last_deactivation = None
            self.refresh_bindings()
            self.update_status()
        self._announce(batch)

    def _show_outcome(self, outcome: Outcome) -> None:
        ref = outcome.ref
        table = self.table(ref.kind)
        label = outcome_label(outcome)
        table.set_status(ref.identifier, label, ok=is_success(outcome))
        self.log_line(outcome_line(outcome))
        if outcome.status is OutcomeStatus.FAILED and outcome.error is not None:
            self.mysafe.record_error(
                f"{outcome.action.value} {ref.kind.noun} {ref.identifier}",
                outcome_line(outcome),
            )

    def _announce(self, batch: Batch) -> None:
        if batch.total == 1 and batch.outcomes:
            [outcome] = batch.outcomes.values()
            if is_success(outcome):
                self.mysafe.notify(safe_text(outcome.message), markup=False)
            elif outcome.error is not None:
                self.mysafe.notify(
                    safe_text(str(outcome.error)),
                    severity="error",
                    markup=False,
                    title=f"{outcome.ref.kind.label} {outcome.ref.identifier}",
                )
            else:
                self.mysafe.notify(outcome_label(outcome), severity="warning", markup=False)
            return
        summary = f"Batch {batch.id}: {batch.summary()}"
        self.log_line(summary)
        severity: SeverityLevel = "information" if batch.ok else "warning"
        hint = "" if batch.ok else " · x retries failed, m re-marks them, e shows errors"
        self.mysafe.notify(summary + hint, severity=severity, markup=False)

    # -- help, log, quit, palette ---------------------------------------------------

    def show_help(self) -> None:
        self.app.push_screen(
            HelpScreen(
                [
                    ("Tables", binding_rows(self.BINDINGS)),
                    (
                        "Anywhere",
                        [
                            *binding_rows(self.app.BINDINGS),
                            ("ctrl+p", "Command palette: every action by name"),
                        ],
                    ),
                    (
                        "Confirmation dialog",
                        [
                            ("y", "Confirm (up to 10 items)"),
                            ("digits, enter", "Type the count to confirm (more than 10 items)"),
                            ("n, esc", "Cancel"),
                        ],
                    ),
                    (
                        "Filter input",
                        [
                            ("enter", "Back to the table, keeping the filter"),
                            ("esc", "Clear the filter"),
                        ],
                    ),
                ]
            )
        )

    def toggle_log(self) -> None:
        log = self.query_one("#log", LogPanel)
        log.display = not log.display

    def request_quit(self) -> None:
        if self.running is None:
            self.app.exit()
            return
        remaining = self.running.total - self.running.done

        def answer(leave: bool | None) -> None:
            if leave:
                self._stop.set()
                self.app.exit()

        self.app.push_screen(ConfirmQuit(remaining), answer)

    def palette_commands(self) -> Iterable[SystemCommand]:
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding):
                continue
            action = binding.action
            if action.startswith("show_tab"):
                continue
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
