"""Matching findings to vault items (issue 20, item 2), against the simulator on a
socket: by value for passwords and API secrets (secret and client id), by
detect-secrets hash, by id; no match; several findings for one item and one
finding for two items; the fetch count known before any fetch; failures counted,
never fatal; suggestions by metadata, never marked."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tui.api import ItemRef, Kind, MySafeClient
from tui.ops.leaks import (
    FetchProblem,
    How,
    MatchResult,
    Reports,
    list_candidates,
    match_findings,
    match_without_fetching,
    plan_matching,
    read_report_bytes,
)
from tui.simulator import Simulator, SimulatorConfig, serve

from support import leak_reports as reports
from support.leak_reports import client_on, fetches, listed, ref

UNKNOWN = "FAKE-value-in-no-vault-0000"


@pytest.fixture
def sim() -> Simulator:
    return Simulator(SimulatorConfig(seed=3, passwords=30, api_secrets=20))


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[MySafeClient]:
    async with serve(sim) as url, client_on(url) as client:
        yield client


def hows(result: MatchResult) -> list[list[tuple[str, str, How]]]:
    """Per finding, the (kind, identifier, how) of its matches."""
    return [[(*m.ref.key, m.how) for m in r.matches] for r in result.results]


async def matched(client: MySafeClient, *report: bytes) -> tuple[Reports, MatchResult]:
    read = [read_report_bytes(data, f"report-{n}") for n, data in enumerate(report)]
    findings = [finding for one in read for finding in one.findings]
    plan = plan_matching(findings, await list_candidates(client))
    return read[0], await match_findings(client, plan)


async def test_value_matches_for_passwords_and_api_secrets(
    sim: Simulator, client: MySafeClient
) -> None:
    password = listed(sim, "password")[0]
    secret = listed(sim, "api_secret")[0]
    assert password.password and secret.client_secret
    report = reports.gitleaks(
        (password.password, "deploy/settings.py", 4),
        (secret.client_secret, "ci/deploy.yml", 12),
        (secret.client_id, "ci/deploy.yml", 11),
        (UNKNOWN, "README.md", 1),
    )
    items = await list_candidates(client)
    findings = read_report_bytes(report, "gitleaks.json").findings
    plan = plan_matching(findings, items)
    # Known, and confirmable, before the first fetch: every item the user may view.
    assert plan.fetch_count == len([i for i in items if i.can_view]) > 0
    assert plan.value_findings == 4
    assert fetches(sim) == []
    result = await match_findings(client, plan)
    assert len(fetches(sim)) == plan.fetch_count == result.fetches_done
    assert result.failures == () and result.not_fetched == 0
    assert hows(result) == [
        [("password", password.identifier, How.VALUE)],
        [("api_secret", secret.identifier, How.VALUE)],
        [("api_secret", secret.identifier, How.CLIENT_ID)],
        [],
    ]
    assert result.results[0].matches[0].ref == ref(password)
    assert result.results[0].matches[0].marked
    assert [r.finding.location.path for r in result.unmatched] == ["README.md"]
    assert result.marked_refs() == [ref(password), ref(secret)]
    assert [f.location.line for f in result.findings_for(ref(secret))] == [12, 11]


async def test_detect_secrets_hashes_match_by_sha1(sim: Simulator, client: MySafeClient) -> None:
    password, other = listed(sim, "password")[1:3]
    secret = listed(sim, "api_secret")[1]
    assert password.password and secret.client_secret
    baseline = reports.detect_secrets(
        (password.password, "config/app.ini", 3),
        (secret.client_secret, "config/app.ini", 9),
        (UNKNOWN, "config/other.ini", 1),
    )
    _, result = await matched(client, baseline)
    assert hows(result) == [
        [("password", password.identifier, How.HASH)],
        [("api_secret", secret.identifier, How.HASH)],
        [],
    ]
    assert ref(other) not in result.marked_refs()


async def test_no_match(client: MySafeClient) -> None:
    read, result = await matched(client, reports.trufflehog((UNKNOWN, "a.txt", 1)))
    assert result.matched == () and len(result.unmatched) == 1
    assert result.unmatched[0].finding is read.findings[0]
    assert result.marked_refs() == []


async def test_several_findings_for_one_item(sim: Simulator, client: MySafeClient) -> None:
    password = listed(sim, "password")[3]
    assert password.password
    leaks = [(password.password, "a.env", 1), (password.password, "b.env", 2)]
    report = (
        reports.trufflehog(*leaks),
        reports.github_alerts((password.password, "src/c.py", 3)),
        reports.gitleaks((f'"{password.password}"', "d.env", 4)),
    )
    _, result = await matched(client, *report)
    assert len(result.results) == 4
    assert all(hows(result)[n] == [("password", password.identifier, How.VALUE)] for n in range(4))
    assert result.marked_refs() == [ref(password)]
    assert len(result.findings_for(ref(password))) == 4


async def test_one_finding_matching_two_items(sim: Simulator, client: MySafeClient) -> None:
    shared = "FAKE-shared-by-two-items-7781"
    first = sim.add_item("password", name="Jenkins deploy", password=shared, url="https://jenkins")
    second = sim.add_item("api_secret", name="Jenkins API", client_secret=shared, client_id="jk-1")
    _, result = await matched(client, reports.gitleaks((shared, "Jenkinsfile", 7)))
    assert sorted(hows(result)[0]) == [
        ("api_secret", second, How.VALUE),
        ("password", first, How.VALUE),
    ]


async def test_a_failed_fetch_is_counted_and_matching_goes_on(
    sim: Simulator, client: MySafeClient
) -> None:
    gone, inactive, kept = listed(sim, "password")[4:7]
    assert kept.password
    items = await list_candidates(client)
    plan = plan_matching(
        read_report_bytes(reports.gitleaks((kept.password, "x", 1)), "r").findings, items
    )
    # Between the list and the fetches: one item deleted, one switched off elsewhere.
    sim.delete("password", gone.identifier)
    sim.set_active("password", inactive.identifier, False)
    result = await match_findings(client, plan)
    assert hows(result) == [[("password", kept.identifier, How.VALUE)]]
    problems = {(f.ref.identifier, f.problem) for f in result.failures}
    assert problems == {
        (gone.identifier, FetchProblem.NOT_FOUND),
        (inactive.identifier, FetchProblem.INACTIVE),
    }
    assert result.fetches_done == plan.fetch_count - 2
    assert all("\n" not in f.message and f.message for f in result.failures)


async def test_without_value_checks_nothing_is_fetched(
    sim: Simulator, client: MySafeClient
) -> None:
    password = listed(sim, "password")[0]
    assert password.password
    ids = f"password {password.identifier}\napi_secret 999999\n".encode()
    findings = [
        *read_report_bytes(reports.gitleaks((password.password, "a", 1)), "gl").findings,
        *read_report_bytes(ids, "ids.txt").findings,
    ]
    items = await list_candidates(client)
    plan = plan_matching(findings, items, verify_values=False)
    assert plan.fetch_count == 0
    result = await match_findings(client, plan)
    assert fetches(sim) == [] and result.fetches_done == 0
    # An id list names its item (when listed); the value waits for --verify-values.
    assert hows(result) == [[], [("password", password.identifier, How.ID)], []]
    assert result.results[1].matches[0].ref.name == password.name
    assert hows(match_without_fetching(plan_matching(findings, items))) == hows(result)


async def test_fetches_are_bounded_and_can_be_stopped(sim: Simulator) -> None:
    async with serve(sim) as url, client_on(url, concurrency=3) as client:
        items = await list_candidates(client)
        findings = read_report_bytes(reports.gitleaks((UNKNOWN, "a", 1)), "r").findings
        plan = plan_matching(findings, items)
        in_flight, peak = 0, 0
        original = client.get_item

        async def counted(kind: Kind, identifier: str) -> object:
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            try:
                return await original(kind, identifier)
            finally:
                in_flight -= 1

        client.get_item = counted  # type: ignore[assignment, method-assign]
        progress: list[tuple[int, int]] = []
        result = await match_findings(
            client, plan, concurrency=8, on_fetched=lambda *p: progress.append(p)
        )
        assert 1 < peak <= 3, "never more than the client's concurrency"
        assert progress[-1] == (plan.fetch_count, plan.fetch_count)
        assert result.fetches_done == plan.fetch_count

        stop = asyncio.Event()
        stop.set()
        findings = read_report_bytes(reports.gitleaks((UNKNOWN, "a", 1)), "r").findings
        stopped = await match_findings(client, plan_matching(findings, items), stop=stop)
        assert stopped.fetches_done == 0 and stopped.not_fetched == plan.fetch_count
        assert findings[0].value is not None and not findings[0].value.dropped, "kept to go on"


async def test_values_are_dropped_after_matching(sim: Simulator, client: MySafeClient) -> None:
    password = listed(sim, "password")[0]
    assert password.password
    findings = read_report_bytes(reports.gitleaks((password.password, "a", 1)), "r").findings
    plan = plan_matching(findings, await list_candidates(client))
    await match_findings(client, plan)
    value = findings[0].value
    assert value is not None and value.dropped and not value.digests
    assert not value.matches(password.password)
    with pytest.raises(ValueError, match="read the reports again"):
        await match_findings(client, plan)


async def test_suggestions_by_metadata_are_never_marked(
    sim: Simulator, client: MySafeClient
) -> None:
    password = next(i for i in listed(sim, "password") if "." in i.url and "@" not in i.username)
    host = password.url.split("//", 1)[1]
    redacted = reports.gitleaks(
        ("REDACTED", "deploy/settings.py", 4),
        match=f"DATABASE_URL = https://{password.username}:REDACTED@{host}/db",
    )
    _, result = await matched(client, redacted)
    (only,) = result.results
    assert only.matches == () and result.unmatched == (only,)
    assert only.suggestions, "the host and the username point at the item"
    best = only.suggestions[0]
    assert best.ref.key == ref(password).key and best.how is How.METADATA
    assert not best.marked and set(best.reasons) >= {"host", "username"}
    assert best.score >= 0.9
    assert result.marked_refs() == []
    assert fetches(sim) == [], "a report without values fetches nothing"


def test_a_plan_names_each_item_once() -> None:
    sim = Simulator(SimulatorConfig(seed=3, passwords=5, api_secrets=5))

    async def run() -> None:
        async with serve(sim) as url, client_on(url) as client:
            items = await list_candidates(client)
            findings = read_report_bytes(reports.gitleaks((UNKNOWN, "a", 1)), "r").findings
            plan = plan_matching(findings, [*items, *items])
            assert plan.fetch_count == len({i.ref.key for i in items if i.can_view})
            assert all(isinstance(r, ItemRef) for r in plan.fetches)

    asyncio.run(run())
