"""How the client reaches one senhasegura instance: the settings it is built from."""

from __future__ import annotations

from typing import NamedTuple, Protocol

from tui.api.endpoint import TLSSettings
from tui.api.retry import RetryPolicy

#: Requests in flight during a batch. With 20 ms of server latency this keeps a
#: 1 000-item batch within 1.3x of the ideal (measured 1.15x, see tests/benchmarks/
#: bench_deactivate.py) while the client's own CPU (about
#: 1.5 ms a request for httpx on a small machine) stays below the wall time.
DEFAULT_CONCURRENCY = 16
MAX_CONCURRENCY = 64
MB = 1024 * 1024
#: The most a list answer's body may hold (a list of 100 000 items is about 20 MB).
DEFAULT_MAX_LIST_BYTES = 64 * MB
#: The most any other answer's body may hold (an action, a token, one item).
MAX_ANSWER_BYTES = MB
#: Seconds a request may take from start to the last byte of its answer.
DEFAULT_REQUEST_DEADLINE = 30.0


class SecretValue(Protocol):
    """A secret that shows only when asked: pydantic's ``SecretStr`` (the config
    file's) or :class:`Secret`."""

    def get_secret_value(self) -> str: ...


class Secret:
    """A secret string that never shows in a repr, a log or a traceback's locals.

    ``SecretStr``'s interface without pydantic: importing pydantic costs about
    70 ms, and the console (the demo above all) starts without it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class ClientSettings(NamedTuple):
    """Everything the client needs to reach one senhasegura instance.

    A NamedTuple, not a frozen dataclass: built at every start, about 1 ms less.
    Its repr leaves the secret out (:meth:`__repr__`)."""

    base_url: str
    client_id: str
    client_secret: SecretValue
    tenant: str | None = None
    #: Immutable, so one default instance serves every settings object.
    tls: TLSSettings = TLSSettings()
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    #: Seconds for the whole exchange: connecting, sending and every byte of the
    #: answer. The timeouts above are per operation: a server trickling a byte
    #: every few seconds never trips them, this deadline it does.
    request_deadline: float = DEFAULT_REQUEST_DEADLINE
    #: Body caps: list answers, and every other answer.
    max_list_bytes: int = DEFAULT_MAX_LIST_BYTES
    max_answer_bytes: int = MAX_ANSWER_BYTES
    concurrency: int = DEFAULT_CONCURRENCY
    retry: RetryPolicy = RetryPolicy()
    #: Refuse every write before anything is sent.
    read_only: bool = False
    #: Also send the credentials as HTTP Basic on the token request (RFC 6749 2.3).
    #: Off by default: strict servers refuse credentials sent both ways.
    basic_auth: bool = False

    def __repr__(self) -> str:
        # The fields as a dataclass would show them, the secret left out whatever
        # its own repr says.
        shown = ", ".join(
            f"{name}={value!r}"
            for name, value in zip(self._fields, self, strict=True)
            if name != "client_secret"
        )
        return f"ClientSettings({shown})"
