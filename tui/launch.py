"""From command line and environment to what the app connects to.

A real server comes from ``--url``/``MYSAFE_URL`` and ``--client-id``/
``MYSAFE_CLIENT_ID``, with the secret only ever from ``MYSAFE_CLIENT_SECRET``
(never the command line, where ``ps`` and shell history would keep it). With no
server configured, or with ``--demo``, the app runs against the embedded simulator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from tui.api import DEFAULT_CONCURRENCY, ClientSettings, ConfigurationError, TLSSettings
from tui.api.client import MAX_CONCURRENCY
from tui.api.endpoint import normalise_base_url


class UsageError(Exception):
    """Bad command-line or environment input: one line for the operator, exit code 2."""


@dataclass(frozen=True, slots=True)
class LaunchOptions:
    #: None means demo mode (the embedded simulator).
    client: ClientSettings | None
    read_only: bool = False
    demo_seed: int = 1
    demo_passwords: int = 40
    demo_api_secrets: int = 30

    @property
    def demo(self) -> bool:
        return self.client is None


def resolve(
    *,
    demo: bool,
    url: str | None,
    client_id: str | None,
    tenant: str | None,
    ca_bundle: Path | None,
    insecure: bool,
    read_only: bool,
    concurrency: int | None,
    environ: Mapping[str, str],
    demo_seed: int = 1,
    demo_size: tuple[int, int] = (40, 30),
) -> LaunchOptions:
    """Flags override the environment; a missing server means demo mode."""
    url = url or environ.get("MYSAFE_URL") or None
    demo_options = LaunchOptions(
        None,
        read_only=read_only,
        demo_seed=demo_seed,
        demo_passwords=demo_size[0],
        demo_api_secrets=demo_size[1],
    )
    if demo or not url:
        return demo_options
    client_id = client_id or environ.get("MYSAFE_CLIENT_ID") or None
    secret = environ.get("MYSAFE_CLIENT_SECRET") or None
    tenant = tenant or environ.get("MYSAFE_TENANT") or None
    if not client_id:
        raise UsageError("no client id: pass --client-id or set MYSAFE_CLIENT_ID")
    if not secret:
        raise UsageError(
            "no client secret: set MYSAFE_CLIENT_SECRET in the environment "
            "(it is never taken from the command line)"
        )
    if concurrency is not None and not 1 <= concurrency <= MAX_CONCURRENCY:
        raise UsageError(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")
    try:
        base_url = normalise_base_url(url, insecure=insecure)
        tls = TLSSettings(ca_bundle=ca_bundle, insecure=insecure)
        tls.verify()
    except ConfigurationError as exc:
        raise UsageError(exc.detail) from None
    settings = ClientSettings(
        base_url=base_url,
        client_id=client_id,
        client_secret=SecretStr(secret),
        tenant=tenant,
        tls=tls,
        concurrency=concurrency or DEFAULT_CONCURRENCY,
        read_only=read_only,
    )
    return LaunchOptions(settings, read_only=read_only)
