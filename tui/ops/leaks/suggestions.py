"""Suggestions by metadata, without fetching anything: which listed items a finding
may be about, ranked by what they share.

An item's URL host found in the finding (its matched text, path, repository or
link; a subdomain counts), its username, words of its name and its tags, each
weighs in (``WEIGHTS``). A suggestion is a hint for the operator to look at, never
a match: nothing is marked from it. Items are indexed by their words once, so a
finding costs the items it shares a word with, not every item; a word shared by
too many items (``common_limit``) says nothing and is not indexed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from tui.api.models import ItemRef, ItemSummary
from tui.ops.leaks.findings import Finding

HOST, USERNAME, NAME, TAG = "host", "username", "name", "tag"
#: What each shared thing adds to a score, and at most how much its kind adds.
WEIGHTS = {HOST: (0.6, 0.6), USERNAME: (0.4, 0.4), NAME: (0.15, 0.3), TAG: (0.15, 0.3)}
#: Below this a candidate is not suggested: a host or a username, or two words.
THRESHOLD = 0.3
#: Suggestions per finding.
LIMIT = 5

#: Words of item names too common to tell items apart.
# fmt: off
STOP_WORDS = frozenset((
    "api", "key", "keys", "token", "secret", "secrets", "password", "passwords", "pass",
    "generic", "the", "and", "for", "com", "www", "http", "https", "prod", "production",
    "staging", "stage", "dev", "qa", "test", "homolog", "dr", "admin", "service", "user",
    "root", "app", "apps", "example", "org", "net", "io",
))
# fmt: on
_PARTS = re.compile(r"[._@/:-]+")
_NAME_WORDS = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Suggestion:
    ref: ItemRef
    score: float
    #: What the finding and the item share: ``host``, ``username``, ``name``, ``tag``.
    reasons: tuple[str, ...]


def item_host(url: str) -> str:
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return ""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def finding_tokens(finding: Finding) -> tuple[set[str], set[str]]:
    """The finding's words (and their parts), and the hosts its words could be."""
    words: set[str] = set()
    hosts: set[str] = set()
    for word in finding.context:
        words.add(word)
        words.update(part for part in _PARTS.split(word) if len(part) >= 3)
        if "@" in word:
            words.add(word.split("@", 1)[0])
        if "." in word:
            labels = word.split("@")[-1].split("/")[0].split(".")
            for start in range(len(labels) - 1):
                hosts.add(".".join(labels[start:]))
    return words, hosts


class SuggestionIndex:
    """Listed items by the words a finding can share with them."""

    def __init__(self, items: Sequence[ItemSummary], common_limit: int | None = None) -> None:
        self._items = list(items)
        limit = common_limit if common_limit is not None else max(20, len(self._items) // 10)
        self._maps: dict[str, dict[str, list[int]]] = {kind: {} for kind in WEIGHTS}
        for index, item in enumerate(self._items):
            self._add(HOST, [item_host(item.url)], index)
            username = item.username.strip().lower()
            self._add(USERNAME, [username] if len(username) >= 3 else [], index)
            name_words = {
                word
                for word in _NAME_WORDS.findall(item.name.lower())
                if len(word) >= 3 and word not in STOP_WORDS and not word.isdigit()
            }
            self._add(NAME, name_words, index)
            self._add(TAG, [tag.lower() for tag in item.tag_list], index)
        for kind, mapping in self._maps.items():
            self._maps[kind] = {key: hits for key, hits in mapping.items() if len(hits) <= limit}

    def _add(self, kind: str, keys: Iterable[str], index: int) -> None:
        mapping = self._maps[kind]
        for key in keys:
            if key:
                mapping.setdefault(key, []).append(index)

    def suggest(
        self, finding: Finding, exclude: set[tuple[str, str]] | None = None, limit: int = LIMIT
    ) -> tuple[Suggestion, ...]:
        """The items ``finding`` most likely concerns, best first (none for an id
        list's line: it names its item)."""
        if finding.item is not None or not finding.context:
            return ()
        words, hosts = finding_tokens(finding)
        shared: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for kind, keys in ((HOST, hosts), (USERNAME, words), (NAME, words), (TAG, words)):
            mapping = self._maps[kind]
            for key in keys:
                for index in mapping.get(key, ()):
                    shared[index][kind] += 1
        ranked: list[tuple[float, int, tuple[str, ...]]] = []
        for index, kinds in shared.items():
            score = sum(min(WEIGHTS[k][0] * n, WEIGHTS[k][1]) for k, n in kinds.items())
            if score + 1e-9 < THRESHOLD:
                continue
            ref = self._items[index].ref
            if exclude and ref.key in exclude:
                continue
            reasons = tuple(kind for kind in WEIGHTS if kind in kinds)
            ranked.append((round(min(score, 1.0), 2), index, reasons))
        ranked.sort(key=lambda entry: (-entry[0], entry[1]))
        return tuple(
            Suggestion(self._items[index].ref, score, reasons)
            for score, index, reasons in ranked[:limit]
        )
