"""``match``: a leak report in, the matched vault items out, against the simulator on
a socket (issue 20, item 4)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.ops import read_records
from tui.settings.paths import audit_path

from support.cli import invoke, json_lines, only_line, server_env
from support.leak_reports import fetches, leaked_report, listed
from support.servers import ServedSimulator, served


@pytest.fixture
def server() -> Iterator[ServedSimulator]:
    with served(passwords=20, api_secrets=10) as running:
        yield running


def a_report(tmp_path: Path, server: ServedSimulator) -> tuple[Path, list[str]]:
    return leaked_report(server.simulator, tmp_path)


def test_matched_items_one_line_each_and_the_unmatched_finding_with_a_null_id(
    tmp_path: Path, server: ServedSimulator
) -> None:
    path, leaked = a_report(tmp_path, server)
    password = listed(server.simulator, "password")[0]
    secret = listed(server.simulator, "api_secret")[0]
    result = invoke(["match", str(path), "--verify-values", "--yes"], env=server_env(server.url))
    assert result.exit_code == 0, result.stderr
    lines = json_lines(result.stdout)
    matched = [(line["kind"], line["identifier"], line["how"]) for line in lines]
    assert matched == [
        ("password", password.identifier, "value"),
        ("api_secret", secret.identifier, "value"),
        (None, None, None),
    ]
    assert lines[0]["rule"] == "generic-api-key"
    assert lines[0]["location"].startswith("deploy/settings.py:4")
    assert lines[2]["path"] == "README.md" and lines[2]["marked"] is False
    assert "3 findings: 2 matched (2 items), 1 unmatched" in result.stderr
    for value in leaked:
        assert value not in result.stdout and value not in result.stderr


def test_value_fetches_are_confirmed_first_and_off_a_terminal_need_yes(
    tmp_path: Path, server: ServedSimulator
) -> None:
    path, _ = a_report(tmp_path, server)
    refused = invoke(["match", str(path), "--verify-values"], env=server_env(server.url))
    assert refused.exit_code == 2
    # JSON Lines is the default: the error's line, then its JSON twin.
    said, twin = refused.stderr.splitlines()
    assert "pass --yes" in said and "nothing was fetched" in said
    assert json_lines(twin)[0]["error"]["kind"] == "usage"
    assert fetches(server.simulator) == [] and refused.stdout == ""


def test_without_verify_values_nothing_is_fetched_and_ids_still_match(
    tmp_path: Path, server: ServedSimulator
) -> None:
    password = listed(server.simulator, "password")[1]
    path = tmp_path / "ids.txt"
    path.write_text(f"password {password.identifier}\n")
    result = invoke(["match", str(path)], env=server_env(server.url))
    assert result.exit_code == 0, result.stderr
    [line] = json_lines(result.stdout)
    assert (line["identifier"], line["how"]) == (password.identifier, "id")
    assert fetches(server.simulator) == []


def test_a_malformed_report_is_one_line_naming_the_file_and_exit_2(
    tmp_path: Path, server: ServedSimulator
) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"RuleID": "x", "Secret": ')
    result = invoke(["match", str(path), "--format", "table"], env=server_env(server.url))
    assert result.exit_code == 2
    assert "broken.json" in only_line(result.stderr)
    assert "Traceback" not in result.stderr


def test_the_demo_makes_a_sample_report_of_its_own_data() -> None:
    result = invoke(["match", "--demo", "--sample", "--verify-values", "--yes"])
    assert result.exit_code == 0, result.stderr
    lines = json_lines(result.stdout)
    kinds = [line["kind"] for line in lines]
    assert kinds == ["password", "password", "api_secret", None]
    assert all(line["how"] == "value" for line in lines[:3])
    assert lines[0]["source"] == "demo-sample-gitleaks.json"
    assert invoke(["match", "--sample"]).exit_code == 2  # the demo's only


def test_match_into_deactivate_switches_off_exactly_the_matched_items_in_one_batch(
    tmp_path: Path, server: ServedSimulator
) -> None:
    path, leaked = a_report(tmp_path, server)
    sim = server.simulator
    password = listed(sim, "password")[0]
    secret = listed(sim, "api_secret")[0]
    env = server_env(server.url)
    matched = invoke(["match", str(path), "--verify-values", "--yes"], env=env)
    off = invoke(
        ["deactivate", "--ids-file", "-", "--yes", "--reason", "leak INC-9", "--format", "json"],
        env=env,
        stdin=matched.stdout,
    )
    assert off.exit_code == 0, off.stderr
    assert "1 unmatched findings of the match lines skipped" in off.stderr
    done = json.loads(off.stdout)
    assert sorted((i["kind"], i["identifier"]) for i in done["items"]) == sorted(
        [("password", password.identifier), ("api_secret", secret.identifier)]
    )
    assert not sim.is_active("password", password.identifier)
    assert not sim.is_active("api_secret", secret.identifier)
    [batch] = [r for r in read_records(audit_path()) if r["phase"] == "batch"]
    findings = {f["path"]: f for f in batch["findings"]}
    assert findings["deploy/settings.py"]["items"] == [
        {"kind": "password", "identifier": password.identifier}
    ]
    assert findings["README.md"]["items"] == []  # unmatched: in the receipt, acted on never
    receipt = invoke(["audit", "--batch", batch["batch_id"], "--format", "markdown"])
    assert receipt.exit_code == 0, receipt.stderr
    assert "deploy/settings.py:4" in receipt.stdout and "changed" in receipt.stdout
    assert "## Findings no vault item matched (1)" in receipt.stdout
    # Nothing of a leaked value anywhere: outputs, the journal, every file written.
    outputs = matched.stdout + matched.stderr + off.stdout + off.stderr + receipt.stdout
    written = "".join(
        p.read_text(errors="replace")
        for p in Path(os.environ["XDG_STATE_HOME"]).rglob("*")
        if p.is_file()
    )
    for value in leaked:
        assert value not in outputs and value not in written


def test_triage_refuses_bad_input_before_the_console_opens(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"runs": [')
    result = invoke(["triage", str(broken), "--demo"])
    assert result.exit_code == 2 and "broken.json" in only_line(result.stderr)
    assert invoke(["triage", "--sample"]).exit_code == 2  # the demo's only
    assert invoke(["triage"]).exit_code == 2  # a report, or the sample
