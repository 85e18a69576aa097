"""What the detail pane says about an item: label/value rows, never a secret value."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len

from tui.api import ItemSummary, Kind
from tui.ops.filtering import LABELS, Field, item_value

if TYPE_CHECKING:
    from tui.api import ItemDetail

MASK = "•••••••• (hidden)"
SUMMARY_FOOTER = "From the list. v fetches the full item (asks first: senhasegura audits it)."
DETAIL_FOOTER = "Fetched from the server. Secret values are never shown."

Rows = list[tuple[str, str]]


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def matched_row(item: ItemSummary, reached: Sequence[Field]) -> Rows:
    """The row saying through which fields beyond ID and Name the filter kept the
    item (first, so a pane of four lines shows it too); none when ID or Name did."""
    if not reached:
        return []
    return [("Matched", " · ".join(f"{LABELS[f]}: {item_value(item, f)}" for f in reached))]


def summary_rows(item: ItemSummary, reached: Sequence[Field] = ()) -> Rows:
    rows = [*matched_row(item, reached), ("ID", item.identifier), ("Name", item.name)]
    if item.kind is Kind.PASSWORD:
        rows += [("Username", item.username), ("URL", item.url)]
    rows += [
        ("Tags", item.tags or "-"),
        ("May edit", _yes_no(item.can_write)),
        ("Justify", "required" if item.need_justify else "no"),
        ("Approval", "required" if item.need_approval else "no"),
    ]
    return rows


def _secret_state(value: object) -> str:
    return MASK if value is not None else "not set"


def _shares(detail: ItemDetail) -> Rows:
    users = ", ".join(
        f"{share.name}{' (edit)' if share.can_edit else ''}" for share in detail.users_allowed
    )
    groups = ", ".join(
        f"{share.name}{' (edit)' if share.can_edit else ''}" for share in detail.groups_allowed
    )
    return [("Shared with", users or "-"), ("Groups", groups or "-")]


def detail_rows(detail: ItemDetail) -> Rows:
    # The item models are loaded by the fetch that made ``detail``, not at start.
    from tui.api import ApiSecretDetail, PasswordDetail

    rows = [("ID", detail.identifier), ("Name", detail.name), ("URL", detail.url or "-")]
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
