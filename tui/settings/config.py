"""``config.toml``: named profiles, validated, with errors an operator can act on.

Example (``$XDG_CONFIG_HOME/mysafe-tui/config.toml``)::

    default_profile = "staging"

    [profiles.staging]
    url = "https://staging.vault.example.com"
    client_id = "b2f1..."
    color = "green"

    [profiles.prod]
    url = "https://vault.example.com"
    client_id = "9c4e..."
    tenant = "acme"
    ca_bundle = "/etc/ssl/certs/corp-ca.pem"
    production = true        # starts read-only; writing is unlocked on purpose
    max_batch = 50           # larger batches are refused
    require_reason = true    # every batch needs a reason or ticket
    color = "red"
    request_deadline = 30    # seconds for a whole request, every byte of the answer
    max_list_mb = 64         # list answers bigger than this are refused
    rate_limit_patience = 120   # seconds a request may wait out a gateway's 429s
    slow_link = true         # the thin-link mode (see the docs); false: never
    audit_syslog = "tcp://logs.example.com:514"   # a copy of every journal record

Every failure is a :class:`ConfigError` whose message is one line naming the file,
the line or key, and the fix.
"""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from tui.api.client import DEFAULT_CONCURRENCY, MAX_CONCURRENCY
from tui.api.endpoint import normalise_base_url
from tui.api.errors import ConfigurationError
from tui.api.retry import DEFAULT_RATE_LIMIT_PATIENCE
from tui.api.settings import DEFAULT_MAX_LIST_BYTES, DEFAULT_REQUEST_DEADLINE, MB

Colour = Literal["red", "yellow", "green", "blue", "magenta", "cyan"]


class ConfigError(Exception):
    """Invalid configuration: one line for the operator, exit code 2."""


class Profile(BaseModel):
    """One senhasegura instance and how to treat it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    client_id: str
    #: Only honoured when the file is readable by its owner alone (chmod 600).
    client_secret: SecretStr | None = None
    tenant: str | None = None
    ca_bundle: Path | None = None
    insecure: bool = False
    concurrency: int = Field(default=DEFAULT_CONCURRENCY, ge=1, le=MAX_CONCURRENCY)
    read_only: bool = False
    #: A production profile starts read-only; writing is unlocked on purpose.
    production: bool = False
    #: Batches larger than this are refused (None: no limit).
    max_batch: int | None = Field(default=None, ge=1)
    require_reason: bool = False
    connect_timeout: float = Field(default=5.0, gt=0, le=300)
    read_timeout: float = Field(default=20.0, gt=0, le=600)
    #: Seconds a request may take from start to the last byte of its answer; past
    #: it the request fails ("no complete answer within N s"), in doubt if an action.
    request_deadline: float = Field(default=DEFAULT_REQUEST_DEADLINE, gt=0, le=3600)
    #: Seconds of waiting a gateway's rate limit (429) may ask of one request, in
    #: all, before the request fails; 0 fails it at the first 429.
    rate_limit_patience: float = Field(default=DEFAULT_RATE_LIMIT_PATIENCE, ge=0, le=86400)
    #: List answers bigger than this many MB are refused.
    max_list_mb: int = Field(default=DEFAULT_MAX_LIST_BYTES // MB, ge=1, le=4096)
    theme: str = "textual-dark"
    color: Colour = "blue"
    #: The thin-link mode: true on, false off, absent: on when the terminal reports
    #: 256 colours or fewer. ``--slow-link`` / ``--no-slow-link`` override it.
    slow_link: bool | None = None
    #: A copy of every journal record sent to syslog: "udp://host:port" or
    #: "tcp://host:port" (``MYSAFE_AUDIT_SYSLOG`` overrides it).
    audit_syslog: str | None = None

    @field_validator("audit_syslog")
    @classmethod
    def _audit_syslog(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from tui.ops.syslog import parse_syslog_url

        return parse_syslog_url(value).url

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        # Syntax only; whether plain http is allowed depends on `insecure`,
        # which is checked when the profile is used.
        try:
            return normalise_base_url(value, insecure=True)
        except ConfigurationError as exc:
            raise ValueError(exc.detail) from None

    @field_validator("client_id")
    @classmethod
    def _client_id(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @field_validator("tenant")
    @classmethod
    def _tenant(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.strip():
            raise ValueError("must not be empty; leave tenant out for none")
        return value.strip()


class ConfigFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default_profile: str | None = None
    profiles: dict[str, Profile] = Field(default_factory=dict)


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def load_config(path: Path) -> ConfigFile:
    """The parsed file, an empty config when it does not exist, or a ConfigError."""
    if not path.exists():
        return ConfigFile()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}; fix the syntax there") from None
    try:
        config = ConfigFile.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)
        # A misspelt key usually explains the "missing" one too: name it first.
        first = min(errors, key=lambda error: error["type"] != "extra_forbidden")
        where = _where(first["loc"])
        if first["type"] == "extra_forbidden":
            message = f"unknown key {where!r}; remove it or check its spelling"
        elif first["type"] == "missing":
            message = f"missing {where!r}; add it"
        else:
            message = f"{where}: {first['msg']}"
        more = exc.error_count() - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise ConfigError(f"{path}: {message}{suffix}") from None
    if config.default_profile and config.default_profile not in config.profiles:
        raise ConfigError(
            f"{path}: default_profile {config.default_profile!r} names no [profiles.*] table"
        )
    for name, profile in config.profiles.items():
        if profile.client_secret is not None:
            mode = path.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise ConfigError(
                    f"{path}: holds client_secret for profile {name!r} but others can read "
                    f"it (mode {stat.S_IMODE(mode):o}); run: chmod 600 {path}"
                )
    return config
