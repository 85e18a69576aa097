"""Leak reports made of the simulator's own stored values, for the matching tests:
what gitleaks, trufflehog, GitHub and detect-secrets would print had those values
leaked. The report files of the parser tests are in ``tests/data/leaks/``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import SecretStr

from tui.api import ClientSettings, ItemRef, Kind, MySafeClient
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Simulator
from tui.simulator.data import Item

from support.sims import FAST_RETRY

#: The parser tests' report files.
DATA = Path(__file__).resolve().parents[1] / "data" / "leaks"


def client_on(url: str, concurrency: int = 16) -> MySafeClient:
    """A client of the simulator served at ``url`` (a loopback socket)."""
    settings = ClientSettings(
        base_url=url,
        client_id=DEMO_CLIENT_ID,
        client_secret=SecretStr(DEMO_CLIENT_SECRET),
        retry=FAST_RETRY,
        concurrency=concurrency,
    )
    return MySafeClient(settings)


def listed(sim: Simulator, kind: str) -> list[Item]:
    """Items of ``kind`` a list shows (active, visible to the key's user)."""
    return [item for item in sim.items(kind) if item.active and item.can_view]


def ref(item: Item) -> ItemRef:
    return ItemRef(Kind(item.kind), item.identifier, item.name)


def fetches(sim: Simulator) -> list[str]:
    """The item fetches (GET /api/mysafe/<kind>/<id>) the simulator received."""
    return [
        path
        for method, path, _ in sim.request_log
        if method == "GET" and path.rstrip("/").rsplit("/", 1)[-1].isdigit()
    ]


def gitleaks(*leaks: tuple[str, str, int], match: str = 'key = "{}"') -> bytes:
    """A gitleaks JSON report: one finding per (secret, file, line)."""
    findings = [
        {
            "RuleID": "generic-api-key",
            "Description": "Detected a Generic API Key.",
            "StartLine": line,
            "EndLine": line,
            "StartColumn": 1,
            "EndColumn": 40,
            "Match": match.format(secret),
            "Secret": secret,
            "File": path,
            "SymlinkFile": "",
            "Commit": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
            "Entropy": 4.5,
            "Author": "Dev One",
            "Email": "dev@example.com",
            "Date": "2026-11-21T10:00:00Z",
            "Message": "deploy settings",
            "Tags": None,
            "Fingerprint": f"4b825dc642cb6eb9a060e54bf8d69288fbee4904:{path}:generic-api-key:{line}",
        }
        for secret, path, line in leaks
    ]
    return json.dumps(findings, indent=1).encode()


def trufflehog(*leaks: tuple[str, str, int]) -> bytes:
    """trufflehog JSON lines, a log line first (stderr redirected into the report)."""
    lines = [json.dumps({"level": "info-0", "logger": "trufflehog", "msg": "running source"})]
    for secret, path, line in leaks:
        lines.append(
            json.dumps(
                {
                    "SourceMetadata": {"Data": {"Filesystem": {"file": path, "line": line}}},
                    "SourceType": 15,
                    "SourceName": "trufflehog - filesystem",
                    "DetectorType": 904,
                    "DetectorName": "CustomRegex",
                    "DecoderName": "PLAIN",
                    "Verified": False,
                    "Raw": secret,
                    "RawV2": "",
                    "Redacted": "",
                    "ExtraData": None,
                    "StructuredData": None,
                }
            )
        )
    return ("\n".join(lines) + "\n").encode()


def detect_secrets(*leaks: tuple[str, str, int]) -> bytes:
    """A detect-secrets baseline: the SHA-1 of each value, never the value."""
    results: dict[str, list[dict[str, object]]] = {}
    for secret, path, line in leaks:
        results.setdefault(path, []).append(
            {
                "type": "Secret Keyword",
                "filename": path,
                "hashed_secret": hashlib.sha1(secret.encode()).hexdigest(),
                "is_verified": False,
                "line_number": line,
            }
        )
    baseline = {
        "version": "1.5.0",
        "plugins_used": [{"name": "KeywordDetector", "keyword_exclude": ""}],
        "filters_used": [],
        "results": results,
        "generated_at": "2026-11-21T10:00:00Z",
    }
    return json.dumps(baseline, indent=2).encode()


def github_alerts(*leaks: tuple[str, str, int]) -> bytes:
    """GitHub secret-scanning alerts, numbered from 1, in acme/app."""
    alerts = [
        {
            "number": number,
            "html_url": f"https://github.com/acme/app/security/secret-scanning/{number}",
            "state": "open",
            "secret_type": "generic_secret",
            "secret_type_display_name": "Generic secret",
            "secret": secret,
            "validity": "unknown",
            "is_base64_encoded": False,
            "first_location_detected": {"path": path, "start_line": line, "commit_sha": "4" * 40},
        }
        for number, (secret, path, line) in enumerate(leaks, 1)
    ]
    return json.dumps(alerts).encode()


#: A value no vault holds: the unmatched finding of :func:`leaked_report`.
UNKNOWN = "FAKE-value-in-no-vault-0000"


def leaked_report(sim: Simulator, folder: Path) -> tuple[Path, list[str]]:
    """A gitleaks report in ``folder`` of the first listed password's value
    (deploy/settings.py:4), the first API secret's client secret (ci/deploy.yml:12)
    and a value in no vault (README.md:1); and the three leaked values."""
    password = listed(sim, "password")[0]
    secret = listed(sim, "api_secret")[0]
    assert password.password and secret.client_secret
    path = folder / "gitleaks.json"
    path.write_bytes(
        gitleaks(
            (password.password, "deploy/settings.py", 4),
            (secret.client_secret, "ci/deploy.yml", 12),
            (UNKNOWN, "README.md", 1),
        )
    )
    return path, [password.password, secret.client_secret, UNKNOWN]
