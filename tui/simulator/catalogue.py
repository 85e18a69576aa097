"""The simulator's items of one kind, by identifier; at demo scale, made when asked for.

Making 100 000 items of each kind, secrets and all, takes longer than the whole
demo may take to show them. Yet a list shows only a few fields, and an operator
opens or acts on a handful of items. Above ``STREAM_LIMIT`` items, each item's
random choices therefore come from its own slot of seeded bytes (``SlotDraws``):
a list is encoded from the listed fields alone, and an item is made whole, always
the same, the first time anything asks for it. Only a made item can change, so
an item never made is as it was generated: active.
"""

from __future__ import annotations

import array
import random
import sys
from collections.abc import Callable, Iterator, MutableMapping

from tui.simulator.data import (
    STREAM_LIMIT,
    Item,
    api_secret_listing,
    demo_tags,
    flags_for,
    generate,
    make_api_secret,
    make_password,
    password_listing,
)
from tui.simulator.draws import STRIDE, SlotDraws
from tui.simulator.envelope import api_secret_entry, entry_json, password_entry

#: The list entry (JSON text) of an item never made, from its index (None: the user
#: may not see it).
Listing = Callable[[int], str | None]


class Catalogue(MutableMapping[str, Item]):
    """Items by identifier, in the order they were added; those given to ``lazy``
    are made by ``make`` from their index when first looked up."""

    def __init__(self) -> None:
        self._made: dict[str, Item] = {}
        self._order: list[str] = []
        self._unmade: dict[str, int] = {}
        self._make: Callable[[int], Item] | None = None
        self._listing: Listing | None = None

    @classmethod
    def lazy(
        cls, identifiers: list[str], make: Callable[[int], Item], listing: Listing
    ) -> Catalogue:
        """Items ``identifiers`` (index 0, 1, ...), each made by ``make(index)``;
        ``listing(index)`` is the list entry of one never made."""
        catalogue = cls()
        catalogue._order = identifiers
        catalogue._unmade = {identifier: index for index, identifier in enumerate(identifiers)}
        catalogue._make = make
        catalogue._listing = listing
        return catalogue

    def __getitem__(self, identifier: str) -> Item:
        item = self._made.get(identifier)
        if item is None:
            index = self._unmade.pop(identifier)  # KeyError: no such item
            assert self._make is not None
            item = self._made[identifier] = self._make(index)
        return item

    def __setitem__(self, identifier: str, item: Item) -> None:
        if identifier not in self:
            self._order.append(identifier)
        self._unmade.pop(identifier, None)
        self._made[identifier] = item

    def __delitem__(self, identifier: str) -> None:
        if identifier not in self:
            raise KeyError(identifier)
        self._made.pop(identifier, None)
        self._unmade.pop(identifier, None)
        self._order.remove(identifier)

    def __contains__(self, identifier: object) -> bool:
        return identifier in self._made or identifier in self._unmade

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def entries(self, wanted: Callable[[Item], bool], unchanged_too: bool) -> list[str]:
        """List entries (JSON texts) in order, of each made item ``wanted``; and of each item never
        made, listed from its index (when ``unchanged_too`` says an unchanged,
        active item the user may see is wanted) or else made and judged."""
        made, unmade, listing = self._made, self._unmade, self._listing
        found: list[str] = []
        for identifier in self._order:
            index = unmade.get(identifier)
            if index is not None and unchanged_too and listing is not None:
                listed = listing(index)
                if listed is not None:
                    found.append(listed)
                continue
            item = made.get(identifier) or self[identifier]
            if wanted(item):
                found.append(entry_json(item))
        return found


def demo_catalogues(
    seed: int, passwords: int, api_secrets: int
) -> tuple[dict[str, Catalogue], int]:
    """Both kinds' catalogues and the next free identifier. Up to ``STREAM_LIMIT`` items
    everything is made at once from the seeded stream, as it always was."""
    if passwords + api_secrets <= STREAM_LIMIT:
        items, next_id = generate(seed, passwords, api_secrets)
        catalogues = {"password": Catalogue(), "api_secret": Catalogue()}
        for item in items:
            catalogues[item.kind][item.identifier] = item
        return catalogues, next_id
    rng = random.Random(seed)
    total = passwords + api_secrets
    ids = _interleaved(rng, passwords, total)
    password_ids = [str(number) for number, is_password in enumerate(ids, 1) if is_password]
    secret_ids = [str(number) for number, is_password in enumerate(ids, 1) if not is_password]
    password_bytes = rng.randbytes(STRIDE * passwords)
    secret_bytes = rng.randbytes(STRIDE * api_secrets)

    def password(index: int) -> Item:
        draws = SlotDraws(password_bytes, index * STRIDE)
        return make_password(draws, int(password_ids[index]), index, passwords)

    def secret(index: int) -> Item:
        draws = SlotDraws(secret_bytes, index * STRIDE)
        return make_api_secret(draws, int(secret_ids[index]), index, api_secrets)

    def password_listed(index: int) -> str | None:
        flags = flags_for(index)
        if not flags.can_view:
            return None
        draws = SlotDraws(password_bytes, index * STRIDE)
        name, url, username = password_listing(draws, index, passwords)
        tags = demo_tags(draws, index, name)
        return password_entry(password_ids[index], name, url, username, tags, flags)

    def secret_listed(index: int) -> str | None:
        flags = flags_for(index)
        if not flags.can_view:
            return None
        name, _url = api_secret_listing(index, api_secrets)
        return api_secret_entry(secret_ids[index], name, flags)

    catalogues = {
        "password": Catalogue.lazy(password_ids, password, password_listed),
        "api_secret": Catalogue.lazy(secret_ids, secret, secret_listed),
    }
    return catalogues, total + 1


def _interleaved(rng: random.Random, passwords: int, total: int) -> list[bool]:
    """Which of the identifiers 1..total are passwords: the kinds interleaved the
    way a real safe's counter would, by sorting on random keys (a shuffle in C)."""
    keys = array.array("I", rng.randbytes(4 * total))
    if sys.byteorder == "big":  # the same data on every machine
        keys.byteswap()
    is_password = [True] * passwords + [False] * (total - passwords)
    order = sorted(range(total), key=keys.__getitem__)
    return [is_password[position] for position in order]
