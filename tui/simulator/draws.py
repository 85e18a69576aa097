"""Where the demo data's random choices come from: one seeded stream, two speeds.

:class:`StreamDraws` asks ``random.Random`` for each choice, in the order the
data has always been made: the seeded demo at its usual sizes shows exactly what
it always did (the screenshots and snapshot tests depend on it). It costs about
14 µs an item, most of it drawing the fake secrets a character at a time: 2.9 s
for 100 000 items of each kind. :class:`BulkDraws` takes the same choices from
random bytes drawn in blocks and mapped through tables, about 1.5 µs an item;
its data is as seeded and as reproducible, but not the same as the stream's.
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
_BLOCK = 1 << 20


class BulkDraws:
    """The same choices from blocks of seeded random bytes (a byte picks among up
    to 256 options, a secret's characters are a slice of bytes mapped to the
    alphabet): no call into ``random`` per choice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._bytes = b""
        self._at = 0
        self._tables: dict[str, bytes] = {}

    def _take(self, count: int) -> bytes:
        at = self._at
        if at + count > len(self._bytes):
            self._bytes = self.rng.randbytes(max(_BLOCK, count))
            at = 0
        self._at = at + count
        return self._bytes[at : at + count]

    def choice(self, options: Sequence[T]) -> T:
        at = self._at
        if at >= len(self._bytes):
            self._bytes = self.rng.randbytes(_BLOCK)
            at = 0
        self._at = at + 1
        return options[self._bytes[at] % len(options)]

    def below(self, limit: int) -> int:
        return int.from_bytes(self._take(4), "little") % limit

    def secret(self, alphabet: str, length: int) -> str:
        table = self._tables.get(alphabet)
        if table is None:
            table = bytes(ord(alphabet[i % len(alphabet)]) for i in range(256))
            self._tables[alphabet] = table
        return self._take(length).translate(table).decode("ascii")

    def tags(self, count: int) -> str:
        options = _TAG_CHOICES[count]
        return options[int.from_bytes(self._take(2), "little") % len(options)]
