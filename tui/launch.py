"""From command line, environment and config file to what the app connects to.

Precedence: flags over environment over the profile in ``config.toml``. The
client secret comes from ``MYSAFE_CLIENT_SECRET``, then the OS keyring (when the
optional ``keyring`` package is installed), then the config file (only if the file
is readable by its owner alone), and never from the command line, where ``ps``
and shell history would keep it. With no server anywhere, or with ``--demo``, the
app runs against the embedded simulator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr

from tui.api import DEFAULT_CONCURRENCY, ClientSettings, ConfigurationError, TLSSettings
from tui.api.client import MAX_CONCURRENCY
from tui.api.endpoint import normalise_base_url
from tui.config import ConfigError, ConfigFile, Profile, load_config

KEYRING_SERVICE = "mysafe-tui"


class UsageError(Exception):
    """Bad command-line, environment or config input: one line, exit code 2."""


@dataclass(frozen=True, slots=True)
class LaunchOptions:
    #: None means demo mode (the embedded simulator), unless ``choices`` is set.
    client: ClientSettings | None
    read_only: bool = False
    demo_seed: int = 1
    demo_passwords: int = 40
    demo_api_secrets: int = 30
    profile_name: str = "demo"
    #: A production profile: starts read-only, writing is unlocked on purpose.
    production: bool = False
    max_batch: int | None = None
    require_reason: bool = False
    color: str = "blue"
    theme: str = "textual-dark"
    #: Several profiles and none chosen: the operator picks one of these.
    choices: tuple[str, ...] = field(default=())

    @property
    def demo(self) -> bool:
        return self.client is None and not self.choices


def keyring_secret(profile: str) -> str | None:
    """The secret stored in the OS keyring for ``profile``, if keyring is available."""
    try:
        import keyring  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    try:
        value = keyring.get_password(KEYRING_SERVICE, profile)
    except Exception:  # no backend, locked keyring: fall through to the next source
        return None
    return value or None


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
    profile: str | None = None,
    config_path: Path | None = None,
    max_batch: int | None = None,
) -> LaunchOptions:
    demo_options = LaunchOptions(
        None,
        read_only=read_only,
        demo_seed=demo_seed,
        demo_passwords=demo_size[0],
        demo_api_secrets=demo_size[1],
        max_batch=max_batch,
    )
    if demo:
        return demo_options
    try:
        config = load_config(config_path) if config_path is not None else ConfigFile()
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    name = profile or environ.get("MYSAFE_PROFILE") or None
    if name is not None and name not in config.profiles:
        known = ", ".join(sorted(config.profiles)) or "none"
        raise UsageError(
            f"no profile {name!r} in {config_path} (profiles: {known}); "
            "add a [profiles.NAME] table or pick another"
        )
    url = url or environ.get("MYSAFE_URL") or None
    if url is None and name is None and config.profiles:
        if config.default_profile:
            name = config.default_profile
        elif len(config.profiles) == 1:
            name = next(iter(config.profiles))
        else:
            return LaunchOptions(None, choices=tuple(sorted(config.profiles)))
    chosen: Profile | None = config.profiles.get(name) if name else None
    if url is None and chosen is None:
        return demo_options
    return _server_options(
        chosen,
        name or "default",
        url=url or (chosen.url if chosen else ""),
        client_id=client_id
        or environ.get("MYSAFE_CLIENT_ID")
        or (chosen.client_id if chosen else None),
        tenant=tenant or environ.get("MYSAFE_TENANT") or (chosen.tenant if chosen else None),
        ca_bundle=ca_bundle or (chosen.ca_bundle if chosen else None),
        insecure=insecure or bool(chosen and chosen.insecure),
        read_only=read_only,
        concurrency=concurrency,
        environ=environ,
        config_path=config_path,
        max_batch=max_batch,
    )


def _server_options(
    chosen: Profile | None,
    name: str,
    *,
    url: str,
    client_id: str | None,
    tenant: str | None,
    ca_bundle: Path | None,
    insecure: bool,
    read_only: bool,
    concurrency: int | None,
    environ: Mapping[str, str],
    config_path: Path | None,
    max_batch: int | None,
) -> LaunchOptions:
    if not client_id:
        raise UsageError(
            "no client id: pass --client-id, set MYSAFE_CLIENT_ID, or add it to the profile"
        )
    secret = (
        environ.get("MYSAFE_CLIENT_SECRET")
        or keyring_secret(name)
        or (chosen.client_secret.get_secret_value() if chosen and chosen.client_secret else None)
    )
    if not secret:
        raise UsageError(
            "no client secret: set MYSAFE_CLIENT_SECRET, store it in the OS keyring "
            f"(service {KEYRING_SERVICE!r}, user {name!r}), or put client_secret in a "
            "config file only you can read (never on the command line)"
        )
    if concurrency is not None and not 1 <= concurrency <= MAX_CONCURRENCY:
        raise UsageError(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")
    try:
        base_url = normalise_base_url(url, insecure=insecure)
        tls = TLSSettings(ca_bundle=ca_bundle, insecure=insecure)
        tls.verify()
    except ConfigurationError as exc:
        where = f" (profile {name!r} in {config_path})" if chosen else ""
        raise UsageError(exc.detail + where) from None
    production = bool(chosen and chosen.production)
    locked = read_only or production or bool(chosen and chosen.read_only)
    settings = ClientSettings(
        base_url=base_url,
        client_id=client_id,
        client_secret=SecretStr(secret),
        tenant=tenant,
        tls=tls,
        concurrency=concurrency or (chosen.concurrency if chosen else DEFAULT_CONCURRENCY),
        read_only=locked,
        connect_timeout=chosen.connect_timeout if chosen else 5.0,
        read_timeout=chosen.read_timeout if chosen else 20.0,
    )
    return LaunchOptions(
        settings,
        read_only=locked,
        profile_name=name,
        production=production,
        max_batch=max_batch or (chosen.max_batch if chosen else None),
        require_reason=bool(chosen and chosen.require_reason),
        color=chosen.color if chosen else "blue",
        theme=chosen.theme if chosen else "textual-dark",
    )
