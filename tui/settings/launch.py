"""From command line, environment and config file to what the app connects to.

Precedence: flags over environment over the profile in ``config.toml``. The
client secret comes from ``MYSAFE_CLIENT_SECRET`` (or ``SENHASEGURA_CLIENT_SECRET``),
then the OS keyring (when the optional ``keyring`` package is installed), then the
config file (only if the file is readable by its owner alone), and never from the
command line, where ``ps`` and shell history would keep it.

Each ``MYSAFE_*`` variable of the server (URL, client id and secret, tenant) has a
twin under the name the official senhasegura tools use, ``SENHASEGURA_*``. This
tool's own name wins when both are set; when they differ, a warning names both
variables and the one used (never a value).

``--demo`` runs against the embedded simulator. Without it, the simulator is used
only where the caller allows an implicit demo (the console's first run) and only
when nothing at all is configured: a client id or secret without a server is a
mistake (someone meant a real server), and a command with no server is refused,
so that a job that lost its environment never reports a demo's changes as real.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast

import httpx

from tui.api import DEFAULT_CONCURRENCY, ClientSettings, RetryPolicy, Secret
from tui.api.client import MAX_CONCURRENCY
from tui.api.identity import ServerSpelling, same_server
from tui.api.settings import DEFAULT_MAX_LIST_BYTES, DEFAULT_REQUEST_DEADLINE, MB
from tui.settings.environment import (
    UsageError as UsageError,  # raised here, caught by the front ends
)
from tui.settings.environment import (
    checked_connection,
    credentials_given,
    env_twin,
    env_value,
    flag_value,
    no_server_message,
    url_origin,
)

if TYPE_CHECKING:
    # The config file's models are pydantic's (about 100 ms to import and build):
    # loaded only when there is a file to read (``resolve``).
    from tui.settings.config import ConfigFile, Profile

KEYRING_SERVICE = "mysafe-tui"


class LaunchOptions(NamedTuple):
    #: None means demo mode (the embedded simulator), unless ``choices`` is set.
    client: ClientSettings | None
    #: Writing refused from the start: --read-only, a read-only or a production profile.
    read_only: bool = False
    #: Writing refused for good: --read-only or a read-only profile (a production
    #: profile alone can be unlocked on purpose; these cannot).
    read_only_forced: bool = False
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
    choices: tuple[str, ...] = ()
    #: Nothing is configured: the console says first that this is a demo.
    first_run: bool = False
    #: Told at start (console: a toast; command line: stderr), never fatal.
    warnings: tuple[str, ...] = ()
    #: The thin-link mode as asked (flag over profile); None: the terminal decides.
    slow_link: bool | None = None
    #: Where a copy of every journal record goes ("udp://host:port", "tcp://...").
    audit_syslog: str | None = None

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


def profiles_for_url(config: ConfigFile, url: str, tenant: str | None = None) -> list[str]:
    """The names of the profiles (sorted) whose server is the one ``url`` (with
    ``tenant``) reaches, however either is spelt (``tui.api.identity``)."""
    spelling = ServerSpelling.of(url, tenant)
    if spelling is None:
        return []
    return sorted(
        name
        for name, p in config.profiles.items()
        if (theirs := ServerSpelling.of(p.url, p.tenant)) is not None
        and same_server(spelling, theirs)
    )


def _strictest(base: Profile, others: list[Profile]) -> Profile:
    """``base`` with the strictest guards of itself and ``others``.

    Guards are never loosened: production or read-only if any is, the smallest
    batch limit, a reason if any requires one. Connection settings stay ``base``'s.
    """
    every = [base, *others]
    limits = [p.max_batch for p in every if p.max_batch is not None]
    production = any(p.production for p in every)
    colour = next((p.color for p in every if p.production), base.color)
    return base.model_copy(
        update={
            "production": production,
            "read_only": any(p.read_only for p in every),
            "max_batch": min(limits) if limits else None,
            "require_reason": any(p.require_reason for p in every),
            "color": colour,
        }
    )


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
    slow_link: bool | None = None,
    implicit_demo: bool = False,
) -> LaunchOptions:
    """The options to start with, or a one-line :class:`UsageError`.

    String arguments are None when their flag was not given. A URL given by flag or
    environment that names the same server as one or more profiles gets those
    profiles' guards (production, read-only, batch limit, reason), whether or not a
    profile was named: how the server was named never removes a guard.

    With no server named (no URL, no profile) the result is the demo, marked
    ``first_run``, only when ``implicit_demo`` (the console's first run) and no
    client id or secret was given; otherwise a :class:`UsageError`. Commands pass
    False: they use the simulator only with ``demo`` (``--demo``).
    """
    url_flag = url = flag_value(url, "--url")
    client_id_flag = client_id = flag_value(client_id, "--client-id")
    tenant = flag_value(tenant, "--tenant")
    profile = flag_value(profile, "--profile")
    syslog = audit_syslog(environ)
    demo_options = LaunchOptions(
        None,
        audit_syslog=syslog,
        read_only=read_only,
        read_only_forced=read_only,
        demo_seed=demo_seed,
        demo_passwords=demo_size[0],
        demo_api_secrets=demo_size[1],
        max_batch=max_batch,
        slow_link=slow_link,
    )
    if demo:
        return demo_options
    config = _config(config_path)
    name = profile or env_value(environ, "MYSAFE_PROFILE")
    if name is not None and name not in config.profiles:
        known = ", ".join(sorted(config.profiles)) or "none"
        raise UsageError(
            f"no profile {name!r} in {config_path} (profiles: {known}); "
            "add a [profiles.NAME] table or pick another"
        )
    warnings: list[str] = []
    url = url or env_twin(environ, "MYSAFE_URL", warnings)
    client_id = client_id or env_twin(environ, "MYSAFE_CLIENT_ID", warnings)
    tenant = tenant or env_twin(environ, "MYSAFE_TENANT", warnings)
    if url is None and name is None and config.profiles:
        if config.default_profile:
            name = config.default_profile
        elif len(config.profiles) == 1:
            name = next(iter(config.profiles))
        else:
            return LaunchOptions(None, choices=tuple(sorted(config.profiles)), slow_link=slow_link)
    chosen: Profile | None = config.profiles.get(name) if name else None
    if url is None and chosen is None:
        # No URL, no profile: the config has no profiles (else one was picked above).
        given = credentials_given(environ, client_id_flag)
        if given:
            raise UsageError(
                f"a client id or secret ({', '.join(given)}) but no server named: pass "
                "--url URL or --profile NAME, set MYSAFE_URL (or SENHASEGURA_URL), or add "
                f"a profile to {config_path or 'config.toml'}"
            )
        if not implicit_demo:
            raise UsageError(no_server_message(config_path))
        return demo_options._replace(first_run=not config.profiles)
    label = name or "default"
    reached = url or (chosen.url if chosen else None)
    if reached is not None:
        # However the server was named (a flag, the environment, a profile of its
        # own), a server some profile owns gets that profile's guards and name.
        owner_tenant = tenant or (chosen.tenant if chosen else None)
        matches = [m for m in profiles_for_url(config, reached, owner_tenant) if m != name]
        if chosen is not None:
            # A named profile keeps its own settings; another profile's server adds
            # that profile's guards, and its name to the header.
            chosen = _strictest(chosen, [config.profiles[m] for m in matches])
            label = "+".join([label, *matches])
        elif matches:
            # The server has an owner in the config: its guards (and its connection
            # settings, under the flags and environment) apply however it was named.
            # Several owners: the strictest guards of them all, and all their names.
            ranked = sorted(matches, key=lambda m: not config.profiles[m].production)
            chosen = _strictest(
                config.profiles[ranked[0]], [config.profiles[m] for m in ranked[1:]]
            )
            name = ranked[0]
            label = "+".join(matches)
    if slow_link is None and chosen is not None:
        slow_link = chosen.slow_link
    options = _server_options(
        chosen,
        label,
        url=url or (chosen.url if chosen else ""),
        client_id=client_id or (chosen.client_id if chosen else None),
        tenant=tenant or (chosen.tenant if chosen else None),
        ca_bundle=ca_bundle or (chosen.ca_bundle if chosen else None),
        insecure=insecure or bool(chosen and chosen.insecure),
        read_only=read_only,
        concurrency=concurrency,
        environ=environ,
        config_path=config_path,
        max_batch=max_batch,
        keyring_user=name or label,
        slow_link=slow_link,
        warnings=warnings,
        url_from=url_origin(url_flag, environ, f"the url of profile {name!r} in {config_path}"),
        ca_from="--ca-bundle" if ca_bundle else f"the ca_bundle of profile {name!r}",
    )
    return options._replace(audit_syslog=syslog or (chosen.audit_syslog if chosen else None))


def audit_syslog(environ: Mapping[str, str]) -> str | None:
    """``MYSAFE_AUDIT_SYSLOG``, checked (a :class:`UsageError` when it is no
    ``udp://host:port`` or ``tcp://host:port``); None when unset."""
    value = env_value(environ, "MYSAFE_AUDIT_SYSLOG")
    if value is None:
        return None
    from tui.ops.syslog import parse_syslog_url

    try:
        return parse_syslog_url(value).url
    except ValueError as exc:
        raise UsageError(f"MYSAFE_AUDIT_SYSLOG: {exc}") from None


def _config(path: Path | None) -> ConfigFile:
    """The config file's profiles; with no file, an empty config without pydantic."""
    if path is None or not path.exists():
        return _NO_CONFIG
    from tui.settings.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


class _NoConfig:
    """What ``resolve`` reads of an empty :class:`tui.settings.config.ConfigFile`."""

    profiles: dict[str, Profile] = {}
    default_profile: str | None = None


_NO_CONFIG = cast("ConfigFile", _NoConfig())


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
    keyring_user: str,
    slow_link: bool | None = None,
    warnings: list[str] | None = None,
    url_from: str = "the server URL",
    ca_from: str = "the CA bundle",
) -> LaunchOptions:
    told = warnings if warnings is not None else []
    if not client_id:
        raise UsageError(
            "no client id: pass --client-id, set MYSAFE_CLIENT_ID (or SENHASEGURA_CLIENT_ID), "
            "or add it to the profile"
        )
    from_env = env_twin(environ, "MYSAFE_CLIENT_SECRET", told, strip=False)
    secret = (
        from_env
        or keyring_secret(keyring_user)
        or (chosen.client_secret.get_secret_value() if chosen and chosen.client_secret else None)
    )
    if not secret:
        raise UsageError(
            "no client secret: set MYSAFE_CLIENT_SECRET (or SENHASEGURA_CLIENT_SECRET), store "
            "it in the OS keyring "
            f"(service {KEYRING_SERVICE!r}, user {keyring_user!r}), or put client_secret in a "
            "config file only you can read (never on the command line)"
        )
    if concurrency is not None and not 1 <= concurrency <= MAX_CONCURRENCY:
        raise UsageError(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")
    base_url, tls = checked_connection(
        url,
        url_from=url_from,
        ca_bundle=ca_bundle,
        ca_from=ca_from,
        insecure=insecure,
        environ=environ,
    )
    production = bool(chosen and chosen.production)
    forced = read_only or bool(chosen and chosen.read_only)
    locked = forced or production
    settings = ClientSettings(
        base_url=base_url,
        client_id=client_id,
        client_secret=Secret(secret),
        tenant=tenant,
        tls=tls,
        concurrency=concurrency or (chosen.concurrency if chosen else DEFAULT_CONCURRENCY),
        read_only=locked,
        connect_timeout=chosen.connect_timeout if chosen else 5.0,
        read_timeout=chosen.read_timeout if chosen else 20.0,
        request_deadline=chosen.request_deadline if chosen else DEFAULT_REQUEST_DEADLINE,
        max_list_bytes=chosen.max_list_mb * MB if chosen else DEFAULT_MAX_LIST_BYTES,
        retry=RetryPolicy(rate_limit_patience=chosen.rate_limit_patience)
        if chosen
        else RetryPolicy(),
    )
    return LaunchOptions(
        settings,
        read_only=locked,
        read_only_forced=forced,
        profile_name=name,
        production=production,
        max_batch=max_batch or (chosen.max_batch if chosen else None),
        require_reason=bool(chosen and chosen.require_reason),
        color=chosen.color if chosen else "blue",
        theme=chosen.theme if chosen else "textual-dark",
        warnings=(*told, *tenant_warnings(base_url, tenant)),
        slow_link=slow_link,
    )


def tenant_warnings(base_url: str, tenant: str | None) -> tuple[str, ...]:
    """By IP address the server cannot tell the tenant from the host: it must be sent."""
    host = httpx.URL(base_url).host
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return ()
    # Loopback is the simulator (or a tunnel the operator set up on purpose): a
    # warning at every start there would teach people to ignore it.
    if tenant or address.is_loopback:
        return ()
    return (
        f"{host} is an IP address and no tenant is set: multi-tenant senhasegura needs "
        "one to route the request (--tenant, MYSAFE_TENANT or the profile's tenant)",
    )
