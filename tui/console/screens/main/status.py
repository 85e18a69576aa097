"""What the main screen's status line says, and why a refused key did nothing.

Kept apart from the screen so the words can be read in one place: every refusal
says why, in the status line's words or a toast, never silence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.api import Kind
from tui.console.screens.main.layout import COLUMNS
from tui.console.widgets.table_lines import sort_label
from tui.ops import Refusal, Why

if TYPE_CHECKING:
    from tui.console.screens.main.ports import MainView

#: Keys that change something on the server (read-only refuses them).
WRITE_KEYS = "d, a, u, x, R"


def status_parts(screen: MainView) -> list[str]:
    """Marks (this tab and the other), what is shown, filters, read-only."""
    kind = screen.kind
    model = screen.model(kind)
    marks = f"{model.marked_count} marked"
    hidden = model.hidden_marked_count
    if hidden:
        marks += f" ({hidden} hidden by the filter)"
    other = Kind.API_SECRET if kind is Kind.PASSWORD else Kind.PASSWORD
    other_marks = screen.model(other).marked_count
    if other_marks:
        marks += f", {other_marks} on the {other.noun}s tab"
    parts = [marks]
    if screen.loaded[kind]:
        parts.append(f"{model.visible_count} of {model.row_count} {kind.noun}s shown")
    elif why := screen.not_loaded[kind]:
        parts.append(why)
    else:
        parts.append(f"loading {kind.noun}s…")
    if model.filter_query:
        parts.append(f"filter: {model.filter_query}")
    if model.sort is not None:
        parts.append(f"sorted by {sort_label(COLUMNS[kind], model.sort)}")
    if screen.server_filters[kind]:
        parts.append(
            "server: " + ", ".join(f"{k}={v}" for k, v in screen.server_filters[kind].items())
        )
    if screen.mysafe.read_only:
        parts.append(f"READ-ONLY: {WRITE_KEYS} refused")
    return parts


#: The actions that send something (read-only and a running batch refuse them).
WRITE_ACTIONS = ("deactivate", "reactivate", "undo", "retry_failed", "resume")


def refusal_words(refusal: Refusal) -> str:
    """The core's refusal in the console's words (the only place they are chosen):
    the core's sentence, and the key that lifts the guard where there is one."""
    if refusal.why is Why.PRODUCTION_LOCKED:
        return f"{refusal.message} W unlocks writing for this session."
    if refusal.why is Why.BATCH_RUNNING:
        return "a batch is running; wait for it to end, or esc stops it."
    if refusal.why is Why.NOTHING_SELECTED:
        return "Nothing selected: the table is empty."
    return refusal.message


def refusal(screen: MainView, action: str) -> str | None:
    """Why ``action`` cannot run now (None: it can)."""
    session = screen.mysafe.session
    if action == "unlock_writing" and session.read_only and not session.can_unlock:
        found = session.write_refusal()  # read-only for good: the session says why
    elif action in WRITE_ACTIONS:
        found = session.send_refusal()
    elif action in ("refresh", "server_filter") and session.busy_refusal() is not None:
        # A list reloaded halfway through a batch mixes old and new states.
        return "a batch is running; reload once it ends (esc stops it)."
    else:
        found = None
    return refusal_words(found) if found is not None else None


def dropped_marks(kind: Kind, keys: set[str]) -> str:
    """Said when a reload (a server filter, r) no longer holds some marked rows."""
    first = sorted(keys, key=lambda k: (len(k), k))[:5]
    more = "…" if len(keys) > 5 else ""
    return (
        f"{len(keys)} marked {kind.noun}s are not in the new list and were unmarked: "
        f"{', '.join(first)}{more}"
    )
