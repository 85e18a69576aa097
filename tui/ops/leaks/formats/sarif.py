"""SARIF 2.1.0, every run. The producer (``tool.driver.name``) says what a result's
``region.snippet.text`` is: gitleaks puts the secret there (``REDACTED`` under
``--redact``); trufflehog and ggshield put no value at all; another producer's
snippet is taken as a candidate value (an exact comparison: a whole source line
never equals a stored value, so a snippet that is not a value matches nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tui.ops.leaks.findings import Draft, ValueState
from tui.ops.leaks.formats.fields import Fields, Tally
from tui.ops.leaks.formats.gitleaks import redaction

#: Producers whose snippet is the secret, redaction included.
SECRET_SNIPPETS = ("gitleaks", "betterleaks")
#: Producers whose SARIF carries no value.
NO_VALUE = ("trufflehog", "ggshield")


def is_sarif(keys: set[str]) -> bool:
    return "runs" in keys and ("version" in keys or "$schema" in keys)


def read(document: Any, source: str, tally: Tally) -> Iterator[Draft]:
    top = Fields(document, "the SARIF log", source)
    version = top.text("version")
    if version and not version.startswith("2.1"):
        raise top.wrong("version", "2.1.0 (the SARIF version this tool reads)")
    for run_number, run in enumerate(top.items("runs"), 1):
        yield from _run(Fields(run, f"run {run_number}", source), run_number)


def _run(run: Fields, run_number: int) -> Iterator[Draft]:
    tool = run.obj("tool")
    driver = tool.obj("driver") if tool is not None else None
    producer = driver.text("name").lower() if driver is not None else ""
    rules = [
        Fields(rule, f"run {run_number} rule {n}", run.source).text("id")
        for n, rule in enumerate(driver.items("rules") if driver is not None else [], 1)
    ]
    bases = _bases(run)
    for number, result in enumerate(run.items("results"), 1):
        fields = Fields(result, f"run {run_number} result {number}", run.source)
        yield _result(fields, producer, rules, bases)


def _bases(run: Fields) -> dict[str, str]:
    found: dict[str, str] = {}
    bases = run.obj("originalUriBaseIds")
    if bases is None:
        return found
    for name in bases.names():
        base = bases.obj(name)
        if base is not None and base.text("uri"):
            found[name] = base.text("uri")
    return found


def _result(fields: Fields, producer: str, rules: list[str], bases: dict[str, str]) -> Draft:
    rule = fields.text("ruleId")
    if not rule:
        reference = fields.obj("rule")
        index = reference.number("index") if reference is not None else fields.number("ruleIndex")
        if reference is not None and reference.text("id"):
            rule = reference.text("id")
        elif index is not None and index < len(rules):
            rule = rules[index]
    message = fields.obj("message")
    draft = Draft(rule=rule, context=[message.text("text")] if message is not None else [])
    snippet = ""
    locations = fields.items("locations")
    if locations:
        location = Fields(locations[0], f"{fields.where} location 1", fields.source)
        physical = location.obj("physicalLocation")
        if physical is not None:
            artifact = physical.obj("artifactLocation")
            if artifact is not None:
                uri = artifact.text("uri")
                base = bases.get(artifact.text("uriBaseId"), "")
                draft.path = base.rstrip("/") + "/" + uri if base and uri else uri
            region = physical.obj("region")
            if region is not None:
                draft.line = region.line("startLine")
                text = region.obj("snippet")
                snippet = text.text("text") if text is not None else ""
    partial = fields.obj("partialFingerprints")
    if partial is not None:
        draft.commit = partial.text("commitSha")
    if producer.startswith("trufflehog"):
        level = fields.text("level")
        draft.verified = True if level == "error" else False if level == "warning" else None
    _value(draft, producer, snippet)
    return draft


def _value(draft: Draft, producer: str, snippet: str) -> None:
    if producer.startswith(NO_VALUE) or not snippet:
        draft.state = ValueState.ABSENT
        return
    if producer.startswith(SECRET_SNIPPETS):
        redacted, prefix = redaction(snippet)
        if redacted:
            draft.state = ValueState.REDACTED
            if prefix:
                draft.withheld.append(prefix)
            return
    draft.values.append(snippet)
