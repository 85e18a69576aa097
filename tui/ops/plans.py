"""What a batch is asked to do, and the guards that stand before it is sent.

Plans are made by the session (:meth:`tui.ops.session.Session.plan`), which asks
every guard (:mod:`tui.ops.guards`) on the way: a front end gets a plan to confirm
or a typed refusal to word, and the session asks again before it sends.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tui.api import Action, ItemRef


@dataclass(frozen=True, slots=True)
class ProfileView:
    """What the session knows about the profile it acts on (no secrets here)."""

    name: str = "demo"
    #: Starts read-only; writing must be unlocked on purpose (and is journalled).
    production: bool = False
    #: Starts read-only and stays so (no unlock).
    read_only: bool = False
    #: Batches larger than this are refused (None: no limit).
    max_batch: int | None = None
    #: Every batch needs a reason or ticket reference.
    require_reason: bool = False
    #: One of red, yellow, green, blue, magenta, cyan: the header's colour.
    color: str = "blue"
    #: Certificate checks are off: a permanent warning in the header.
    insecure: bool = False


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """What the operator is asked to confirm, and what the session will send."""

    action: Action
    refs: Sequence[ItemRef]
    #: How many of ``refs`` the current filter hides.
    hidden: int = 0
    #: Items the list says the operator may not edit: left out of the batch.
    refused: Sequence[ItemRef] = ()
    #: "Undo of batch 1a2b3c4d", "Resume of ...", "Dry run", or empty.
    purpose: str = ""
    #: The profile wants a reason or ticket reference for every batch.
    require_reason: bool = False
    #: This batch reverts another one.
    undoes: str | None = None
    #: This batch finishes what an interrupted one left.
    resumes: str | None = None
    #: Items sent by earlier batches with no answer, and the ids of every batch
    #: whose request for the item is unanswered. A "changed" answer settles each
    #: as not applied; an "already" leaves it uncertain which of them (or someone
    #: else) did it.
    in_doubt: Mapping[tuple[str, str], Sequence[str]] = field(default_factory=dict)
    #: Nothing is sent: the requests are written out instead.
    dry_run: bool = False
    #: The batch this one resumes or undoes has no target on record, and the
    #: operator named this server as the one it was made on.
    origin_named: bool = False
    #: Items whose outcome is uncertain (a lost answer, then "already"): left out
    #: of ``refs`` unless the operator includes them on purpose
    #: (:meth:`including_uncertain`), and listed apart in the confirmation.
    uncertain: Sequence[ItemRef] = ()
    #: The leak report's findings this batch acts on (triage): each a reference
    #: (where, which rule; never a value) with the ``items`` it matched, unmatched
    #: findings too (no items), so that the journal can give the incident receipt.
    findings: Sequence[Mapping[str, Any]] = ()
    #: The reason the core proposes (from the findings), the operator may edit it.
    proposed_reason: str = ""

    def including_uncertain(self) -> BatchPlan:
        """This plan with its uncertain items sent too (the operator asked)."""
        if not self.uncertain:
            return self
        return replace(self, refs=[*self.refs, *self.uncertain], uncertain=())


def split_writable(
    refs: Iterable[ItemRef], writable: Mapping[tuple[str, str], bool]
) -> tuple[list[ItemRef], list[ItemRef]]:
    """Those the operator may change, and those the list says they may not."""
    allowed: list[ItemRef] = []
    refused: list[ItemRef] = []
    for ref in refs:
        if writable.get((ref.kind.value, ref.identifier), True):
            allowed.append(ref)
        else:
            refused.append(ref)
    return allowed, refused
