"""List entries read straight from the JSON give what the lenient model gives.

``summary_from_entry`` builds an item without pydantic when an entry is plainly
well formed; everything else goes to ``ListEntry``. These hold the quick path to
the model on well-formed data (hostile text included), and check that odd and
broken entries still take the model's way: normalised, or counted as skipped.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tui.api.details import ListEntry, validated_summary
from tui.api.models import ItemSummary, Kind, summary_from_entry
from tui.api.responses import one_summary, summaries
from tui.base.safe_text import is_clean
from tui.console.widgets import Row
from tui.simulator import Simulator, SimulatorConfig
from tui.simulator.envelope import list_entry

OSC52 = "\x1b]52;c;ZXZpbA==\x07"
HOSTILE = (
    "[bold]Payroll[/] admin",  # markup look-alike: kept literally
    '=HYPERLINK("http://evil")',  # a formula: the CSV export's business, kept here
    f"x{OSC52}y",
    "abc\u202efdp.exe",
    "a\x9b\x7f\u2066c",
    "tab\there",
    "\ud800 lone surrogate",
    "Café São Paulo — 東京 VPN",
    "nbsp\u00a0x",
    "",
)


def model(kind: Kind, entry: dict[str, Any]) -> ItemSummary:
    return ListEntry.model_validate({**entry, "kind": kind}).summary()


def well_formed() -> list[tuple[Kind, dict[str, Any]]]:
    """The simulator's entries (awkward names included), then hostile text in every
    text field, with every spelling of the flags senhasegura uses."""
    simulator = Simulator(SimulatorConfig(passwords=120, api_secrets=60))
    cases = [
        (Kind.PASSWORD if item.kind == "password" else Kind.API_SECRET, list_entry(item))
        for kind in ("password", "api_secret")
        for item in simulator.items(kind)
    ]
    flags = [True, False, "1", "0"]
    for number, text in enumerate(HOSTILE, start=1):
        entry: dict[str, Any] = {
            "identifier": str(number),
            "name": text,
            "url": f"https://h/{text}",
            "username": text,
            "tags": f"a,{text}",
            "identifier_code": text,
            "need_justify": flags[number % 4],
            "need_approval": flags[(number + 1) % 4],
            "can_view": flags[(number + 2) % 4],
            "can_write": flags[(number + 3) % 4],
            "unknown_field": {"ignored": True},
        }
        cases.append((Kind.PASSWORD, entry))
        cases.append((Kind.API_SECRET, {"identifier": str(number), "name": text}))
    cases.append((Kind.PASSWORD, {"identifier": "77"}))  # every other field absent
    return cases


def test_the_quick_path_equals_the_model_on_well_formed_entries() -> None:
    cases = well_formed()
    # Through JSON, as the client gets them (a lone surrogate arrives as \ud800).
    decoded = json.loads(json.dumps([entry for _kind, entry in cases]))
    for (kind, _entry), entry in zip(cases, decoded, strict=True):
        quick = summary_from_entry(kind, entry)
        assert quick is not None, entry
        assert quick == model(kind, entry)
        assert type(quick.can_write) is bool and type(quick.need_justify) is bool
        for text in (quick.identifier, quick.name, quick.url, quick.username, quick.tags):
            assert is_clean(text), repr(text)


def test_hostile_names_stay_literal_but_lose_what_a_terminal_obeys() -> None:
    entry = {"identifier": "5", "name": f"[bold]a[/]{OSC52}", "tags": "x\u202e"}
    item = summary_from_entry(Kind.PASSWORD, entry)
    assert item is not None
    assert item.name == "[bold]a[/]␛]52;c;ZXZpbA==␇"
    assert item.tags == "x\ufffd"


@pytest.mark.parametrize(
    "entry",
    [
        {"identifier": 7, "name": "numeric id"},
        {"identifier": " 8 ", "name": "padded id"},
        {"identifier": "9", "name": None, "url": None, "tags": 12},
        {"identifier": "10", "name": "flags", "can_write": "true", "need_justify": ""},
        {"identifier": "11", "name": "int flags", "can_write": 0, "need_approval": None},
        {"identifier": "x12", "name": "not digits"},
    ],
)
def test_odd_but_usable_entries_go_to_the_model(entry: dict[str, Any]) -> None:
    assert summary_from_entry(Kind.PASSWORD, entry) is None
    assert validated_summary(Kind.PASSWORD, entry) == model(Kind.PASSWORD, entry)


def test_broken_entries_are_counted_not_shown() -> None:
    entries: list[Any] = [
        {"identifier": "1", "name": "fine"},
        "junk",
        None,
        {"name": "no id"},
        {"identifier": "", "name": "empty id"},
        {"identifier": True, "name": "a bool is no id"},
        {"identifier": "2", "can_write": "maybe"},
        {"identifier": "3", "name": ["a", "list"]},
        {"identifier": 4, "name": "numeric id, kept"},
    ]
    items, skipped = summaries(Kind.PASSWORD, entries)
    assert [item.identifier for item in items] == ["1", "4"]
    assert skipped == 7


def test_rows_from_quick_items_are_clean_tuples() -> None:
    from tui.console.screens.main.layout import row_for

    entry = {"identifier": "3", "name": f"n{OSC52}", "url": "https://h.example/x", "tags": "t"}
    item = summary_from_entry(Kind.PASSWORD, entry)
    assert item is not None
    assert row_for(item) == Row("3", ("3", "n␛]52;c;ZXZpbA==␇", "", "h.example/x", "t", "yes", ""))


def each_on_its_own(kind: Kind, entries: list[Any]) -> tuple[list[ItemSummary], int]:
    """What reading every entry on its own gives (the way before the whole-list read)."""
    items = [item for entry in entries if (item := one_summary(kind, entry)) is not None]
    return items, len(entries) - len(items)


ODD_AND_BROKEN: list[Any] = [
    {"identifier": 7, "name": "numeric id"},
    {"identifier": " 8 ", "name": "padded id"},
    {"identifier": "9", "name": None, "url": None, "tags": 12},
    {"identifier": "10", "name": "flags", "can_write": "true", "need_justify": ""},
    {"identifier": "11", "name": "int flags", "can_write": 1, "need_approval": 1.0},
    {"identifier": "x12", "name": "not digits"},
    {"identifier": "13", "can_view": ["a", "list"]},
    {"identifier": "14", "name": f"n{OSC52}", "tags": "t\u202e"},
    {"identifier": "15", "name": "\ud800 alone"},
    {"name": "no id"},
    {"identifier": "", "name": "empty id"},
    {"identifier": True, "name": "a bool is no id"},
    {"identifier": "16", "need_justify": "maybe"},
]


@pytest.mark.parametrize("seed", range(6))
def test_the_whole_list_read_at_once_equals_each_entry_read_on_its_own(seed: int) -> None:
    import random

    chosen = random.Random(seed)
    cases = well_formed()
    decoded = json.loads(json.dumps([entry for _kind, entry in cases]))
    for kind in Kind:
        entries: list[Any] = [e for (k, _), e in zip(cases, decoded, strict=True) if k is kind]
        # Odd, broken and hostile entries here and there (none for seed 0, all from 4).
        for entry in chosen.sample(ODD_AND_BROKEN, k=min(seed * 4, len(ODD_AND_BROKEN))):
            entries.insert(chosen.randrange(len(entries) + 1), dict(entry))
        if seed == 5:
            entries.insert(3, "not an entry")
        got = summaries(kind, entries)
        assert got == each_on_its_own(kind, entries)
        assert all(type(item) is ItemSummary for item in got[0])
        assert all(type(item.can_write) is bool for item in got[0])
        assert got[1] == 0 or seed > 0


def test_an_empty_list_and_flags_spelled_every_way() -> None:
    assert summaries(Kind.PASSWORD, []) == ([], 0)
    entries: list[Any] = [
        {"identifier": str(n), "need_justify": flag, "can_write": flag}
        for n, flag in enumerate([True, False, "1", "0"])
    ]
    items, skipped = summaries(Kind.PASSWORD, entries)
    assert skipped == 0
    assert [(i.need_justify, i.can_write) for i in items] == [
        (True, True),
        (False, False),
        (True, True),
        (False, False),
    ]
    assert items == each_on_its_own(Kind.PASSWORD, entries)[0]
