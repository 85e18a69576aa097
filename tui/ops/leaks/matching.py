"""Matching findings to vault items: by value (fetching), by id, and suggestions.

1. **Plan** (:func:`plan_matching`): which items would be fetched, known before any
   fetch, so that a front end can show the count and ask (each fetch is an
   audited "view" in MySafe). Fetched: every listed item the key's user may view,
   when at least one finding holds a value or a SHA-1 of one, and the operator
   asked for value checks.
2. **Match** (:func:`match_findings`): the planned items are fetched with bounded
   concurrency; each stored value (a password's value; an API secret's client
   secret and client id) is turned into digests (``tui.ops.leaks.values``), looked
   up among the findings' digests and confirmed with ``hmac.compare_digest``; the
   fetched item is then let go, and only which finding met which item is kept. A
   fetch that fails is counted with its reason and matching goes on. The findings'
   digests are dropped at the end.
3. Findings that name an item (an id list) match it by id; every finding gets
   metadata suggestions (``tui.ops.leaks.suggestions``), never marked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tui.api.client import MySafeClient
from tui.api.errors import (
    AuthenticationError,
    ConnectionFailedError,
    GatewayError,
    InactiveError,
    MySafeError,
    NoAccessError,
    NotFoundError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    UnexpectedResponseError,
)
from tui.api.models import ItemRef, ItemSummary, Kind
from tui.base.safe_text import clean_text
from tui.ops.leaks.findings import Finding
from tui.ops.leaks.suggestions import SuggestionIndex
from tui.ops.leaks.values import stored_digests, stored_sha1_digests

#: A fetch failure's message keeps at most this many characters.
MESSAGE_CHARS = 300


class How(StrEnum):
    """How a finding met an item."""

    #: The leaked value is the item's stored value (password, client secret).
    VALUE = "value"
    #: The leaked value is the API secret's client id.
    CLIENT_ID = "client-id"
    #: The SHA-1 in the report is that of a stored value (detect-secrets).
    HASH = "hash"
    #: An id list names the item.
    ID = "id"
    #: Shared metadata only: a suggestion, never marked.
    METADATA = "metadata"

    @property
    def marked(self) -> bool:
        return self is not How.METADATA


#: When one finding meets one item several ways, the one said (best first).
_PRECEDENCE = (How.ID, How.VALUE, How.HASH, How.CLIENT_ID)


@dataclass(frozen=True, slots=True)
class ItemMatch:
    """An item a finding concerns. ``ref`` carries kind, identifier and name."""

    ref: ItemRef
    how: How
    #: 1.0 for a match; a suggestion's metadata score (0.3 to 1.0).
    score: float = 1.0
    #: For a suggestion, what is shared (``host``, ``username``, ``name``, ``tag``).
    reasons: tuple[str, ...] = ()

    @property
    def marked(self) -> bool:
        return self.how.marked


@dataclass(frozen=True, slots=True)
class FindingResult:
    finding: Finding
    #: Items matched by value, client id, hash or id: marked for the batch.
    matches: tuple[ItemMatch, ...] = ()
    #: Items that share metadata with the finding, best first: shown, never marked.
    suggestions: tuple[ItemMatch, ...] = ()

    @property
    def matched(self) -> bool:
        return bool(self.matches)


class FetchProblem(StrEnum):
    """Why an item could not be fetched (the client's typed error, in a word)."""

    NO_ACCESS = "no_access"
    NOT_FOUND = "not_found"
    INACTIVE = "inactive"
    AUTHENTICATION = "authentication"
    CONNECTION = "connection"
    TIMEOUT = "timeout"
    SERVER = "server"
    UNEXPECTED_ANSWER = "unexpected_answer"
    OTHER = "other"


_PROBLEMS: tuple[tuple[type[Exception], FetchProblem], ...] = (
    (NoAccessError, FetchProblem.NO_ACCESS),
    (NotFoundError, FetchProblem.NOT_FOUND),
    (InactiveError, FetchProblem.INACTIVE),
    (AuthenticationError, FetchProblem.AUTHENTICATION),
    (ConnectionFailedError, FetchProblem.CONNECTION),
    (RequestTimeoutError, FetchProblem.TIMEOUT),
    (ServerError, FetchProblem.SERVER),
    (GatewayError, FetchProblem.SERVER),
    (RateLimitedError, FetchProblem.SERVER),
    (UnexpectedResponseError, FetchProblem.UNEXPECTED_ANSWER),
)


def problem_of(error: Exception) -> FetchProblem:
    for kind, problem in _PROBLEMS:
        if isinstance(error, kind):
            return problem
    return FetchProblem.OTHER


@dataclass(frozen=True, slots=True)
class FetchFailure:
    ref: ItemRef
    problem: FetchProblem
    #: The client's one line (the server's words and code, no value), made safe.
    message: str


@dataclass(frozen=True, slots=True)
class MatchPlan:
    """What matching will do, before it does it."""

    findings: tuple[Finding, ...]
    items: tuple[ItemSummary, ...]
    #: The items to fetch, each once, in list order: one audited view each.
    fetches: tuple[ItemRef, ...]

    @property
    def fetch_count(self) -> int:
        return len(self.fetches)

    @property
    def value_findings(self) -> int:
        """Findings that can be matched by value or hash."""
        return sum(1 for finding in self.findings if finding.matchable_by_value)


def plan_matching(
    findings: Iterable[Finding], items: Iterable[ItemSummary], *, verify_values: bool = True
) -> MatchPlan:
    """The plan for ``findings`` against the listed ``items`` (both kinds). Without
    ``verify_values``, or with no finding that holds a value, nothing is fetched."""
    findings = tuple(findings)
    items = tuple(items)
    wanted = verify_values and any(finding.matchable_by_value for finding in findings)
    fetches: dict[tuple[str, str], ItemRef] = {}
    if wanted:
        for item in items:
            if item.can_view and item.ref.key not in fetches:
                fetches[item.ref.key] = item.ref
    return MatchPlan(findings, items, tuple(fetches.values()))


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Every finding with what it met, and what the fetching cost."""

    results: tuple[FindingResult, ...]
    fetches_planned: int = 0
    #: Items fetched and compared.
    fetches_done: int = 0
    failures: tuple[FetchFailure, ...] = ()
    #: Planned fetches not made (matching was stopped).
    not_fetched: int = 0

    @property
    def matched(self) -> tuple[FindingResult, ...]:
        return tuple(result for result in self.results if result.matched)

    @property
    def unmatched(self) -> tuple[FindingResult, ...]:
        """Findings no item matched (their suggestions, if any, still shown)."""
        return tuple(result for result in self.results if not result.matched)

    def marked_refs(self) -> list[ItemRef]:
        """The items matched by value, client id, hash or id, each once, in order:
        what a batch would switch off."""
        refs: dict[tuple[str, str], ItemRef] = {}
        for result in self.results:
            for match in result.matches:
                refs.setdefault(match.ref.key, match.ref)
        return list(refs.values())

    def findings_for(self, ref: ItemRef) -> list[Finding]:
        """The findings that matched one item (several findings may hold one value)."""
        return [
            result.finding
            for result in self.results
            if any(match.ref.key == ref.key for match in result.matches)
        ]


@dataclass(slots=True)
class _Matcher:
    findings: Sequence[Finding]
    #: Whether values will be compared (fetches planned): then they must be there.
    by_value: bool = True
    plain: dict[bytes, list[int]] = field(default_factory=dict)
    hashed: dict[bytes, list[int]] = field(default_factory=dict)
    #: finding index -> item key -> (how, ref)
    found: dict[int, dict[tuple[str, str], tuple[How, ItemRef]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.by_value:
            return
        for index, finding in enumerate(self.findings):
            value = finding.value
            if value is None:
                continue
            if value.dropped:
                raise ValueError(
                    "the findings' values were dropped by an earlier matching; read the "
                    "reports again to match them by value"
                )
            index_of = self.hashed if value.hashed else self.plain
            for digest in value.digests:
                index_of.setdefault(digest, []).append(index)

    def record(self, index: int, ref: ItemRef, how: How) -> None:
        mine = self.found.setdefault(index, {})
        known = mine.get(ref.key)
        if known is None or _PRECEDENCE.index(how) < _PRECEDENCE.index(known[0]):
            mine[ref.key] = (how, ref)

    def compare(self, ref: ItemRef, stored: Sequence[tuple[How, str]]) -> None:
        """Meet one item's stored values with every finding's; keep only who met whom."""
        for how, text in stored:
            if not text:
                continue
            if self.plain:
                for digest in stored_digests(text):
                    for index in self.plain.get(digest, ()):
                        value = self.findings[index].value
                        if value is not None and value.holds(digest):
                            self.record(index, ref, how)
            if self.hashed:
                for digest in stored_sha1_digests(text):
                    for index in self.hashed.get(digest, ()):
                        value = self.findings[index].value
                        if value is not None and value.holds(digest):
                            self.record(index, ref, How.HASH)


def _stored(detail: object) -> list[tuple[How, str]]:
    """The values of a fetched item to compare, by how a match on each is called."""
    from tui.api.details import ApiSecretDetail, PasswordDetail

    if isinstance(detail, PasswordDetail):
        password = detail.password.get_secret_value() if detail.password else ""
        return [(How.VALUE, password)]
    if isinstance(detail, ApiSecretDetail):
        secret = detail.client_secret.get_secret_value() if detail.client_secret else ""
        return [(How.VALUE, secret), (How.CLIENT_ID, detail.client_id)]
    return []


async def list_candidates(client: MySafeClient) -> list[ItemSummary]:
    """Every item of both kinds the key's user can see: the candidates of a plan."""
    passwords = await client.list_items(Kind.PASSWORD)
    secrets = await client.list_items(Kind.API_SECRET)
    return [*passwords.items, *secrets.items]


def _named(plan: MatchPlan, matcher: _Matcher) -> None:
    listed = {item.ref.key: item.ref for item in plan.items}
    for index, finding in enumerate(plan.findings):
        if finding.item is not None and finding.item.key in listed:
            matcher.record(index, listed[finding.item.key], How.ID)


def _results(plan: MatchPlan, matcher: _Matcher, suggest: bool) -> tuple[FindingResult, ...]:
    index = SuggestionIndex(plan.items) if suggest else None
    results = []
    for number, finding in enumerate(plan.findings):
        found = matcher.found.get(number, {})
        matches = tuple(
            ItemMatch(ref, how)
            for how, ref in sorted(found.values(), key=lambda pair: _PRECEDENCE.index(pair[0]))
        )
        suggestions: tuple[ItemMatch, ...] = ()
        if index is not None:
            suggestions = tuple(
                ItemMatch(s.ref, How.METADATA, s.score, s.reasons)
                for s in index.suggest(finding, exclude=set(found))
            )
        results.append(FindingResult(finding, matches, suggestions))
    return tuple(results)


def match_without_fetching(plan: MatchPlan, *, suggest: bool = True) -> MatchResult:
    """Matches by id and suggestions only: nothing is fetched, whatever the plan."""
    matcher = _Matcher(plan.findings, by_value=False)
    _named(plan, matcher)
    return MatchResult(_results(plan, matcher, suggest), fetches_planned=0)


async def match_findings(
    client: MySafeClient,
    plan: MatchPlan,
    *,
    concurrency: int | None = None,
    stop: asyncio.Event | None = None,
    on_fetched: Callable[[int, int], None] | None = None,
    suggest: bool = True,
    drop_values: bool = True,
) -> MatchResult:
    """Carry out ``plan``: fetch its items (at most ``concurrency`` at once, never
    more than the client's), compare, and say which finding met which item.

    Nothing is raised for a fetch that fails: it is counted in ``failures`` with its
    reason. Setting ``stop`` lets the fetches in flight finish and counts the rest
    as ``not_fetched``. ``on_fetched(done, total)`` follows progress. The findings'
    digests are dropped at the end (unless ``drop_values`` is False), except after a
    plan with nothing to fetch or a stop: then they are still needed.
    """
    matcher = _Matcher(plan.findings, by_value=bool(plan.fetches))
    _named(plan, matcher)
    limit = min(concurrency or client.settings.concurrency, client.settings.concurrency)
    pending = list(reversed(plan.fetches))
    failures: list[FetchFailure] = []
    counts = {"done": 0, "answered": 0}

    async def worker() -> None:
        while pending and not (stop is not None and stop.is_set()):
            ref = pending.pop()
            try:
                detail = await client.get_item(ref.kind, ref.identifier)
            except MySafeError as exc:
                failures.append(FetchFailure(ref, problem_of(exc), _message(exc)))
            except Exception as exc:  # a fetch must not end the matching
                failures.append(FetchFailure(ref, FetchProblem.OTHER, type(exc).__name__))
            else:
                stored = _stored(detail)
                del detail
                matcher.compare(ref, stored)
                del stored
                counts["answered"] += 1
            counts["done"] += 1
            if on_fetched is not None:
                on_fetched(counts["done"], plan.fetch_count)

    stopped = False
    try:
        if plan.fetches:
            async with asyncio.TaskGroup() as group:
                for _ in range(max(1, min(limit, len(plan.fetches)))):
                    group.create_task(worker())
        stopped = bool(pending)
    finally:
        # Dropped once compared with every planned item, or when matching ends in
        # an error or a cancellation. A plan that fetched nothing, or a stopped one,
        # leaves them: the operator may still ask for value checks, or go on.
        if drop_values and plan.fetches and not stopped:
            for finding in plan.findings:
                if finding.value is not None:
                    finding.value.drop()
    return MatchResult(
        _results(plan, matcher, suggest),
        fetches_planned=plan.fetch_count,
        fetches_done=counts["answered"],
        failures=tuple(failures),
        not_fetched=len(pending),
    )


def _message(error: Exception) -> str:
    text = clean_text(str(error))
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"


def batch_findings(result: MatchResult, chosen: Iterable[ItemRef]) -> list[dict[str, Any]]:
    """What a batch record keeps of ``result``'s findings: each reference with the
    items of ``chosen`` it matched (none for the unmatched), never a value."""
    keys = {ref.key for ref in chosen}
    out = []
    for found in result.results:
        items = [m.ref for m in found.matches if m.ref.key in keys]
        if found.matches and not items:
            continue  # matched, but none of its items is in this batch
        reference = found.finding.reference()
        reference["items"] = [{"kind": r.kind.value, "identifier": r.identifier} for r in items]
        out.append(reference)
    return out


def proposed_reason(result: MatchResult, chosen: Iterable[ItemRef]) -> str:
    """``leak: generic-api-key in deploy/settings.py:12 at 4b825dc`` (and how many
    more findings), for the confirmation's reason; the operator may edit it."""
    keys = {ref.key for ref in chosen}
    named = [f.finding for f in result.results if any(m.ref.key in keys for m in f.matches)]
    if not named:
        return ""
    first = named[0]
    reason = f"leak: {first.rule or 'finding'} in {first.location.describe()}"
    if len(named) > 1:
        reason += f" (+{len(named) - 1} more findings)"
    return reason
