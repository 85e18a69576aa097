"""The main screen's columns, rows and keys: data, kept apart from behaviour."""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding, BindingType

from tui.api import ItemSummary, Kind
from tui.console.widgets import FILTER_KEYS, DetailPane, ItemTable
from tui.console.widgets.item_table import Column, Row

COLUMNS = {
    Kind.PASSWORD: [
        Column("identifier", "ID", width=6),
        # Names are what operators read: they keep 24 cells before anything else
        # shrinks, and the columns that give way are named in the header.
        Column("name", "Name", flex=True, min_width=24),
        Column("username", "Username", min_width=10, drop_order=3),
        Column("url", "URL", min_width=12, drop_order=2),
        Column("tags", "Tags", min_width=8, drop_order=1),
        Column("edit", "Edit", width=4),
        Column("needs", "Needs", width=8, drop_order=4),
    ],
    # The list of API secrets carries no tags (only the full item does): no column
    # that would always be empty.
    Kind.API_SECRET: [
        Column("identifier", "ID", width=6),
        Column("name", "Name", flex=True, min_width=24),
        Column("edit", "Edit", width=4),
        Column("needs", "Needs", width=8, drop_order=1),
    ],
}

TAB_IDS = {Kind.PASSWORD: "tab-passwords", Kind.API_SECRET: "tab-api-secrets"}

#: The main screen's width classes (Textual's ``HORIZONTAL_BREAKPOINTS``): below 100
#: columns the detail pane goes under the table (main.tcss).
WIDTH_CLASSES = [(0, "-narrow"), (100, "-wide")]


def width_class(width: int, breakpoints: Sequence[tuple[int, str]] = WIDTH_CLASSES) -> str:
    """The class of the widest breakpoint ``width`` reaches, as Textual picks it."""
    reached = [(least, name) for least, name in breakpoints if width >= least]
    return max(reached)[1] if reached else ""


#: The Needs column, by (need_justify, need_approval).
NEEDS = {(True, True): "both", (True, False): "justify", (False, True): "approval"}


def needs(item: ItemSummary) -> str:
    return NEEDS.get((item.need_justify, item.need_approval), "")


def row_for(item: ItemSummary) -> Row:
    """The table's row for an item (run for each of up to 100 000 items at a load)."""
    edit = "yes" if item.can_write else "no"
    need = needs(item)
    if item.kind is Kind.PASSWORD:
        # The scheme is noise in a narrow column; the detail pane shows the full URL.
        url = item.url
        if url.startswith(("https://", "http://")):
            url = url.removeprefix("https://").removeprefix("http://")
        cells = (item.identifier, item.name, item.username, url, item.tags, edit, need)
        return Row(item.identifier, cells)
    return Row(item.identifier, (item.identifier, item.name, edit, need))


def _key(
    key: str,
    action: str,
    description: str,
    tooltip: str,
    *,
    show: bool = True,
    key_display: str | None = None,
) -> Binding:
    # Binding ids let users remap keys in a keymap; show_tab's two keys get one each.
    name = action if "(" not in action else f"{action.split('(')[0]}.{key}"
    return Binding(
        key,
        action,
        description,
        show=show,
        key_display=key_display,
        id=f"main.{name}",
        tooltip=tooltip,
    )


MAIN_BINDINGS: list[BindingType] = [
    _key("1", "show_tab('password')", "Passwords", "Show the passwords table", show=False),
    _key("2", "show_tab('api_secret')", "API secrets", "Show the API secrets table", show=False),
    _key(
        "slash",
        "filter",
        "Filter",
        "Filter the table as you type (enter keeps it, esc clears it)",
        key_display="/",
    ),
    _key("space", "mark", "Mark", "Mark or unmark the cursor row"),
    _key(
        "asterisk",
        "mark_all",
        "Mark all",
        "Mark or unmark every row shown",
        key_display="*",
        show=False,
    ),
    _key("i", "invert_marks", "Invert marks", "Invert the marks of the rows shown", show=False),
    _key("C", "clear_marks", "Clear marks", "Unmark every row, on both tabs", show=False),
    _key(
        "s",
        "sort",
        "Sort",
        "Sort by the next column (after the last: the server's order)",
        show=False,
    ),
    _key("S", "reverse_sort", "Reverse sort", "Reverse the sort order", show=False),
    _key(
        "c",
        "copy_id",
        "Copy ID",
        "Copy the cursor row's identifier (never a secret) to the clipboard, by OSC 52",
        show=False,
    ),
    _key(
        "v",
        "fetch",
        "Fetch item",
        "Fetch the full item, after asking (senhasegura audits the view; secrets masked)",
        show=False,
    ),
    _key(
        "d",
        "deactivate",
        "Deactivate",
        "Deactivate the marked rows (or the cursor row), after confirmation",
    ),
    _key(
        "a",
        "reactivate",
        "Reactivate",
        "Reactivate the marked rows (or the cursor row), after confirmation",
        show=False,
    ),
    _key(
        "u",
        "undo",
        "Undo",
        "Reverse this session's newest batch not yet undone (again: the one before)",
    ),
    _key(
        "x",
        "retry_failed",
        "Retry failed",
        "Send the failed, in-doubt and unsent items of the last batch again",
        show=False,
    ),
    _key(
        "m",
        "remark_failed",
        "Re-mark failed",
        "Mark the failed items of the last batch too (the marks already set stay)",
        show=False,
    ),
    _key("r", "refresh", "Refresh", "Load the table again from the server", show=False),
    _key(
        "f",
        "server_filter",
        "Server filter",
        "Ask the server for matching items only (tag, name, ...)",
        show=False,
    ),
    _key(
        "W",
        "unlock_writing",
        "Unlock/lock writing",
        "Production profile: allow deactivate and undo for this session, or lock again",
    ),
    _key(
        "D",
        "dry_run",
        "Dry run",
        "Show the exact requests a deactivation would send (as curl), send nothing",
        show=False,
    ),
    _key(
        "A",
        "audit",
        "Audit",
        "Batches of every session: export one, or reverse what it changed",
        show=False,
    ),
    _key(
        "E",
        "export_selection",
        "Export marks",
        "Write the marked rows (or every row shown) as JSONL and CSV, for --ids-file",
        show=False,
    ),
    _key(
        "T",
        "triage",
        "Leak triage",
        "Open a leak report (gitleaks, trufflehog, SARIF, GitHub alerts, detect-secrets) "
        "and match its findings to the items",
        show=False,
    ),
    _key(
        "R",
        "resume",
        "Resume",
        "Send what an interrupted batch left (in doubt or never sent), after confirmation",
    ),
    _key(
        "tab",
        "app.focus_next",
        "Next pane",
        "Move on: the table, its detail pane, the log (shift+tab: back)",
        show=False,
    ),
    _key(
        "escape",
        "escape",
        "Back/stop",
        "Close the detail view; else stop a running batch (in-flight requests finish); "
        "else clear the filter",
        show=False,
    ),
]


def help_sections(
    screen_bindings: Sequence[BindingType], app_bindings: Sequence[BindingType]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every key, by where it works, generated from the bindings of each screen,
    widget and dialog (none written by hand, so none goes stale)."""
    from tui.console.dialogs.confirm_batch import ConfirmBatch
    from tui.console.dialogs.confirm_fetch import ConfirmFetch
    from tui.console.screens.audit_view import AuditScreen
    from tui.console.screens.help import HelpScreen, binding_rows, filter_language_rows

    sources: list[tuple[str, Sequence[BindingType]]] = [
        ("Tables", screen_bindings),
        ("Moving in a table", ItemTable.BINDINGS),
        ("Detail pane (enter)", DetailPane.BINDINGS),
        ("Filter input (/)", FILTER_KEYS),
        ("Anywhere", app_bindings),
        ("Confirmation dialog", ConfirmBatch.BINDINGS),
        ("Fetch dialog (v)", ConfirmFetch.BINDINGS),
        ("Audit view (A)", AuditScreen.BINDINGS),
        ("This help", HelpScreen.BINDINGS),
    ]
    sections = [(title, binding_rows(bindings)) for title, bindings in sources]
    # The language after its keys: what the words typed after / mean.
    at = [title for title, _ in sections].index("Filter input (/)") + 1
    sections.insert(at, ("Filter language (/)", filter_language_rows()))
    return sections
