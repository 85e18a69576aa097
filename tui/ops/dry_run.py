"""A dry run: the exact requests a batch would send, as curl lines; nothing is sent."""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path

from tui.ops.journal import Journal, JournalError
from tui.ops.plans import BatchPlan
from tui.ops.wording import plural


@dataclass(frozen=True, slots=True)
class DryRun:
    batch_id: str
    #: The curl lines, one per item (the token as $TOKEN).
    requests: list[str]
    #: A 0600 shell script with the same lines, or None if it could not be written.
    path: Path | None
    #: Why the script could not be written, if it could not.
    error: str = ""


def curl_lines(base_url: str, plan: BatchPlan) -> list[str]:
    lines = []
    for ref in plan.refs:
        url = f"{base_url}/api/mysafe/{ref.kind.path}/{plan.action.path}/{ref.identifier}"
        lines.append(f'curl -sS -X POST {shlex.quote(url)} -H "Authorization: Bearer $TOKEN"')
    return lines


def write_dry_run(
    base_url: str,
    plan: BatchPlan,
    reason: str,
    batch_id: str,
    folder: Path,
    journal: Journal | None,
) -> DryRun:
    requests = curl_lines(base_url, plan)
    script = [
        "#!/bin/sh",
        f"# mysafe-tui dry run {batch_id}: {plan.action.value} {plural(len(plan.refs))}",
        f"# reason: {reason or '-'}",
        "# Nothing was sent. Set TOKEN to a bearer token to send these yourself.",
    ]
    for ref, line in zip(plan.refs, requests, strict=True):
        script.append(f"# {ref.kind.label} {ref.identifier}: {ref.name}")
        script.append(line)
    path: Path | None = folder / f"dry-run-{batch_id}.sh"
    error = ""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        assert path is not None
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write("\n".join(script) + "\n")
    except OSError as exc:
        error = f"the dry run could not be written to {path}: {exc.strerror or exc}"
        path = None
    if journal is not None:
        try:
            journal.write(
                {
                    "phase": "dry_run",
                    "batch_id": batch_id,
                    "action": plan.action.value,
                    "count": len(plan.refs),
                    "reason": reason,
                    "file": str(path) if path else None,
                }
            )
        except JournalError as exc:
            error = error or str(exc)
    return DryRun(batch_id, requests, path, error)
