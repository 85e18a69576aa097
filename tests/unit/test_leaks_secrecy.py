"""Nothing of a leaked or stored value is shown (issue 20): the reprs, strings,
references and summaries of findings and results, the errors of malformed
reports, fetch failures and every log record of a reading and a matching hold
no value, not even a prefix, and no unkeyed hash of one."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import logging
import pickle

import pytest

from tui.ops.leaks import (
    LeakedValue,
    ReportError,
    list_candidates,
    match_findings,
    plan_matching,
    read_report_bytes,
)
from tui.simulator import Simulator, SimulatorConfig, serve

from support import leak_reports as reports
from support.leak_reports import client_on, listed

#: How much of a value would already say too much.
PREFIX = 6


def forbidden(secret: str) -> list[str]:
    """What must appear nowhere: the value, its start, its SHA-1 and SHA-256 hex."""
    return [
        secret,
        secret[:PREFIX],
        hashlib.sha1(secret.encode()).hexdigest(),
        hashlib.sha256(secret.encode()).hexdigest(),
    ]


def assert_nothing_of(secrets: list[str], texts: list[str]) -> None:
    everything = "\n".join(texts)
    for secret in secrets:
        for piece in forbidden(secret):
            assert piece not in everything, f"a value (or its start or hash) shown: {piece[:2]}…"


def test_a_leaked_value_says_nothing_and_is_never_pickled() -> None:
    value = LeakedValue.of_texts(["FAKE-super-secret-0042"])
    assert value is not None
    shown = [repr(value), str(value), f"{value}", f"{value!r:>40}", repr([value])]
    assert_nothing_of(["FAKE-super-secret-0042"], shown)
    assert repr(value) == "<leaked value: withheld>"
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        with pytest.raises(TypeError, match="never pickled"):
            pickle.dumps(value, protocol=protocol)
    assert copy.deepcopy(value) is value and copy.copy(value) is value
    # The digests are keyed: neither the plain SHA-256 nor the SHA-1 of the value.
    assert hashlib.sha256(b"FAKE-super-secret-0042").digest() not in value.digests
    value.drop()
    assert repr(value) == "<leaked value: dropped>" and value.digests == frozenset()


async def test_nothing_of_a_value_in_reprs_references_errors_or_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    sim = Simulator(SimulatorConfig(seed=5, passwords=12, api_secrets=8))
    password = listed(sim, "password")[0]
    secret = listed(sim, "api_secret")[0]
    assert password.password and secret.client_secret
    values = [password.password, secret.client_secret]
    leaks = [(password.password, "a.env", 1), (secret.client_secret, "b.env", 2)]
    texts: list[str] = []
    found = []
    for name, data in [
        ("gitleaks.json", reports.gitleaks(*leaks)),
        ("trufflehog.jsonl", reports.trufflehog(*leaks)),
        ("alerts.json", reports.github_alerts(*leaks)),
        ("detect-secrets.baseline", reports.detect_secrets(*leaks)),
    ]:
        read = read_report_bytes(data, name)
        texts += [repr(read), str(read)]
        found += list(read.findings)
    for finding in found:
        texts += [
            repr(finding),
            str(finding),
            finding.summary(),
            json.dumps(finding.reference()),
            str(dataclasses.asdict(finding)),
            " ".join(sorted(finding.context)),
        ]
        with pytest.raises(TypeError):
            pickle.dumps(finding)
    # Malformed reports that carry the value where the reader looks.
    for bad in [
        json.dumps([{"RuleID": "x", "Secret": values[0], "StartLine": values[0]}]),
        json.dumps([{"RuleID": "x", "Secret": [values[0]]}]),
        json.dumps([{"RuleID": "x", "Secret": values[0]}])[:-3],
        f"{values[0]}\n{values[1]}\n",
        json.dumps({values[0]: values[1]}),
        json.dumps({"plugins_used": [], "results": {values[0]: [{"hashed_secret": values[0]}]}}),
    ]:
        with pytest.raises(ReportError) as info:
            read_report_bytes(bad.encode(), "bad.json")
        texts += [str(info.value), repr(info.value), str(info.value.args)]

    deleted = listed(sim, "password")[1]
    async with serve(sim) as url, client_on(url) as client:
        plan = plan_matching(found, await list_candidates(client))
        sim.delete("password", deleted.identifier)
        sim.inject("500", "500", "500", "500")  # the first fetches fail, after retries
        result = await match_findings(client, plan)
    assert result.failures, "failures are reported too"
    assert len(result.matched) == len(found)
    texts += [repr(result), str(result.results), repr(plan)]
    texts += [f"{f.problem} {f.message}" for f in result.failures]
    # Every log record at any level, should anything on this path log: the client
    # itself logs nothing since its own transport replaced httpx's, whose request
    # lines this once read (no record at all is asserted for that reason).
    texts += [record.getMessage() for record in caplog.records]
    texts += [repr(record.args) for record in caplog.records]
    assert_nothing_of(values, texts)
