"""The simulator's demo data at scale, made when asked for (tui/simulator/catalogue.py):
an item never made is listed exactly as it would be once made, any item comes out
the same whenever and in whatever order it is made, and changes show in lists."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tui.simulator import Simulator, SimulatorConfig
from tui.simulator.catalogue import Catalogue, demo_catalogues
from tui.simulator.data import STREAM_LIMIT, Item
from tui.simulator.draws import STRIDE, SlotDraws
from tui.simulator.envelope import entry_json, list_body, list_entry

PASSWORDS, SECRETS = STREAM_LIMIT, 2000


def visible(item: Item) -> bool:
    return item.can_view and item.active


def listed(catalogue: Catalogue) -> list[dict[str, Any]]:
    return [json.loads(entry) for entry in catalogue.entries(visible, unchanged_too=True)]


@pytest.mark.parametrize("kind", ["password", "api_secret"])
def test_an_item_never_made_is_listed_as_it_would_be_made(kind: str) -> None:
    catalogue = demo_catalogues(3, PASSWORDS, SECRETS)[0][kind]
    before = listed(catalogue)
    made = [list_entry(item) for item in catalogue.values() if visible(item)]
    assert before == made
    assert listed(catalogue) == made, "made items are listed from themselves"
    # Some items are hidden from the user, and so are left out either way.
    assert len(made) < len(catalogue)


def test_an_item_is_the_same_whenever_and_in_whatever_order_it_is_made() -> None:
    first, _ = demo_catalogues(5, PASSWORDS, SECRETS)
    second, _ = demo_catalogues(5, PASSWORDS, SECRETS)
    passwords = list(first["password"])
    alone = first["password"][passwords[777]]
    for identifier in reversed(passwords):
        second["password"][identifier]
    assert second["password"][passwords[777]] == alone
    assert alone.password and alone.notes, "made whole, secrets included"
    other, _ = demo_catalogues(6, PASSWORDS, SECRETS)
    assert other["password"][list(other["password"])[777]] != alone


def test_the_kinds_share_one_counter_interleaved() -> None:
    catalogues, next_id = demo_catalogues(1, PASSWORDS, SECRETS)
    ids = [*catalogues["password"], *catalogues["api_secret"]]
    assert (
        sorted(map(int, ids)) == list(range(1, next_id)) == list(range(1, PASSWORDS + SECRETS + 1))
    )
    assert list(catalogues["password"]) == sorted(catalogues["password"], key=int)
    first_200 = {int(i) for i in catalogues["api_secret"]} & set(range(1, 201))
    assert 0 < len(first_200) < 200


def test_a_change_to_an_item_never_made_shows_in_the_next_list() -> None:
    sim = Simulator(SimulatorConfig(passwords=PASSWORDS, api_secrets=SECRETS))
    identifiers = sim.identifiers("api_secret")
    target = identifiers[10]  # never made until it changes

    def shown() -> list[str]:
        body = json.loads(sim._list_body("api_secret", {}))
        return [entry["identifier"] for entry in body["api_secret_on_list"]]

    before = shown()
    sim.set_active("api_secret", target, False)
    assert shown() == [i for i in before if i != target]
    sim.set_active("api_secret", target, True)
    assert shown() == before


@pytest.mark.parametrize(
    "name",
    [
        "[bold]Payroll[/] admin",
        "Café São Paulo — 東京 VPN",
        'quote " back\\slash',
        "\ud800 lone",
        "\x1b[2J",
    ],
)
def test_a_list_written_as_text_is_the_json_of_its_entries(name: str) -> None:
    item = Item(kind="password", identifier="7", name=name, url="https://u", tags="a, b")
    item.can_write = False
    body = json.loads(list_body("password_on_list", [entry_json(item), entry_json(item)]))
    assert body["password_on_list"] == [list_entry(item)] * 2
    assert list_entry(item) == {
        "identifier": "7",
        "name": name,
        "url": "https://u",
        "username": "",
        "tags": "a, b",
        "need_justify": "0",
        "need_approval": "0",
        "can_view": True,
        "can_write": False,
    }
    assert body["response"]["status"] == 200 and body["code"] == 200
    assert json.loads(list_body("api_secret_on_list", []))["api_secret_on_list"] == []


def test_an_item_drawing_more_than_its_slot_is_refused() -> None:
    draws = SlotDraws(bytes(STRIDE * 2), 0)
    draws.secret("ab", STRIDE - 12)
    with pytest.raises(IndexError, match="secret slot"):
        draws.secret("ab", 1)


def test_a_catalogue_is_a_mapping_of_its_items() -> None:
    catalogue = demo_catalogues(2, PASSWORDS, SECRETS)[0]["api_secret"]
    first = next(iter(catalogue))
    assert first in catalogue and "0" not in catalogue
    with pytest.raises(KeyError):
        catalogue["0"]
    catalogue["99999"] = Item(kind="api_secret", identifier="99999", name="added")
    assert list(catalogue)[-1] == "99999" and len(catalogue) == SECRETS + 1
    del catalogue[first]
    assert first not in catalogue and len(catalogue) == SECRETS
