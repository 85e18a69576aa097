"""Reading a journal back in a test: what the outcome records say, and the journal's
promise (each intent has one outcome; no request was sent without an intent)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tui.ops import read_records
from tui.simulator import Simulator

from support.sims import sent_posts


def outcomes_by_batch(path: Path) -> dict[str, dict[str, list[str]]]:
    """{batch: {identifier: [result, ...]}} of the outcome records."""
    found: dict[str, dict[str, list[str]]] = {}
    for record in read_records(path):
        if record.get("phase") == "outcome":
            found.setdefault(record["batch_id"], {}).setdefault(record["identifier"], []).append(
                record.get("result", "")
            )
    return found


def intents(path: Path) -> list[tuple[str, str]]:
    return [
        (r["batch_id"], r["identifier"]) for r in read_records(path) if r.get("phase") == "intent"
    ]


def assert_every_intent_has_one_outcome(path: Path) -> None:
    found = outcomes_by_batch(path)
    for batch_id, identifier in intents(path):
        assert len(found.get(batch_id, {}).get(identifier, [])) == 1, (batch_id, identifier)


def outcomes_per_batch(trail: Path) -> Counter[tuple[str, str]]:
    return Counter(
        (r["batch_id"], r["identifier"]) for r in read_records(trail) if r["phase"] == "outcome"
    )


def assert_the_journal_tells_every_request(sim: Simulator, trail: Path) -> None:
    records = list(read_records(trail))
    sent_intents = Counter(
        (r["batch_id"], r["identifier"]) for r in records if r["phase"] == "intent"
    )
    outcomes = outcomes_per_batch(trail)
    for key in sent_intents:
        assert outcomes[key] == 1, f"intent {key} has {outcomes[key]} outcomes"
    sent = sent_posts(sim)
    intended = Counter(identifier for _, identifier in sent_intents)
    for identifier in sent:
        # Retries may send one intent more than once; never a request without one.
        assert intended[identifier] >= 1, f"{identifier} was sent with no intent"
