"""A leaked value, held so that it can be compared and nothing else.

Nothing here keeps the leaked text. A :class:`LeakedValue` holds HMAC-SHA-256
digests of the value (and of its normalised forms) under a key drawn at random
when this module is imported and never written anywhere, so the digests cannot be
reversed, brute-forced or told apart from random bytes outside this process. A
stored value fetched from the vault goes through the same function
(:func:`stored_digests`), and equal digests mean equal values. For a
detect-secrets baseline, which holds the SHA-1 hex of each value, the digest is
taken of that hex, and a stored value's SHA-1 hex meets it (:func:`stored_sha1_digests`).

``repr``, ``str`` and ``format`` say "withheld"; pickling is refused; ``drop``
forgets the digests once matching is done.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from typing import NoReturn

#: The key of this process's digests: drawn once, held in memory only.
_RUN_KEY = secrets.token_bytes(32)

_SHA1_HEX = re.compile(r"[0-9a-f]{40}")
_QUOTES = "\"'`"
_PEM = "-----BEGIN"


def _digest(text: str) -> bytes:
    # surrogatepass: JSON can hold a lone surrogate ("\ud800"); it must not crash.
    return hmac.new(_RUN_KEY, text.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()


def _pem(text: str) -> str:
    """A PEM block as trufflehog normalises one: escaped newlines made real, every
    line trimmed, blank lines dropped, one trailing newline."""
    lines = text.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\r\n", "\n").split("\n")
    return "\n".join(line.strip() for line in lines if line.strip()) + "\n"


def variants(text: str) -> set[str]:
    """``text`` and the forms a scanner or a vault may have given it: trimmed, one
    layer of quotes or backticks and a trailing ``,``/``;`` removed, a PEM block
    normalised. Both sides of a comparison get the same variants. Empty forms are
    left out."""
    found = {text}
    trimmed = text.strip()
    found.add(trimmed)
    if len(trimmed) >= 2 and trimmed[0] == trimmed[-1] and trimmed[0] in _QUOTES:
        found.add(trimmed[1:-1].strip())
    bare = trimmed.rstrip(",;").strip()
    found.add(bare)
    if len(bare) >= 2 and bare[0] == bare[-1] and bare[0] in _QUOTES:
        found.add(bare[1:-1].strip())
    if _PEM in text:
        found.add(_pem(trimmed))
    found.discard("")
    return found


def stored_digests(text: str) -> frozenset[bytes]:
    """The digests a stored value is looked up by (each of its variants)."""
    return frozenset(_digest(form) for form in variants(text))


def stored_sha1_digests(text: str) -> frozenset[bytes]:
    """The digests of the SHA-1 hex of a stored value's variants: what meets a
    detect-secrets ``hashed_secret`` (SHA-1 of the UTF-8 bytes, lowercase hex)."""
    return frozenset(
        _digest(hashlib.sha1(form.encode("utf-8", "surrogatepass")).hexdigest())
        for form in variants(text)
    )


class LeakedValue:
    """What a report says leaked, as digests only. Never shown, never pickled."""

    __slots__ = ("_digests", "_dropped", "_hashed")

    def __init__(self, digests: frozenset[bytes], *, hashed: bool) -> None:
        self._digests = digests
        self._hashed = hashed
        self._dropped = False

    @classmethod
    def of_texts(cls, texts: Iterable[str]) -> LeakedValue | None:
        """The value (or values: a credential in parts) a scanner printed; None when
        nothing in ``texts`` is usable (all empty)."""
        digests = frozenset(_digest(form) for text in texts for form in variants(text))
        return cls(digests, hashed=False) if digests else None

    @classmethod
    def of_sha1(cls, hexdigest: str) -> LeakedValue | None:
        """A detect-secrets ``hashed_secret``; None unless it is 40 hex digits."""
        hexdigest = hexdigest.strip().lower()
        if not _SHA1_HEX.fullmatch(hexdigest):
            return None
        return cls(frozenset({_digest(hexdigest)}), hashed=True)

    @property
    def hashed(self) -> bool:
        """True for a SHA-1 of the value (detect-secrets), False for the value."""
        return self._hashed

    @property
    def dropped(self) -> bool:
        return self._dropped

    @property
    def digests(self) -> frozenset[bytes]:
        """The keyed digests to index by (empty once dropped)."""
        return self._digests

    def holds(self, digest: bytes) -> bool:
        """Whether ``digest`` is one of this value's, compared in constant time
        against every one of them (no early exit)."""
        found = False
        for mine in self._digests:
            found |= hmac.compare_digest(mine, digest)
        return found

    def matches(self, stored: str) -> bool:
        """Whether a stored value is this leaked value (or, for a SHA-1, hashes to it)."""
        candidates = stored_sha1_digests(stored) if self._hashed else stored_digests(stored)
        found = False
        for digest in candidates:
            found |= self.holds(digest)
        return found

    def drop(self) -> None:
        """Forget the digests: after matching nothing of the value is needed."""
        self._digests = frozenset()
        self._dropped = True

    def __repr__(self) -> str:
        return "<leaked value: dropped>" if self._dropped else "<leaked value: withheld>"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a leaked value is never pickled")

    def __reduce_ex__(self, protocol: object) -> NoReturn:
        raise TypeError("a leaked value is never pickled")

    def __copy__(self) -> LeakedValue:
        return self

    def __deepcopy__(self, memo: object) -> LeakedValue:
        return self
