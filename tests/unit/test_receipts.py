"""The incident receipt (issue 20, item 5): from the journal alone, what a batch did
about a leak, in Markdown that nothing in a report or a name can turn into markup."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tui.api import Action, ItemRef, Kind, Result
from tui.ops import ItemOutcome, Journal, JournalContext, read_records
from tui.ops.receipts import BatchStory, gh_close_line, md, receipt_markdown
from tui.ops.target import Target

TARGET = Target.of_url("https://vault.example:8443", client_id="key-1")


def finding(rule: str, path: str, items: list[ItemRef], **extra: Any) -> dict[str, Any]:
    return {
        "finding": "abc123def456",
        "source": "gitleaks.json",
        "format": "gitleaks",
        "rule": rule,
        "path": path,
        "line": 4,
        "repository": "",
        "commit": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
        "alert": None,
        "verified": None,
        "items": [{"kind": r.kind.value, "identifier": r.identifier} for r in items],
        **extra,
    }


def journal_of(tmp_path: Path, findings: list[dict[str, Any]], ends: list[ItemOutcome]) -> Path:
    journal = Journal(tmp_path / "audit.jsonl", JournalContext.current("prod", "vault:8443"))
    journal.target = TARGET
    refs = [end.ref for end in ends]
    journal.batch_started("b0001", Action.DEACTIVATE, refs, "leak INC-7", findings=findings)
    for end in ends:
        journal.outcome(end, "b0001", "leak INC-7")
    journal.batch_finished("b0001", "2 deactivated, 1 failed", state="done", left=0)
    return journal.path


def test_each_finding_says_what_became_of_its_items(tmp_path: Path) -> None:
    db = ItemRef(Kind.PASSWORD, "7", "db admin")
    ci = ItemRef(Kind.API_SECRET, "3", "ci deploy")
    ends = [
        ItemOutcome(db, Action.DEACTIVATE, Result.CHANGED, "ok", request_id="r-1"),
        ItemOutcome(ci, Action.DEACTIVATE, Result.FAILED, "no access", http_status=400, code=1006),
    ]
    findings = [
        finding("generic-api-key", "deploy/settings.py", [db]),
        finding("github-pat", "ci/deploy.yml", [ci]),
        finding("aws-access-token", "README.md", []),
    ]
    story = BatchStory.from_records(read_records(journal_of(tmp_path, findings, ends)), "b0001")
    assert story is not None
    text = receipt_markdown(story)
    assert "# Incident receipt: batch b0001" in text
    assert "https://vault.example:8443" in text and "key\\-1" not in text
    assert "leak INC\\-7" in text or "leak INC-7" in text
    assert "deploy/settings.py:4" in text and "4b825dc642cb" in text
    assert (
        "db admin: changed, request id r\\-1" in text or "db admin: changed, request id r-1" in text
    )
    assert "failed (HTTP 400; code 1006; no access)" in text
    assert "## Findings no vault item matched (1)" in text and "README.md" in text
    assert "Disabling" in text


def test_github_alerts_are_closed_only_when_every_item_is_off(tmp_path: Path) -> None:
    on = ItemRef(Kind.PASSWORD, "1", "off now")
    stuck = ItemRef(Kind.PASSWORD, "2", "still on")
    ends = [
        ItemOutcome(on, Action.DEACTIVATE, Result.ALREADY, "already"),
        ItemOutcome(stuck, Action.DEACTIVATE, Result.IN_DOUBT, "no answer"),
    ]
    findings = [
        finding("github_pat", "a.py", [on], repository="github.com/acme/app", alert=7),
        finding("github_pat", "b.py", [stuck], repository="github.com/acme/app", alert=8),
        finding("github_pat", "c.py", [], repository="github.com/acme/app", alert=9),
    ]
    story = BatchStory.from_records(read_records(journal_of(tmp_path, findings, ends)), "b0001")
    assert story is not None
    text = receipt_markdown(story)
    closing = text.split("Leave these open:")[0]
    assert "repos/acme/app/secret-scanning/alerts/7" in closing
    assert "alerts/8" not in text and "alerts/9" not in text
    assert "alert #8" in text and "do not close it yet" in text
    assert "alert #9" in text and "nothing was switched off" in text


def test_untrusted_text_cannot_become_markup_or_a_command() -> None:
    hostile = "[click](javascript:alert(1)) <img src=x> | `rm -rf` **bold**\x1b[31m"
    escaped = md(hostile)
    for raw in (r"\[click", r"\<img", r"\|", r"\`rm", r"\*\*bold"):
        assert raw in escaped
    assert re.search(r"(?<!\\)[\[<|`*]", escaped) is None, escaped
    assert "\x1b" not in escaped
    assert gh_close_line({"repository": "github.com/acme/app;rm -rf ~", "alert": 7}, "b1") is None
    assert gh_close_line({"repository": "github.com/acme/app", "alert": "7"}, "b1") is None
    enterprise = gh_close_line({"repository": "ghe.corp/acme/app", "alert": 7}, "b1")
    assert enterprise is not None and "--hostname ghe.corp" in enterprise
