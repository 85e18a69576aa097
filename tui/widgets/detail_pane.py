"""The detail pane beside the table: what the list said, or the fetched item."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.api import ApiSecretDetail, ItemDetail, ItemSummary, Kind, PasswordDetail
from tui.safe_text import safe_text

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


def render_rows(rows: list[tuple[str, str]], footer: str) -> Text:
    """Label/value lines as a Text: values are never parsed as markup."""
    text = Text()
    width = max(len(label) for label, _ in rows) if rows else 0
    for label, value in rows:
        text.append(f"{label:<{width}}  ", style="bold")
        text.append(safe_text(value))
        text.append("\n")
    text.append("\n")
    text.append(footer, style="italic")
    return text


class DetailPane(VerticalScroll, can_focus=False):
    """Shows the cursor row. ``enter`` fetches the full item (an audited view)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._body = Static("", markup=False, classes="detail-body")
        self.border_title = "Details"

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._body

    def show_nothing(self, message: str = "No item selected") -> None:
        self._body.update(Text(message, style="italic"))

    def show_summary(self, item: ItemSummary) -> None:
        self.border_title = f"{item.kind.label} {safe_text(item.identifier)}"
        self._body.update(
            render_rows(
                _lines_for_summary(item),
                "From the list. enter fetches the full item (senhasegura audits the view).",
            )
        )

    def show_loading(self, item: ItemSummary) -> None:
        self._body.update(Text(f"Fetching {item.kind.noun} {item.identifier}…"))

    def show_detail(self, detail: ItemDetail) -> None:
        self.border_title = f"{detail.kind.label} {safe_text(detail.identifier)} (fetched)"
        self._body.update(render_rows(_lines_for_detail(detail), "Secret values are never shown."))
