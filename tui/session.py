"""What the app knows about the profile it acts on (no secrets here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProfileView:
    name: str = "demo"
    #: Starts read-only; writing must be unlocked on purpose (and is audited).
    production: bool = False
    #: Batches larger than this are refused (None: no limit).
    max_batch: int | None = None
    #: Every batch needs a reason or ticket reference.
    require_reason: bool = False
    #: One of red, yellow, green, blue, magenta, cyan: the header's colour.
    color: str = "blue"
    #: Certificate checks are off: a permanent warning in the header.
    insecure: bool = False
