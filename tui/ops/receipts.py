"""The incident receipt: what a batch did about a leak, as a post-mortem can cite it.

Made from the journal alone (the batch's record, its outcomes and settlements,
its end): the vault, who, when (UTC), why, each finding with where it was found
and what became of its items, the findings no item matched, and where to check
in senhasegura. For GitHub secret-scanning alerts it lists the alerts whose
items are all off, with the ``gh api`` line that closes each as revoked (printed,
never run), and says which are not, and why: a receipt claims only what happened.

Everything from a server or a report is untrusted: in Markdown it is escaped so
that nothing in it becomes a link, an image, HTML or a table cell of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tui.api import Result
from tui.base.safe_text import safe_text
from tui.ops.chain import ChainHead
from tui.ops.outcomes import SETTLED
from tui.ops.records import result_of
from tui.ops.target import Target, describe

Key = tuple[str, str]

#: What can start markup inside a line: emphasis, code, links and images, HTML and
#: entities, table cells, strikethrough (escaped with a backslash). Every line
#: starts with the receipt's own words, so nothing untrusted starts a heading.
_MARKUP = re.compile(r"([\\`*_\[\]<>|~&])")
#: A repository a ``gh api`` line may name: host/owner/name, nothing a shell reads.
_REPOSITORY = re.compile(r"([A-Za-z0-9.-]+)/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)")


def md(value: object) -> str:
    """Untrusted text as literal Markdown: one line, every markup character escaped."""
    if value is None or value == "":
        return "none"
    return _MARKUP.sub(r"\\\1", safe_text(value))


@dataclass(slots=True)
class ItemEnd:
    """What became of one item of the batch, as the journal last said."""

    kind: str
    identifier: str
    name: str
    result: Result | None = None
    http_status: object = None
    code: object = None
    request_id: str = ""
    message: str = ""

    def words(self) -> str:
        if self.result is None:
            return "no outcome on record"
        words = self.result.value
        if self.result is Result.FAILED:
            details = []
            if self.http_status is not None:
                details.append(f"HTTP {self.http_status}")
            if self.code is not None:
                details.append(f"code {self.code}")
            if self.message:
                details.append(self.message)
            words += f" ({'; '.join(details)})" if details else ""
        if self.request_id:
            words += f", request id {self.request_id}"
        return words

    @property
    def off(self) -> bool:
        """In the state the batch asked for (by this batch or already so)."""
        return self.result in SETTLED


@dataclass(slots=True)
class BatchStory:
    """One batch as the journal tells it, for a receipt."""

    batch_id: str
    action: str = ""
    reason: str = ""
    operator: str = ""
    profile: str = ""
    started: str = ""
    ended: str = ""
    state: str = ""
    summary: str = ""
    target: Target | None = None
    items: dict[Key, ItemEnd] = field(default_factory=dict)
    findings: list[Mapping[str, Any]] = field(default_factory=list)

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]], batch_id: str) -> BatchStory | None:
        story: BatchStory | None = None
        for record in records:
            if record.get("batch_id") != batch_id:
                continue
            phase = record.get("phase")
            if phase == "batch":
                story = cls(
                    batch_id,
                    action=str(record.get("action") or ""),
                    reason=str(record.get("reason") or ""),
                    operator=str(record.get("operator") or ""),
                    profile=str(record.get("profile") or ""),
                    started=str(record.get("time") or ""),
                    target=Target.from_record(record.get("target")),
                    findings=list(record.get("findings") or []),
                )
                for item in record.get("items") or []:
                    key = (str(item.get("kind")), str(item.get("identifier")))
                    story.items[key] = ItemEnd(*key, str(item.get("name") or ""))
            elif story is not None and phase in ("outcome", "settle"):
                key = (str(record.get("kind")), str(record.get("identifier")))
                end = story.items.get(key)
                if end is None:
                    continue
                end.result = result_of(dict(record))
                end.http_status = record.get("http_status")
                end.code = record.get("code")
                end.request_id = str(record.get("request_id") or "")
                end.message = str(record.get("message") or "")
            elif story is not None and phase == "batch_end":
                story.ended = str(record.get("time") or "")
                story.state = str(record.get("state") or "")
                story.summary = str(record.get("summary") or "")
        return story


def _where(finding: Mapping[str, Any]) -> str:
    path = str(finding.get("path") or "")
    line = finding.get("line")
    where = f"{path}:{line}" if path and isinstance(line, int) else path
    parts = [str(finding.get("repository") or "")]
    if isinstance(finding.get("alert"), int):
        parts.append(f"alert #{finding['alert']}")
    parts.append(where)
    commit = str(finding.get("commit") or "")
    if commit:
        parts.append(f"at {commit[:12]}")
    return " ".join(part for part in parts if part)


def _verified(finding: Mapping[str, Any]) -> str:
    verified = finding.get("verified")
    return (
        "verified live by the scanner"
        if verified is True
        else ("not verified by the scanner" if verified is False else "verification unknown")
    )


def _finding_keys(finding: Mapping[str, Any]) -> list[Key]:
    return [(str(i.get("kind")), str(i.get("identifier"))) for i in finding.get("items") or []]


def gh_close_line(finding: Mapping[str, Any], batch_id: str) -> str | None:
    """The ``gh api`` line closing a GitHub alert as revoked, or None when the
    finding names no repository and alert this line could carry safely."""
    match = _REPOSITORY.fullmatch(str(finding.get("repository") or ""))
    alert = finding.get("alert")
    if match is None or not isinstance(alert, int) or isinstance(alert, bool):
        return None
    host, owner, name = match.groups()
    hostname = "" if host == "github.com" else f"--hostname {host} "
    comment = f"Deactivated in senhasegura MySafe, mysafe-tui batch {batch_id}"
    return (
        f"gh api {hostname}--method PATCH repos/{owner}/{name}/secret-scanning/alerts/{alert} "
        f"-f state=resolved -f resolution=revoked -f resolution_comment='{comment}'"
    )


def _item_line(end: ItemEnd) -> str:
    return f"{md(end.kind)} {md(end.identifier)} {md(end.name)}: {md(end.words())}"


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "", text)


def receipt_markdown(story: BatchStory, *, journal: str = "", head: ChainHead | None = None) -> str:
    """The receipt of ``story`` in Markdown; ``head``: the journal's chain at the
    batch's end (its ``batch_end`` record), to prove later that it is unchanged."""
    batch_id = _safe_id(story.batch_id)
    lines = [f"# Incident receipt: batch {batch_id}", ""]
    client_id = story.target.client_id if story.target else ""
    facts = [
        ("Vault", describe(story.target)),
        ("Access key", client_id or "unknown"),
        ("Operator", story.operator),
        ("Profile", story.profile),
        ("Action", story.action),
        ("Started (UTC)", story.started),
        ("Ended (UTC)", story.ended or "no end on record"),
        ("End", f"{story.state}: {story.summary}" if story.state else "no end on record"),
        ("Reason", story.reason),
    ]
    if journal:
        facts.append(("Journal", journal))
    lines += [f"- **{label}:** {md(value)}" for label, value in facts]
    if head is not None:
        lines.append(f"- **Journal head at the end:** seq {head.seq}, sha256 `{head.hash}`")
    matched = [f for f in story.findings if _finding_keys(f)]
    unmatched = [f for f in story.findings if not _finding_keys(f)]
    lines += ["", f"## Findings and what became of their items ({len(matched)})", ""]
    told: set[Key] = set()
    for finding in matched:
        rule = md(finding.get("rule"))
        lines.append(
            f"- **{rule}** in {md(_where(finding))} "
            f"({md(finding.get('format'))} report {md(finding.get('source'))}, "
            f"{_verified(finding)}; finding {md(finding.get('finding'))})"
        )
        for key in _finding_keys(finding):
            told.add(key)
            end = story.items.get(key)
            if end is None:
                lines.append(f"  - {md(key[0])} {md(key[1])}: not in this batch")
                continue
            lines.append(
                f"  - {md(end.kind)} {md(end.identifier)} {md(end.name)}: {md(end.words())}"
            )
    others = [end for key, end in story.items.items() if key not in told]
    if others:
        lines += ["", f"## Items of the batch no finding named ({len(others)})", ""]
        lines += [
            f"- {md(e.kind)} {md(e.identifier)} {md(e.name)}: {md(e.words())}" for e in others
        ]
    lines += ["", f"## Findings no vault item matched ({len(unmatched)})", ""]
    if unmatched:
        lines += [
            f"- **{md(f.get('rule'))}** in {md(_where(f))} ({_verified(f)}): not switched off "
            "by this batch; rotate it where it lives"
            for f in unmatched
        ]
    else:
        lines.append("None.")
    lines += _alerts(story, matched + unmatched, batch_id)
    lines += [
        "",
        "## Where to verify in senhasegura",
        "",
        '- MySafe audit: the "Disabling" events ("Enabling" for a reactivation) of '
        f"these items between {md(story.started)} and {md(story.ended or 'the end')} UTC.",
        f"- The API log of access key {md(client_id or 'unknown')}: one request per item, "
        "with the request ids above.",
        "- Items that are uncertain (already so after a lost answer) are in the asked "
        "state, but the journal cannot tell who put them there.",
    ]
    if head is not None:
        lines.append(
            "- That the journal still holds this batch as it was: "
            f"`mysafe-tui audit --verify --head {head.hash}`"
        )
    return "\n".join(lines) + "\n"


def _alerts(story: BatchStory, findings: Sequence[Mapping[str, Any]], batch_id: str) -> list[str]:
    alerts = [f for f in findings if isinstance(f.get("alert"), int)]
    if not alerts:
        return []
    close: list[str] = []
    keep: list[str] = []
    for finding in alerts:
        ends = [story.items.get(key) for key in _finding_keys(finding)]
        where = md(_where(finding))
        if not ends:
            keep.append(f"- {where}: no vault item matched; nothing was switched off")
        elif all(end is not None and end.off for end in ends):
            line = gh_close_line(finding, batch_id)
            if line is None:
                keep.append(f"- {where}: its items are off, but the alert's repository is unclear")
            else:
                close.append(f"- {where}\n\n  ```sh\n  {line}\n  ```")
        else:
            keep.append(f"- {where}: not every item is confirmed off; do not close it yet")
    lines = ["", f"## GitHub alerts ({len(alerts)})", ""]
    if close:
        lines += ["Every item of these alerts is off; close them as revoked:", "", *close]
    if keep:
        lines += ["", "Leave these open:", "", *keep] if close else ["Leave these open:", "", *keep]
    return lines
