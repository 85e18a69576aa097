"""How the client reaches one senhasegura instance: the settings it is built from."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import SecretStr

from tui.api.endpoint import TLSSettings
from tui.api.retry import RetryPolicy

#: Requests in flight during a batch. With 20 ms of server latency this keeps a
#: 1 000-item batch within 1.3x of the ideal (measured 1.15x, see tests/benchmarks/
#: bench_deactivate.py) while the client's own CPU (about
#: 1.5 ms a request for httpx on a small machine) stays below the wall time.
DEFAULT_CONCURRENCY = 16
MAX_CONCURRENCY = 64


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """Everything the client needs to reach one senhasegura instance."""

    base_url: str
    client_id: str
    client_secret: SecretStr = field(repr=False)
    tenant: str | None = None
    tls: TLSSettings = field(default_factory=TLSSettings)
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    concurrency: int = DEFAULT_CONCURRENCY
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    #: Refuse every write before anything is sent.
    read_only: bool = False
    #: Also send the credentials as HTTP Basic on the token request (RFC 6749 2.3).
    #: Off by default: strict servers refuse credentials sent both ways.
    basic_auth: bool = False
