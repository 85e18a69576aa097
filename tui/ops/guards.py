"""The guards' refusals: typed, with their data, in the core's words.

Every guard is decided in the core (:class:`tui.ops.session.Session` asks them),
and what it decided is a :class:`Refusal`: which guard (:class:`Why`), the data a
front end may need to word it its own way (a count, a limit, a profile, a batch),
and the core's sentence. Each front end words refusals in one place
(``tui/console/screens/main/status.py: refusal_words``, ``tui/cli/errors.py:
refusal_error``), adding only how *it* lifts the guard (a key, a flag).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tui.api import ItemRef
from tui.ops.wording import plural


class Why(StrEnum):
    """Which guard refused."""

    #: No item was given (an empty table, no ids).
    NOTHING_SELECTED = "nothing_selected"
    #: The list says the operator may edit none of the items (can_write is false).
    NOT_EDITABLE = "not_editable"
    #: Nothing left to send (uncertain items may have been left out).
    NOTHING_TO_SEND = "nothing_to_send"
    #: The audit journal cannot be written: no request without its intent on disk.
    JOURNAL_UNUSABLE = "journal_unusable"
    #: A production profile starts read-only; writing must be unlocked on purpose.
    PRODUCTION_LOCKED = "production_locked"
    #: Read-only for good (--read-only, a read_only profile).
    READ_ONLY = "read_only"
    #: Unlocking asked on a profile that is not a locked production profile.
    UNLOCK_NOT_PRODUCTION = "unlock_not_production"
    #: Unlocking asked with another name than the profile's.
    UNLOCK_WRONG_NAME = "unlock_wrong_name"
    #: Another batch of this session is still running.
    BATCH_RUNNING = "batch_running"
    #: More items than the profile's batch limit.
    OVER_LIMIT = "over_limit"
    #: The profile wants a reason that shows, and none was given.
    REASON_REQUIRED = "reason_required"
    #: A resume, retry or undo of a batch that may not be followed up here (another
    #: vault, one nobody named, not in the journal, resumed already, in use).
    NOT_HERE = "not_here"


@dataclass(frozen=True, slots=True)
class Refusal:
    """A guard's refusal: nothing was sent. ``str()`` is the core's sentence."""

    why: Why
    message: str
    #: The profile the guard belongs to.
    profile: str = ""
    #: How many items the refused plan held (the limit's count; uncertain left out).
    count: int = 0
    #: The batch limit, for :attr:`Why.OVER_LIMIT`.
    limit: int | None = None
    #: The batch concerned: the one running, or the one followed up.
    batch_id: str | None = None
    #: Items kept back as not editable (:attr:`Why.NOT_EDITABLE`).
    refused: Sequence[ItemRef] = ()

    def __str__(self) -> str:
        return self.message

    @property
    def read_only(self) -> bool:
        """The session may not write (now, or for good)."""
        return self.why in (Why.JOURNAL_UNUSABLE, Why.PRODUCTION_LOCKED, Why.READ_ONLY)


class Refused(Exception):
    """A guard kept the batch back; ``refusal`` says which, ``str()`` what to do."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


#: Why an item was kept back from a batch: the list says the key may not edit it.
NOT_EDITABLE_ITEM = "kept back: the list says this access key may not edit it (can_write is false)"


#: Why a session read-only for good refuses: --read-only, or a read_only profile.
FORCED_READ_ONLY = (
    "Read-only session (--read-only, or the profile's read_only): nothing can be "
    "deactivated or reactivated, and writing cannot be unlocked in this session."
)


def limit_refusal(profile: str, count: int, limit: int | None) -> Refusal | None:
    if limit is not None and count > limit:
        return Refusal(
            Why.OVER_LIMIT,
            f"Refused: {plural(count)} is more than the limit of {limit} for profile "
            f"{profile}. Mark fewer, or restart with --max-batch {count} to raise it "
            "on purpose.",
            profile=profile,
            count=count,
            limit=limit,
        )
    return None


def visible_text(text: str) -> str:
    """``text`` without what shows nothing: whitespace, control and format characters
    (zero-width spaces and joiners, direction marks, the byte order mark)."""
    return "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")
    )


def reason_given(reason: str) -> bool:
    """Whether ``reason`` counts as a reason: something in it shows."""
    return bool(visible_text(reason))


def reason_refusal(profile: str, require_reason: bool, reason: str) -> Refusal | None:
    if require_reason and not reason_given(reason):
        return Refusal(
            Why.REASON_REQUIRED,
            f"Refused: profile {profile} requires a reason or ticket for every batch "
            "(one that shows: zero-width and control characters do not count).",
            profile=profile,
        )
    return None


def not_here(message: str, batch_id: str | None = None) -> Refused:
    """A follow-up (resume, retry, undo) refused: the batch is not this session's to act on."""
    return Refused(Refusal(Why.NOT_HERE, message, batch_id=batch_id))
