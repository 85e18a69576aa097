"""No report crashes the reader (issue 20): any bytes, any JSON, JSON shaped like
each format with hostile values, end in findings or in one ReportError."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui.ops.leaks import Limits, ReportError, read_report_bytes

#: Small caps, so that the limits are met too.
LIMITS = Limits(max_bytes=20_000, max_findings=50)

GITLEAKS = [
    "RuleID",
    "Secret",
    "Match",
    "File",
    "StartLine",
    "Commit",
    "Link",
    "Tags",
    "Fingerprint",
    "offender",
    "lineNumber",
    "leakURL",
    "rule",
    "file",
    "repo",
]
SARIF = [
    "version",
    "$schema",
    "runs",
    "tool",
    "driver",
    "name",
    "rules",
    "id",
    "results",
    "ruleId",
    "ruleIndex",
    "message",
    "text",
    "locations",
    "physicalLocation",
    "artifactLocation",
    "uri",
    "uriBaseId",
    "originalUriBaseIds",
    "region",
    "startLine",
    "snippet",
    "partialFingerprints",
    "commitSha",
    "level",
]
TRUFFLEHOG = [
    "SourceMetadata",
    "Data",
    "Git",
    "Filesystem",
    "line",
    "commit",
    "repository",
    "DetectorName",
    "DetectorType",
    "Verified",
    "VerificationError",
    "Raw",
    "RawV2",
    "SecretParts",
    "logger",
    "msg",
]
GITHUB = [
    "number",
    "html_url",
    "secret",
    "secret_type",
    "validity",
    "is_base64_encoded",
    "first_location_detected",
    "path",
    "start_line",
    "commit_sha",
    "full_name",
    "locations_url",
    "repository",
]
BASELINE = [
    "plugins_used",
    "generated_at",
    "filters_used",
    "type",
    "filename",
    "hashed_secret",
    "is_verified",
    "line_number",
]
IDS = ["kind", "identifier", "items", "how", "name"]
KEYS = GITLEAKS + SARIF + TRUFFLEHOG + GITHUB + BASELINE + IDS  # fmt: skip

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(
        [
            "REDACTED",
            "2.1.0",
            "gitleaks",
            "trufflehog",
            "password",
            "api_secret",
            "12",
            "a" * 40,
            "error",
        ]
    )
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=6)
    ),
    max_leaves=30,
)


def reads_or_refuses(data: bytes) -> None:
    try:
        reports = read_report_bytes(data, "fuzz.json", limits=LIMITS)
    except ReportError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("fuzz.json: ")
        return
    for finding in reports.findings:
        assert "\n" not in finding.summary()
        repr(finding)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
@example(b"\xff\xfe")
@example(b"[" * 5000)
@example(b'{"runs": [{"results": [{"locations": [{"physicalLocation": 1}]}]}], "version": "2.1.0"}')
def test_no_bytes_crash_the_reader(data: bytes) -> None:
    reads_or_refuses(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values)
def test_no_json_crashes_the_reader(document: Any) -> None:
    reads_or_refuses(json.dumps(document).encode())
    if isinstance(document, list):
        # The same values as JSON lines: trufflehog's shape, or a list of ids.
        reads_or_refuses("\n".join(json.dumps(entry) for entry in document).encode())


shaped = st.one_of(
    st.lists(
        st.dictionaries(st.sampled_from(GITLEAKS), values, min_size=1, max_size=8), max_size=5
    ),
    st.fixed_dictionaries({"version": st.just("2.1.0"), "runs": st.lists(values, max_size=3)}),
    st.fixed_dictionaries(
        {
            "version": st.just("2.1.0"),
            "runs": st.lists(
                st.fixed_dictionaries({"tool": values, "results": st.lists(values, max_size=3)}),
                max_size=2,
            ),
        }
    ),
    st.fixed_dictionaries(
        {
            "plugins_used": st.just([]),
            "results": st.dictionaries(st.text(max_size=5), values, max_size=3),
        }
    ),
    st.lists(
        st.fixed_dictionaries(
            {"secret_type": st.text(max_size=5)},
            optional={k: values for k in GITHUB if k != "secret_type"},
        ),
        max_size=4,
    ),
    st.lists(
        st.fixed_dictionaries(
            {"DetectorName": st.text(max_size=5), "Raw": values},
            optional={k: values for k in TRUFFLEHOG if k not in ("DetectorName", "Raw")},
        ),
        max_size=4,
    ),
    st.lists(
        st.fixed_dictionaries(
            {"kind": values, "identifier": values}, optional={"how": values, "name": values}
        ),
        max_size=4,
    ),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shaped)
def test_no_report_shaped_like_a_format_crashes_the_reader(document: Any) -> None:
    reads_or_refuses(json.dumps(document).encode())
    if isinstance(document, list):
        reads_or_refuses("\n".join(json.dumps(entry) for entry in document).encode())
