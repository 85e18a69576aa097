"""The detail pane beside the table: what the list said, or the fetched item."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from tui.api import ItemSummary, Kind
from tui.safe_text import safe_text

if TYPE_CHECKING:
    from tui.api import ItemDetail

MASK = "•••••••• (hidden)"


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _lines_for_summary(item: ItemSummary) -> list[tuple[str, str]]:
    rows = [("Identifier", item.identifier), ("Name", item.name)]
    if item.kind is Kind.PASSWORD:
        rows += [("Username", item.username), ("URL", item.url)]
    rows += [
        ("Tags", item.tags or "-"),
        ("May edit", _yes_no(item.can_write)),
        ("Justification", "required" if item.need_justify else "no"),
        ("Approval", "required" if item.need_approval else "no"),
    ]
    return rows


def _secret_state(value: object) -> str:
    return MASK if value is not None else "not set"


def _shares(detail: ItemDetail) -> list[tuple[str, str]]:
    users = ", ".join(
        f"{share.name}{' (edit)' if share.can_edit else ''}" for share in detail.users_allowed
    )
    groups = ", ".join(
        f"{share.name}{' (edit)' if share.can_edit else ''}" for share in detail.groups_allowed
    )
    return [("Shared with", users or "-"), ("Groups", groups or "-")]


def _lines_for_detail(detail: ItemDetail) -> list[tuple[str, str]]:
    # The item models are loaded by the fetch that made ``detail``, not at start.
    from tui.api import ApiSecretDetail, PasswordDetail

    rows = [("Identifier", detail.identifier), ("Name", detail.name), ("URL", detail.url or "-")]
    if isinstance(detail, PasswordDetail):
        rows += [
            ("Username", detail.username),
            ("Password", _secret_state(detail.password)),
            ("TOTP seed", _secret_state(detail.secret_key)),
            ("TOTP code", _secret_state(detail.token)),
        ]
    elif isinstance(detail, ApiSecretDetail):
        rows += [
            ("Client id", detail.client_id or "-"),
            ("Client secret", _secret_state(detail.client_secret)),
            ("Code", detail.identifier_code or "-"),
            ("Method", detail.method or "-"),
        ]
    rows += [("Tags", detail.tags or "-"), ("Notes", detail.notes or "-")]
    return rows + _shares(detail)


def changed_cells(before: str, after: str) -> tuple[int, int] | None:
    """The cells from the first that differs to the end of the longer line (None: same).

    A cursor move changes the values, not the labels: repainting from the first
    changed cell costs a few bytes where the whole line cost a few hundred."""
    if before == after:
        return None
    common = min(len(before), len(after))
    first = next((i for i in range(common) if before[i] != after[i]), common)
    start = cell_len(before[:first])
    return start, max(cell_len(before), cell_len(after), start + 1)


def render_rows(rows: list[tuple[str, str]], footer: str) -> list[Text]:
    """One Text per label/value line; values are never parsed as markup."""
    width = max(len(label) for label, _ in rows) if rows else 0
    lines = []
    for label, value in rows:
        line = Text(no_wrap=False)
        line.append(f"{label:<{width}}  ", style="bold")
        line.append(safe_text(value))
        lines.append(line)
    lines.append(Text(""))
    lines.append(Text(footer, style="italic"))
    return lines


class DetailPane(ScrollView, can_focus=True):
    """Shows the cursor row; ``enter`` in the table comes here to scroll it, and
    ``v`` fetches the full item (an audited view, asked first).

    Drawn on the line API, like the table: an update compares the new lines with
    the old ones and repaints only the cells that changed, from the first that
    differs, with no layout pass, so a cursor move over SSH costs a few bytes per
    line, not the whole pane.
    """

    BINDINGS = [
        Binding("up,k", "scroll_up", "Up", show=False, tooltip="Scroll up a line"),
        Binding("down,j", "scroll_down", "Down", show=False, tooltip="Scroll down a line"),
        Binding("pageup", "page_up", "Page up", show=False, tooltip="Scroll up a page"),
        Binding("pagedown", "page_down", "Page down", show=False, tooltip="Scroll down a page"),
        Binding(
            "escape",
            "screen.escape",
            "Back",
            show=False,
            tooltip="Back to the table (out of the full-screen view)",
        ),
    ]

    #: The thin-link mode's settle time: a cursor held down moves many rows a second,
    #: and the pane follows the row it rests on, not every row it passes.
    SLOW_LINK_SETTLE = 0.15

    def __init__(self, *, id: str | None = None, follow_settle: float = 0.0) -> None:
        super().__init__(id=id)
        self.follow_settle = follow_settle
        self._window: Timer | None = None
        self._held: tuple[ItemSummary | None, bool] | None = None
        self._texts: list[Text] = []
        self._strips: list[Strip] = []
        self._plain: list[str] = []
        self.border_title = "Details"

    def _wrap(self, width: int) -> list[Strip]:
        console = self.app.console
        strips: list[Strip] = []
        for text in self._texts:
            for line in text.wrap(console, max(width, 1)):
                strips.append(Strip(list(line.render(console, end="")), line.cell_len))
        return strips

    def _show(self, lines: list[Text]) -> None:
        self._held = None  # what is shown now is newer than a cursor row held back
        self._texts = lines
        self._rebuild()

    def _rebuild(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            return
        strips = self._wrap(width)
        plain = [strip.text for strip in strips]
        old = self._plain
        self._strips, self._plain = strips, plain
        # The virtual height never drops below the pane's own height: changing it
        # is a layout pass (a full repaint), which a cursor move must not cost.
        height = max(len(plain), self.size.height)
        if self.virtual_size != Size(width, height):
            self.virtual_size = Size(width, height)
            self.refresh()
            return
        top = int(self.scroll_offset.y)
        for y in range(top, min(max(len(plain), len(old)), top + self.size.height)):
            span = changed_cells(old[y] if y < len(old) else "", plain[y] if y < len(plain) else "")
            if span is not None:
                self.refresh(Region(span[0], y - top, span[1] - span[0], 1))

    def on_resize(self) -> None:
        self._plain = []
        self._rebuild()

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        style = self.rich_style
        width = self.scrollable_content_region.width
        if index >= len(self._strips):
            return Strip.blank(width, style)
        return self._strips[index].apply_style(style).adjust_cell_length(width, style)

    def text(self) -> str:
        """What the pane shows, as plain text (one line per label, unwrapped)."""
        return "\n".join(text.plain for text in self._texts)

    def show_nothing(self, message: str = "No item selected") -> None:
        self._show([Text(message, style="italic")])

    def show_item(self, item: ItemSummary | None, any_items: bool) -> None:
        """The cursor row's item as the list gave it, or why there is none."""
        if item is None:
            self.show_nothing("No item selected" if any_items else "No items")
        else:
            self.show_summary(item)

    def follow(self, item: ItemSummary | None, any_items: bool) -> None:
        """The cursor moved to ``item``: shown at once after a rest; during a run of
        moves (with ``follow_settle``), once the moves settle, for the row they end on."""
        if self.follow_settle <= 0 or self._window is None:
            self.show_item(item, any_items)
        else:
            self._window.stop()
            self._held = (item, any_items)
        if self.follow_settle > 0:
            self._window = self.set_timer(self.follow_settle, self.settle)

    def settle(self) -> None:
        """The moves have settled: show the row they ended on, if it is not shown yet."""
        self._window = None
        held = self._held
        if held is not None:
            self.show_item(*held)

    def show_summary(self, item: ItemSummary) -> None:
        self._show(
            render_rows(
                _lines_for_summary(item),
                "From the list. v fetches the full item (asks first: senhasegura audits it).",
            )
        )

    def show_loading(self, item: ItemSummary) -> None:
        self._show([Text(f"Fetching {item.kind.noun} {item.identifier}…")])

    def show_detail(self, detail: ItemDetail) -> None:
        self._show(
            render_rows(
                _lines_for_detail(detail), "Fetched from the server. Secret values are never shown."
            )
        )
