"""Where the demo data's random choices come from: one seeded stream, or a slot per item.

:class:`StreamDraws` asks ``random.Random`` for each choice, in the order the
data has always been made: the seeded demo at its usual sizes shows exactly what
it always did (the screenshots and snapshot tests depend on it). It costs about
14 µs an item, most of it drawing the fake secrets a character at a time: 2.9 s
for 100 000 items of each kind. :class:`SlotDraws` takes each item's choices from
its own fixed slot of a block of seeded random bytes, mapped through tables: no
call into ``random`` per choice, and any item (or any one of its fields) can be
made on its own, in any order, with the same result. Its data is as seeded and as
reproducible, but not the same as the stream's.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")

#: The tags an item may carry (its "tags" is 1 to 3 of them, comma separated).
TAGS = [
    "prod",
    "database",
    "cloud",
    "ci",
    "network",
    "finance",
    "legacy",
    "monitoring",
    "sso",
    "shared",
]


class Draws(Protocol):
    """The random choices the demo data makes."""

    def choice(self, options: Sequence[T]) -> T: ...

    def below(self, limit: int) -> int: ...

    def secret(self, alphabet: str, length: int) -> str: ...

    def tags(self, count: int) -> str:
        """``count`` different tags, comma separated."""
        ...


class StreamDraws:
    """Each choice straight from the seeded ``random.Random``, as it always was."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def choice(self, options: Sequence[T]) -> T:
        return self.rng.choice(options)

    def below(self, limit: int) -> int:
        return self.rng.randrange(limit)

    def secret(self, alphabet: str, length: int) -> str:
        return "".join(self.rng.choices(alphabet, k=length))

    def tags(self, count: int) -> str:
        return ", ".join(self.rng.sample(TAGS, k=count))


#: Every ordered choice of 1, 2 and 3 different tags, joined (10, 90 and 720).
_TAG_CHOICES = {
    count: [", ".join(chosen) for chosen in itertools.permutations(TAGS, count)]
    for count in (1, 2, 3)
}
#: Bytes of random data per item, and the part of them each kind of draw reads:
#: a byte per ``choice``, four per ``below``, two per ``tags``, a byte per
#: character of a ``secret``. Enough for the most an item draws (a password: five
#: choices, a six-digit token, one tag draw, 20 + 16 characters).
STRIDE = 64
_SLOTS = {"choice": (0, 6), "below": (6, 10), "tags": (10, 12), "secret": (12, STRIDE)}
_TABLES: dict[str, bytes] = {}


def _table(alphabet: str) -> bytes:
    """Byte values mapped onto ``alphabet`` (for ``bytes.translate``)."""
    table = _TABLES.get(alphabet)
    if table is None:
        table = bytes(ord(alphabet[i % len(alphabet)]) for i in range(256))
        _TABLES[alphabet] = table
    return table


class SlotDraws:
    """One item's choices, from its ``STRIDE`` bytes of ``block`` at ``start``.

    Each kind of draw reads its own part of the slot, in order, so a field drawn
    alone (the list's tags, without the secrets drawn before them when the whole
    item is made) comes out the same as when everything is drawn.
    """

    __slots__ = ("_block", "_start", "_used")

    def __init__(self, block: bytes, start: int) -> None:
        self._block = block
        self._start = start
        self._used = dict.fromkeys(_SLOTS, 0)

    def _take(self, slot: str, count: int) -> bytes:
        first, end = _SLOTS[slot]
        used = self._used[slot]
        if first + used + count > end:
            raise IndexError(f"an item drew more than its {slot} slot holds")
        self._used[slot] = used + count
        at = self._start + first + used
        return self._block[at : at + count]

    def choice(self, options: Sequence[T]) -> T:
        return options[self._take("choice", 1)[0] % len(options)]

    def below(self, limit: int) -> int:
        return int.from_bytes(self._take("below", 4), "little") % limit

    def secret(self, alphabet: str, length: int) -> str:
        return self._take("secret", length).translate(_table(alphabet)).decode("ascii")

    def tags(self, count: int) -> str:
        options = _TAG_CHOICES[count]
        return options[int.from_bytes(self._take("tags", 2), "little") % len(options)]
