"""A sample leak report made of the demo's own data, so the whole flow (a report in,
the right items off, a receipt) runs offline: ``triage --demo --sample``.

Two passwords and an API secret of the demo "leaked" in a deploy repository, as
gitleaks would report them, plus a finding no vault item holds. The report lives
in memory only; its values are the simulator's made-up ones, and they are read
like any finding's: into digests, never shown.
"""

from __future__ import annotations

import json
from typing import Any

from tui.api import ItemSummary, Kind, MySafeClient
from tui.api.details import ApiSecretDetail, PasswordDetail
from tui.ops.leaks.reading import Reports, read_report_bytes

#: The name the sample report is shown under.
SAMPLE_SOURCE = "demo-sample-gitleaks.json"
#: A value that is in no vault: the sample's unmatched finding.
NOWHERE = "demo-value-in-no-vault-7f3a9c"
COMMIT = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def _finding(rule: str, secret: str, path: str, line: int) -> dict[str, Any]:
    return {
        "RuleID": rule,
        "Description": f"Detected a {rule.replace('-', ' ')}.",
        "StartLine": line,
        "EndLine": line,
        "StartColumn": 9,
        "EndColumn": 9 + len(secret),
        "Match": f'TOKEN="{secret}"',
        "Secret": secret,
        "File": path,
        "SymlinkFile": "",
        "Commit": COMMIT,
        "Entropy": 4.2,
        "Author": "Demo Developer",
        "Email": "dev@demo.example",
        "Date": "2026-11-21T10:00:00Z",
        "Message": "deploy settings",
        "Tags": [],
        "Fingerprint": f"{COMMIT}:{path}:{rule}:{line}",
    }


def _pick(items: list[ItemSummary], kind: Kind, count: int) -> list[ItemSummary]:
    """Writable items of ``kind`` the key may view, the first ``count`` by id."""
    chosen = [i for i in items if i.kind is kind and i.can_view and i.can_write]
    return sorted(chosen, key=lambda item: int(item.identifier))[:count]


async def sample_report(client: MySafeClient, items: list[ItemSummary]) -> Reports:
    """The sample report, read: findings for two of ``items``' passwords and one API
    secret (their values fetched from the demo) and one that matches nothing."""
    leaks: list[dict[str, Any]] = []
    places = iter(
        [("deploy/settings.py", 12), ("deploy/.env.production", 3), ("ci/release.yml", 41)]
    )
    for item in [*_pick(items, Kind.PASSWORD, 2), *_pick(items, Kind.API_SECRET, 1)]:
        detail = await client.get_item(item.kind, item.identifier)
        path, line = next(places)
        if isinstance(detail, PasswordDetail) and detail.password:
            leaks.append(
                _finding("generic-api-key", detail.password.get_secret_value(), path, line)
            )
        elif isinstance(detail, ApiSecretDetail) and detail.client_secret:
            secret = detail.client_secret.get_secret_value()
            leaks.append(_finding("generic-client-secret", secret, path, line))
    leaks.append(_finding("generic-api-key", NOWHERE, "docs/setup.md", 88))
    return read_report_bytes(json.dumps(leaks).encode(), SAMPLE_SOURCE)
