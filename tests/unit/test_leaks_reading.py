"""Reading leak reports (issue 20): each format from a realistic file, recognised
by its content; empty, redacted, duplicate and malformed reports; one ReportError
naming the file for anything wrong; report text made safe where it enters."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest

from tui.api.models import IDENTIFIER, ItemRef, Kind, kind_named
from tui.base.safe_text import is_clean
from tui.ops.export import spreadsheet_cell
from tui.ops.leaks import (
    Finding,
    Limits,
    ReportError,
    ReportFormat,
    Reports,
    ValueState,
    read_report_bytes,
    read_reports,
)

from support.leak_reports import DATA

SALT = b"fixed salt for the tests"


def read(*names: str, limits: Limits | None = None) -> Reports:
    return read_reports([DATA / name for name in names], salt=SALT, limits=limits or Limits())


def by_rule(reports: Reports) -> dict[str, Finding]:
    return {finding.rule: finding for finding in reports.findings}


def leaked(finding: Finding, value: str) -> bool:
    """Whether ``finding`` holds ``value`` (as a stored value would be compared)."""
    return finding.value is not None and finding.value.matches(value)


# -- gitleaks --------------------------------------------------------------------------


def test_gitleaks_json_findings_locations_and_values() -> None:
    reports = read("gitleaks.json")
    (summary,) = reports.files
    assert summary.format is ReportFormat.GITLEAKS
    assert (summary.findings, summary.duplicates, summary.without_value) == (4, 1, 1)
    first = reports.findings[0]
    assert first.rule == "generic-api-key"
    assert first.location.path == "config/app.env" and first.location.line == 12
    assert first.location.commit == "1" * 40
    assert first.location.repository == "github.com/acme/app"
    assert first.summary() == "generic-api-key in github.com/acme/app config/app.env:12 at 1111111"
    assert first.value_state is ValueState.PRESENT and first.verified is None
    assert leaked(first, "FAKE0123456789abcdefFAKE")
    assert leaked(first, '  "FAKE0123456789abcdefFAKE"\n'), "quotes and blanks of a stored copy"
    assert not leaked(first, "FAKE0123456789abcdefFAK")
    assert not leaked(first, 'api_key = "FAKE0123456789abcdefFAKE"'), "Secret, never Match"


def test_gitleaks_path_rules_have_no_value_and_pem_keys_match_however_stored() -> None:
    found = by_rule(read("gitleaks.json"))
    path_only = found["pkcs12-file"]
    assert path_only.value is None and path_only.value_state is ValueState.ABSENT
    assert path_only.location.line is None, "StartLine 0 is no line"
    stored_with_crlf = (
        "  -----BEGIN PRIVATE KEY-----\r\n  FAKEKEYFAKEKEYFAKEKEY\r\n-----END PRIVATE KEY-----\r\n"
    )
    assert leaked(found["private-key"], stored_with_crlf)


def test_gitleaks_redacted_reports_give_findings_without_values() -> None:
    reports = read("gitleaks-redacted.json")
    assert [f.value_state for f in reports.findings] == [ValueState.REDACTED] * 2
    assert all(f.value is None for f in reports.findings)
    assert reports.files[0].without_value == 2
    partial = by_rule(reports)["github-pat"]
    # --redact=N keeps a prefix: it is no proof, and it is not even kept for hints.
    assert not any("ghp_fakefake" in word for word in partial.context)
    assert "token" in partial.context


@pytest.mark.parametrize("content", [b"", b"  \n", b"[]\n", b"null", b"[[], []]"])
def test_empty_reports_have_no_findings(content: bytes) -> None:
    reports = read_report_bytes(content, "gitleaks.json", salt=SALT)
    assert reports.findings == ()
    assert reports.files[0].format is ReportFormat.EMPTY
    assert read("gitleaks-empty.json").files[0].format is ReportFormat.EMPTY


def test_the_format_comes_from_the_content_not_the_name(tmp_path: Path) -> None:
    renamed = tmp_path / "report.sarif"
    shutil.copy(DATA / "gitleaks.json", renamed)
    reports = read_reports([renamed], salt=SALT)
    assert reports.files[0].format is ReportFormat.GITLEAKS
    assert reports.files[0].source == str(renamed)


def test_duplicates_collapse_across_files() -> None:
    reports = read("gitleaks.json", "gitleaks.json")
    assert [s.findings for s in reports.files] == [4, 0]
    assert [s.duplicates for s in reports.files] == [1, 5]
    assert reports.duplicates == 6
    assert len({f.fingerprint for f in reports.findings}) == 4


def test_gitleaks_v7_is_read_by_its_key_names() -> None:
    v7 = [
        {
            "line": "aws_key = AKIAFAKEFAKEFAKE0000",
            "lineNumber": 3,
            "offender": "AKIAFAKEFAKEFAKE0000",
            "offenderEntropy": 3.6,
            "commit": "7" * 40,
            "repo": "app",
            "repoURL": "https://github.com/acme/app",
            "leakURL": "https://github.com/acme/app/blob/7777777/x.tf#L3",
            "rule": "AWS Access Key",
            "commitMessage": "x",
            "author": "Dev",
            "email": "dev@example.com",
            "file": "x.tf",
            "date": "2021-01-01T00:00:00Z",
            "tags": "key, AWS",
        }
    ]
    (finding,) = read_report_bytes(json.dumps(v7).encode(), "v7.json", salt=SALT).findings
    assert (finding.rule, finding.location.path, finding.location.line) == (
        "AWS Access Key",
        "x.tf",
        3,
    )
    assert finding.location.repository == "github.com/acme/app"
    assert leaked(finding, "AKIAFAKEFAKEFAKE0000")


# -- SARIF -----------------------------------------------------------------------------


def test_gitleaks_sarif_snippet_is_the_value_and_redaction_is_kept() -> None:
    reports = read("gitleaks.sarif")
    assert reports.files[0].format is ReportFormat.SARIF
    aws, generic = reports.findings
    assert (aws.rule, aws.location.path, aws.location.line) == ("aws-access-token", "infra/x.tf", 4)
    assert aws.location.commit == "2" * 40
    assert leaked(aws, "AKIAFAKEFAKEFAKE0000")
    assert generic.value_state is ValueState.REDACTED and generic.value is None


def test_trufflehog_sarif_has_no_value_but_says_what_was_verified() -> None:
    verified, unverified = read("trufflehog.sarif").findings
    assert verified.value_state is ValueState.ABSENT and verified.value is None
    assert (verified.verified, unverified.verified) == (True, False)
    assert verified.location.path == "src/settings.py" and verified.location.line == 8
    assert unverified.location.path == "git://acme/app" and unverified.location.line is None


def test_sarif_rules_by_index_base_uris_and_other_producers() -> None:
    log = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "SomeScanner", "rules": [{"id": "db-password"}]}},
                "originalUriBaseIds": {"SRCROOT": {"uri": "file:///work/app/"}},
                "results": [
                    {
                        "ruleIndex": 0,
                        "message": {"text": "a password"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "db.ini", "uriBaseId": "SRCROOT"},
                                    "region": {"startLine": 2, "snippet": {"text": "FAKE-pass-42"}},
                                }
                            }
                        ],
                    },
                    {"ruleId": "no-location", "message": {"text": "somewhere"}},
                ],
            },
            {"tool": {"driver": {"name": "empty run"}}, "results": None},
        ],
    }
    first, second = read_report_bytes(json.dumps(log).encode(), "x.sarif", salt=SALT).findings
    assert first.rule == "db-password" and first.location.path == "file:///work/app/db.ini"
    assert leaked(first, "FAKE-pass-42")
    assert second.rule == "no-location" and second.value is None


def test_sarif_of_another_version_is_refused() -> None:
    log = json.dumps({"version": "1.0.0", "runs": []}).encode()
    with pytest.raises(ReportError, match=r"^x\.sarif: the SARIF log: version is not 2\.1\.0"):
        read_report_bytes(log, "x.sarif")


# -- trufflehog ------------------------------------------------------------------------


def test_trufflehog_lines_skip_logs_and_noise_and_keep_every_part() -> None:
    reports = read("trufflehog.jsonl")
    (summary,) = reports.files
    assert summary.format is ReportFormat.TRUFFLEHOG
    # The banner, two log lines and a broken line; the repeated result collapses.
    assert (summary.findings, summary.skipped_lines, summary.duplicates) == (3, 4, 1)
    found = by_rule(reports)
    aws = found["AWS"]
    assert aws.location.path == "deploy/keys.txt" and aws.location.line == 4
    assert aws.location.repository == "github.com/acme/app" and aws.verified is False
    assert leaked(aws, "AKIAFAKEFAKEFAKE0000"), "the key id (meets a client id)"
    assert leaked(aws, "fakeSecretKeyFAKEfakeSecretKeyFAKE1234"), "the secret part"
    assert found["Github"].verified is True
    assert found["CustomRegex"].verified is None, "a verification error is not a no"
    assert leaked(found["CustomRegex"], "FAKE-ci-token-000111")


def test_trufflehog_log_lines_only_are_an_empty_scan() -> None:
    logs = b'{"level":"info-0","logger":"trufflehog","msg":"running source"}\n' * 3
    reports = read_report_bytes(logs, "th.jsonl", salt=SALT)
    assert reports.findings == () and reports.files[0].format is ReportFormat.TRUFFLEHOG
    assert reports.files[0].skipped_lines == 3


# -- GitHub alerts ---------------------------------------------------------------------


def test_github_alerts_as_gh_api_prints_them() -> None:
    reports = read("github-alerts.json")
    assert reports.files[0].format is ReportFormat.GITHUB
    pat, slack, aws = reports.findings
    assert (pat.location.alert, pat.location.repository) == (7, "github.com/acme/app")
    assert (pat.location.path, pat.location.line, pat.location.commit) == ("src/a.py", 3, "4" * 40)
    assert pat.location.url == "https://github.com/acme/app/security/secret-scanning/7"
    assert pat.verified is True and leaked(pat, "ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE0000")
    assert slack.location.repository == "github.com/acme/infra", "the org list's repository"
    assert slack.value_state is ValueState.ABSENT and slack.verified is None, "hide_secret"
    assert aws.verified is False
    assert leaked(aws, "AKIAFAKEFAKEFAKE0000"), "is_base64_encoded: the decoded form too"


def test_github_pages_and_slurp_and_a_single_alert_read_alike() -> None:
    def seen(reports: Reports) -> list[tuple[str, str]]:
        return [(f.fingerprint, f.summary()) for f in reports.findings]

    array = seen(read("github-alerts.json"))
    assert len(array) == 3
    assert seen(read("github-alerts-paginated.json")) == array
    alerts = json.loads((DATA / "github-alerts.json").read_text())
    slurped = json.dumps([alerts[:1], alerts[1:]]).encode()
    assert seen(read_report_bytes(slurped, "gh.json", salt=SALT)) == array
    single = read_report_bytes(json.dumps(alerts[0]).encode(), "gh.json", salt=SALT)
    assert seen(single) == array[:1]


# -- detect-secrets --------------------------------------------------------------------


def test_detect_secrets_baseline_holds_hashes_and_private_keys_are_unmatchable() -> None:
    reports = read("detect-secrets.baseline")
    assert reports.files[0].format is ReportFormat.DETECT_SECRETS
    hex_entry, keyword, private = reports.findings
    # One value, one line, two plugins: two findings (detect-secrets' own identity).
    assert (hex_entry.rule, keyword.rule) == ("Hex High Entropy String", "Secret Keyword")
    assert keyword.value_state is ValueState.HASHED and keyword.value is not None
    assert keyword.value.hashed
    assert leaked(keyword, "FAKE-db-password-1234")
    assert not leaked(keyword, hashlib.sha1(b"FAKE-db-password-1234").hexdigest())
    assert private.value_state is ValueState.UNMATCHABLE and private.value is None
    assert reports.files[0].without_value == 1


def test_a_hash_that_is_no_sha1_is_a_malformed_baseline() -> None:
    baseline = {
        "version": "1.5.0",
        "plugins_used": [],
        "results": {"a": [{"type": "Secret Keyword", "hashed_secret": "xyz"}]},
    }
    with pytest.raises(ReportError) as info:
        read_report_bytes(json.dumps(baseline).encode(), ".secrets.baseline")
    assert (
        str(info.value)
        == ".secrets.baseline: file 1 secret 1: hashed_secret is not a SHA-1 (40 hex digits)"
    )


# -- lists of ids ----------------------------------------------------------------------


def test_a_list_of_ids_names_items_by_kind() -> None:
    reports = read("ids.txt")
    (summary,) = reports.files
    assert summary.format is ReportFormat.ID_LIST
    # "secrets 7" and "api_secret 7" are one item; match's unmatched line is skipped.
    assert (summary.findings, summary.duplicates, summary.skipped_lines) == (3, 1, 1)
    assert [f.item for f in reports.findings] == [
        ItemRef(Kind.PASSWORD, "12"),
        ItemRef(Kind.API_SECRET, "7"),
        ItemRef(Kind.PASSWORD, "31", "Payroll prod admin"),
    ]
    assert all(f.value_state is ValueState.NAMED and f.value is None for f in reports.findings)
    assert reports.findings[0].summary().startswith("password 12 listed in ")
    assert reports.findings[0].summary().endswith("ids.txt:2")


def test_what_list_and_match_print_reads_as_a_list_of_ids() -> None:
    listed = [
        {"kind": "password", "identifier": "4", "name": "gmail"},
        {"kind": "api_secret", "identifier": "9"},
    ]
    reports = read_report_bytes(json.dumps(listed).encode(), "items.json", salt=SALT)
    assert [f.item.key for f in reports.findings if f.item] == [
        ("password", "4"),
        ("api_secret", "9"),
    ]
    lines = [
        {"finding": "a1", "kind": "password", "identifier": "4", "how": "value"},
        {"finding": "a1", "kind": "password", "identifier": "5", "how": "metadata"},
        {"items": [{"kind": "api_secret", "identifier": "9"}]},
    ]
    text = "\n".join(json.dumps(line) for line in lines).encode()
    reports = read_report_bytes(text, "match.jsonl", salt=SALT)
    assert [f.item.key for f in reports.findings if f.item] == [
        ("password", "4"),
        ("api_secret", "9"),
    ]
    assert reports.files[0].skipped_lines == 1, "a suggestion is never taken as named"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("password 12\n13\n", "line 2 is not 'KIND IDENTIFIER'"),
        ("password 12\nnotes 4\n", "line 2 is not 'KIND IDENTIFIER'"),
        ("password 12\npassword 1a\n", "line 2: the identifier is not digits only"),
        (
            'password 12\n{"kind": "note", "identifier": "3"}\n',
            "line 2: kind is not password or api_secret",
        ),
        ('{"kind": "password", "identifier": "../3"}\n', "line 1: identifier is not digits only"),
    ],
)
def test_a_malformed_list_of_ids_is_refused(text: str, problem: str) -> None:
    with pytest.raises(ReportError) as info:
        read_report_bytes(text.encode(), "ids.txt")
    assert str(info.value).startswith(f"ids.txt: {problem}")


def test_the_kind_words_and_identifier_rule_are_the_clients() -> None:
    assert kind_named("passwords") is kind_named("password") is Kind.PASSWORD
    assert kind_named("Secrets") is kind_named("api_secret") is Kind.API_SECRET
    assert kind_named("notes") is None
    assert IDENTIFIER.fullmatch("0123") and not IDENTIFIER.fullmatch("1" * 20)


# -- one error, one line, naming the file ----------------------------------------------


def test_a_truncated_report_is_one_line_naming_the_file() -> None:
    with pytest.raises(ReportError) as info:
        read("gitleaks-truncated.json")
    message = str(info.value)
    assert message.startswith(f"{DATA / 'gitleaks-truncated.json'}: is not valid JSON: ")
    assert "\n" not in message and "FAKE0123456789abcdefFAKE" not in message
    assert info.value.__cause__ is None and info.value.__suppress_context__


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\xff\xfe\x00\xd8", "is not UTF-16 text"),
        (b"[1, 2", "is not valid JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "holds NUL bytes"),
        (b"caf\xe9", "is not UTF-8 text (byte 4)"),
        (b"hello world\n", "is not a report this tool reads"),
        (b'{"name": "not a report"}', "is a JSON object but not a report"),
        (b"42", "is a single JSON value"),
        (b"[1, 2, 3]", "is a JSON array whose entries are not objects"),
        (b'[{"a": 1}]', "is a JSON array but not of findings"),
        (b"[" * 100_000 + b"]" * 100_000, "is JSON nested too deeply"),
        (
            b'[{"RuleID": "x", "Secret": "FAKEsecretFAKE", "StartLine": "FAKEsecretFAKE"}]',
            "finding 1: StartLine is not a whole number",
        ),
        (b'[{"RuleID": "x", "Secret": ["FAKEsecretFAKE"]}]', "finding 1: Secret is not text"),
        (b'[{"RuleID": "x", "Secret": "s"}, "FAKEsecretFAKE"]', "finding 2 is not a JSON object"),
        (
            b'{"version": "2.1.0", "runs": {"FAKEsecretFAKE": 1}}',
            "the SARIF log: runs is not a JSON array",
        ),
        (
            b'{"plugins_used": [], "results": {"a": "FAKEsecretFAKE"}}',
            "the baseline results: a is not a JSON array",
        ),
    ],
)
def test_malformed_reports_are_one_report_error(content: bytes, problem: str) -> None:
    with pytest.raises(ReportError) as info:
        read_report_bytes(content, "scan.json")
    message = str(info.value)
    assert message.startswith(f"scan.json: {problem}"), message
    assert "\n" not in message and "FAKEsecretFAKE" not in message


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"missing\.json: cannot be read: No such file"):
        read_reports([tmp_path / "missing.json"])
    with pytest.raises(ReportError, match=r": cannot be read: Is a directory$"):
        read_reports([tmp_path])


def test_size_and_count_limits() -> None:
    with pytest.raises(ReportError, match=r"gitleaks\.json: is bigger than 1024 bytes; split"):
        read("gitleaks.json", limits=Limits(max_bytes=1024))
    big = b"[" + b" " * (64 * 1024 * 1024) + b"]"
    with pytest.raises(ReportError, match=r"^big\.json: is bigger than 64 MB; split the report$"):
        read_report_bytes(big, "big.json")
    with pytest.raises(ReportError, match="more than 3 findings; read them in smaller parts"):
        read("gitleaks.json", limits=Limits(max_findings=3))
    # The cap is over all the files read together.
    with pytest.raises(ReportError, match=r"trufflehog\.jsonl: the reports hold more than 6"):
        read("gitleaks.json", "trufflehog.jsonl", limits=Limits(max_findings=6))


def test_standard_input_and_utf16_and_a_bom() -> None:
    data = (DATA / "gitleaks.json").read_bytes()
    expected = read_report_bytes(data, "stdin", salt=SALT).findings
    from_stdin = read_reports(["-"], stdin=io.BytesIO(data), salt=SALT)
    assert from_stdin.files[0].source == "stdin" and from_stdin.findings == expected
    utf16 = data.decode().encode("utf-16")  # with its BOM, as PowerShell writes
    assert read_report_bytes(utf16, "stdin", salt=SALT).findings == expected
    assert read_report_bytes(b"\xef\xbb\xbf" + data, "stdin", salt=SALT).findings == expected


# -- report text made safe where it enters ---------------------------------------------


def test_report_text_is_made_safe_once_where_it_enters() -> None:
    hostile = [
        {
            "RuleID": '=HYPERLINK("https://evil.example","x")',
            "Secret": "FAKEsecretFAKE",
            "File": "evil\x1b]52;c;ZXZpbA==\x07\u202e.env\nsecond line",
            "StartLine": 1,
            "Commit": "[bold]abc[/bold]",
            "Link": "https://example.com/" + "a" * 5000,
        }
    ]
    (finding,) = read_report_bytes(json.dumps(hostile).encode(), "evil\x1b[2J.json").findings
    for text in (
        finding.rule,
        finding.location.path,
        finding.location.commit,
        finding.source,
        finding.summary(),
    ):
        assert is_clean(text) and "\n" not in text and "\x1b" not in text
    assert finding.location.path.startswith("evil␛]52;c;ZXZpbA==␇")
    assert finding.location.commit == "[bold]abc[/bold]", "markup is drawn literally, not removed"
    assert len(finding.location.url) == 1000
    assert spreadsheet_cell(finding.rule).startswith("'="), "a CSV export keeps it inert"
