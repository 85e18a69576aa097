"""Reading the flags and environment variables that name a server.

A blank flag is a mistake; an empty variable is unset (how shells often unset one)
and a variable of whitespace only is a mistake. Each ``MYSAFE_*`` variable of the
server has a twin under the name the official senhasegura tools use
(``SENHASEGURA_*``); this tool's own name wins when both are set, with a warning
naming both (never a value) when they differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.api import TLSSettings


#: Set to "1" by the browser demo (``tui/web/server.py``) for each tab's console: there
#: q and ctrl+q end the tab's session, so the console asks first. Not a ``MYSAFE_``
#: name: those name a server, and none may reach a tab.
IN_BROWSER = "TUI_BROWSER_DEMO"


class UsageError(Exception):
    """Bad command-line, environment or config input: one line, exit code 2."""


def flag_value(value: str | None, flag: str) -> str | None:
    """A flag's value, stripped; None when the flag was not given.

    An explicitly empty flag (``--url ""``) is a mistake, not "unset": it must not
    quietly fall back to another source (or to the demo).
    """
    if value is None:
        return None
    if not value.strip():
        raise UsageError(f"{flag} is empty; give a value or leave the flag out")
    return value.strip()


def env_value(environ: Mapping[str, str], variable: str) -> str | None:
    """An environment variable's value, stripped; None when unset or empty.

    ``MYSAFE_URL=`` is how shells often "unset" a variable, so empty counts as
    unset; whitespace only is a mistake and says so.
    """
    value = environ.get(variable)
    if not value:
        return None
    if not value.strip():
        raise UsageError(f"{variable} holds only whitespace; set a value or unset it")
    return value.strip()


#: This tool's variables and their twins in the official senhasegura tools; ours win.
ENV_TWINS = {
    "MYSAFE_URL": "SENHASEGURA_URL",
    "MYSAFE_CLIENT_ID": "SENHASEGURA_CLIENT_ID",
    "MYSAFE_CLIENT_SECRET": "SENHASEGURA_CLIENT_SECRET",
    "MYSAFE_TENANT": "SENHASEGURA_TENANT",
}


def env_twin(
    environ: Mapping[str, str], variable: str, warnings: list[str], *, strip: bool = True
) -> str | None:
    """``variable`` or else its ``SENHASEGURA_*`` twin (see :data:`ENV_TWINS`).

    Both are checked for whitespace. When both hold different values, ``variable``
    is used and a warning naming the two (never their values) joins ``warnings``.
    ``strip=False`` keeps the value as set (a secret is used byte for byte).
    """
    twin = ENV_TWINS[variable]
    values: dict[str, str] = {}
    for name in (variable, twin):
        value = env_value(environ, name)
        if value is not None:
            values[name] = value if strip else environ[name]
    if len(values) == 2 and values[variable] != values[twin]:
        warnings.append(f"{variable} and {twin} are both set and differ; using {variable}")
    return values.get(variable, values.get(twin))


def credentials_given(environ: Mapping[str, str], client_id_flag: str | None) -> list[str]:
    """Where a client id or secret was given (flag or variable names, no values)."""
    given = ["--client-id"] if client_id_flag is not None else []
    for variable in ("MYSAFE_CLIENT_ID", "MYSAFE_CLIENT_SECRET"):
        for name in (variable, ENV_TWINS[variable]):
            if environ.get(name):
                given.append(name)
    return given


def no_server_message(config_path: Path | None) -> str:
    """How to name a server, for a command that was given none."""
    where = config_path or "config.toml"
    return (
        "no server named: pass --url URL or --profile NAME, set MYSAFE_URL (or "
        f"SENHASEGURA_URL), or add a profile to {where}; --demo runs on the embedded "
        "simulator"
    )


def url_origin(url_flag: str | None, environ: Mapping[str, str], where: str) -> str:
    """Where the server URL in use came from: the flag, a variable, or ``where``."""
    if url_flag is not None:
        return "--url"
    for name in ("MYSAFE_URL", ENV_TWINS["MYSAFE_URL"]):
        if environ.get(name):
            return name
    return where


def checked_connection(
    url: str,
    *,
    url_from: str,
    ca_bundle: Path | None,
    ca_from: str,
    insecure: bool,
    environ: Mapping[str, str],
) -> tuple[str, TLSSettings]:
    """The normalised base URL and TLS settings, or a one-line :class:`UsageError`
    that names the culprit: the flag, variable or profile key, and what is wrong.

    Everything the client would trip over later is checked here, before anything is
    sent: the URL (host, port, path), the CA bundle, and the proxy variables httpx
    reads from the environment (named, never quoted).
    """
    from tui.api import ConfigurationError, TLSSettings, normalise_base_url
    from tui.api.proxies import check_proxy_environment

    try:
        base_url = normalise_base_url(url, insecure=insecure)
    except ConfigurationError as exc:
        raise UsageError(f"{url_from}: {exc.detail}") from None
    tls = TLSSettings(ca_bundle=ca_bundle, insecure=insecure)
    try:
        tls.check()
    except ConfigurationError as exc:
        raise UsageError(f"{ca_from}: {exc.detail}") from None
    try:
        check_proxy_environment(environ)
    except ConfigurationError as exc:
        raise UsageError(exc.detail) from None
    return base_url, tls
