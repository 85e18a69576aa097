"""A dry run: the exact requests a batch would send, as curl lines; nothing is sent.

The lines run as printed against the server they were made for: the first asks for
a token (the client secret read from ``$MYSAFE_CLIENT_SECRET`` when the line runs,
never written out) and sets ``$TOKEN``; every line trusts the server as the
session does (``--cacert FILE`` for ``--ca-bundle``, ``-k`` for ``--insecure``).
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path

from tui.api import ClientSettings
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
    #: The line that sets $TOKEN ("" when only a base URL was known).
    token_request: str = ""

    @property
    def lines(self) -> list[str]:
        """Every line to run, in order: the token's first."""
        return [self.token_request, *self.requests] if self.token_request else self.requests


#: The name the token line reads the client secret from.
SECRET_VARIABLE = "MYSAFE_CLIENT_SECRET"
#: Prints the access token of a token answer (one line or pretty-printed JSON).
_TOKEN_OUT = r"""sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p'"""


def trust_flags(settings: ClientSettings | None) -> str:
    """curl's flags for trusting the server as the session does (with a space after)."""
    if settings is None:
        return ""
    if settings.tls.insecure:
        return "-k "
    if settings.tls.ca_bundle is not None:
        return f"--cacert {shlex.quote(str(settings.tls.ca_bundle.expanduser().absolute()))} "
    return ""


def token_line(settings: ClientSettings) -> str:
    """``TOKEN=$(curl ...)``: the client credentials grant, as the client asks it; the
    secret stays in the environment (``$MYSAFE_CLIENT_SECRET``)."""
    url = f"{settings.base_url}/api/oauth2/token"
    form = [
        "--data-urlencode grant_type=client_credentials",
        f"--data-urlencode {shlex.quote('client_id=' + settings.client_id)}",
        f'--data-urlencode "client_secret=${SECRET_VARIABLE}"',
    ]
    if settings.tenant:
        form.append(f"--data-urlencode {shlex.quote('tenant=' + settings.tenant)}")
    if settings.basic_auth:
        form.append(f'-u {shlex.quote(settings.client_id + ":")}"${SECRET_VARIABLE}"')
    request = f"curl -sS {trust_flags(settings)}-X POST {shlex.quote(url)} {' '.join(form)}"
    return f"TOKEN=$({request} | {_TOKEN_OUT})"


def curl_lines(base_url: str, plan: BatchPlan, settings: ClientSettings | None = None) -> list[str]:
    trust = trust_flags(settings)
    lines = []
    for ref in plan.refs:
        url = f"{base_url}/api/mysafe/{ref.kind.path}/{plan.action.path}/{ref.identifier}"
        lines.append(
            f'curl -sS {trust}-X POST {shlex.quote(url)} -H "Authorization: Bearer $TOKEN"'
        )
    return lines


def write_dry_run(
    base_url: str,
    plan: BatchPlan,
    reason: str,
    batch_id: str,
    folder: Path,
    journal: Journal | None,
    *,
    settings: ClientSettings | None = None,
) -> DryRun:
    """The dry run of ``plan``: its lines, a 0600 script, a journal record.

    ``settings``: the session's client settings, for the token line and the TLS
    flags; without them, the lines assume ``$TOKEN`` is set and the server trusted."""
    requests = curl_lines(base_url, plan, settings)
    token = token_line(settings) if settings is not None else ""
    script = [
        "#!/bin/sh",
        f"# mysafe-tui dry run {batch_id}: {plan.action.value} {plural(len(plan.refs))}",
        f"# reason: {reason or '-'}",
    ]
    if token:
        script.append(f"# Nothing was sent. To send these, export {SECRET_VARIABLE} and run this.")
        script.append(token)
    else:
        script.append("# Nothing was sent. Set TOKEN to a bearer token to send these yourself.")
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
    return DryRun(batch_id, requests, path, error, token)
