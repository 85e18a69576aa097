"""Where the client connects and how: base URL normalisation and TLS settings."""

from __future__ import annotations

import ipaddress
import os
import re
import ssl
import stat
from pathlib import Path
from typing import NamedTuple

import httpx
import idna

from tui.api.errors import ConfigurationError


def is_loopback(host: str) -> bool:
    """True for exactly ``localhost`` and literal loopback addresses (127.0.0.0/8, ::1).

    Other names under ``.localhost`` are not trusted: RFC 6761 only asks resolvers to
    keep them local, and a resolver or ``/etc/hosts`` may send them anywhere.
    """
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


#: Longer than any base URL a person writes; httpx itself gives up at 65 536.
MAX_URL_LENGTH = 2048
_LABEL = re.compile(r"[A-Za-z0-9_-]{1,63}")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def shown(text: str, limit: int = 80) -> str:
    """``text`` quoted for an error message, cut to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "\u2026")


def host_problem(host: str) -> str | None:
    """What is wrong with ``host`` (as written between ``//`` and the port), or None.

    The checks httpx and the resolver would make later, made before anything is
    sent: a name with a space or an empty label, an IDNA label that does not decode,
    an IPv4-looking address that is not one. Underscores are let through (some
    internal DNS names have them).
    """
    if not host:
        return "it has no host"
    if any(char.isspace() or not char.isprintable() for char in host):
        return f"the host {shown(host)} holds a space or a control character"
    name = host[:-1] if host.endswith(".") else host  # one final dot: fully qualified
    if name and all(part.isascii() and part.isdigit() for part in name.split(".") if part):
        try:
            ipaddress.IPv4Address(name)
        except ValueError:
            return f"the host {shown(host)} is not a valid IPv4 address"
        return None
    if not name.isascii():
        try:
            name = idna.encode(name.lower()).decode("ascii")
        except (idna.IDNAError, UnicodeError, ValueError) as exc:
            return f"the host {shown(host)} is not a valid international domain name ({exc})"
    if len(name) > 253:
        return f"the host is {len(name)} characters long; a host name has at most 253"
    for label in name.split("."):
        if not label:
            return f"the host {shown(host)} has an empty label (two dots in a row, or one first)"
        if label[:4].lower() == "xn--":
            try:
                idna.decode(label)
            except (idna.IDNAError, UnicodeError, ValueError) as exc:
                return f"the host {shown(host)} has an invalid IDNA label {shown(label)} ({exc})"
        if not _LABEL.fullmatch(label):
            if len(label) > 63:
                return f"the host {shown(host)} has a label longer than 63 characters"
            odd = next(char for char in label if not _LABEL.fullmatch(char))
            return f"the host {shown(host)} holds {odd!r}, which no host name may hold"
        if label.startswith("-") or label.endswith("-"):
            return f"the host {shown(host)} has a label that starts or ends with a hyphen"
    return None


def port_problem(text: str) -> str | None:
    """What is wrong with the port written after the host's ``:``, or None."""
    if not text:
        return "the port after ':' is empty; write a port from 1 to 65535 or leave out the ':'"
    if not (text.isascii() and text.isdigit()) or len(text) > 5:
        return f"the port {shown(text)} is not a number from 1 to 65535"
    if not 1 <= int(text) <= 65535:
        return f"the port {int(text)} is out of range: a port is from 1 to 65535"
    return None


def split_authority(authority: str) -> tuple[str, str | None, str | None]:
    """``host[:port]`` or ``[v6][:port]`` as (host, port text, problem)."""
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            return authority, None, "the IPv6 address opened with '[' is not closed"
        host, after = authority[1:end], authority[end + 1 :]
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return host, None, f"{shown('[' + host + ']')} is not a valid IPv6 address"
        if after and not after.startswith(":"):
            return host, None, f"{shown(after)} follows the IPv6 address; only ':port' may"
        return host, after[1:] if after else None, None
    if authority.count(":") > 1:
        return authority, None, "an IPv6 address goes in brackets: https://[::1]:8443"
    host, colon, port = authority.partition(":")
    return host, port if colon else None, None


def url_problem(text: str, *, userinfo: bool = False) -> str | None:
    """What is wrong with the absolute URL ``text`` as a place to connect, or None.

    Scheme, host, port and path are checked; the user name and password before an
    ``@`` are never quoted (a proxy URL may carry them), and unless ``userinfo``
    allows them they are refused.
    """
    if len(text) > MAX_URL_LENGTH:
        return f"it is {len(text)} characters long; at most {MAX_URL_LENGTH}"
    scheme, sep, rest = text.partition("://")
    if not sep or not scheme:
        return "it has no scheme (such as https://)"
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    _, at, authority = authority.rpartition("@")
    if at and not userinfo:
        return "it holds a user name or password (before '@'); give credentials another way"
    host, port, problem = split_authority(authority)
    if problem:
        return problem
    if port is not None and (problem := port_problem(port)):
        return problem
    if ":" not in host and (problem := host_problem(host)):
        return problem
    path = tail.split("?", 1)[0].split("#", 1)[0]
    if any(char.isspace() or not char.isprintable() for char in tail):
        return "the path holds a space or a control character"
    if _BAD_ESCAPE.search(path):
        return "the path holds a '%' not followed by two hexadecimal digits"
    return None


def normalise_base_url(raw: str, *, insecure: bool = False) -> str:
    """A clean base URL without a trailing slash, or a one-line ConfigurationError.

    The vendor docs write ``{{url}}`` both with and without a trailing slash; either
    works here. Plain ``http://`` is refused for anything but loopback unless the
    operator explicitly asked for ``insecure``: a token and secrets would cross the
    network in clear. Everything else that would fail later (a host with a space,
    an IDNA label that does not decode, port 0 or 65536) is refused here, before
    anything is sent.
    """
    text = raw.strip()
    if not text:
        raise ConfigurationError("the server URL is empty")
    if "://" not in text:
        raise ConfigurationError(
            f"the server URL {shown(text)} has no scheme; write it as https://{text[:80]}"
        )
    scheme = text.split("://", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise ConfigurationError(f"the server URL must start with https:// (got {scheme[:20]}://)")
    if "@" in text.split("://", 1)[1].split("/", 1)[0]:
        # Not quoted: what comes before the @ may be a password.
        raise ConfigurationError(
            "the server URL holds a user name or password (before '@'); the client id "
            "and secret go in --client-id and MYSAFE_CLIENT_SECRET"
        )
    if "?" in text or "#" in text:
        raise ConfigurationError(f"the server URL {shown(text)} must not carry a query or fragment")
    problem = url_problem(text)
    if problem == "it has no host":
        raise ConfigurationError(f"the server URL {shown(text)} has no host")
    if problem:
        raise ConfigurationError(f"the server URL {shown(text)} is not valid: {problem}")
    try:
        url = httpx.URL(text)
        url_host = url.host
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise ConfigurationError(f"the server URL {shown(text)} is not valid: {exc}") from None
    if not url_host:
        raise ConfigurationError(f"the server URL {shown(text)} has no host")
    if url.scheme == "http" and not insecure and not is_loopback(url_host):
        raise ConfigurationError(
            f"refusing plain http:// to {url_host}: credentials would cross the network "
            "unencrypted; use https://, or set insecure if you really mean it"
        )
    # The path as sent (percent escapes kept: "/a%2Fb" is not "/a/b").
    path = url.raw_path.decode("ascii").rstrip("/")
    port = f":{url.port}" if url.port is not None else ""
    host = f"[{url_host}]" if ":" in url_host else url_host
    return f"{url.scheme}://{host}{port}{path}"


class TLSSettings(NamedTuple):
    """Certificate verification: on by default, a CA bundle, or explicitly off."""

    ca_bundle: Path | None = None
    insecure: bool = False

    def verify(self, *, plain_http: bool = False) -> ssl.SSLContext | bool:
        """What the HTTP client verifies the server's certificate with; a CA bundle
        that cannot be used is a ConfigurationError here, whatever the URL.

        ``plain_http``: the server is reached over ``http://`` (loopback, or with
        ``insecure``), so no certificate of it is ever checked: instead of the
        system's CAs (30-40 ms to load at every start), a context that verifies and
        trusts nothing, so that a TLS connection made with it by mistake fails closed.
        A proxy's own TLS never uses it (httpcore gives a proxy its own context)."""
        if self.insecure:
            return False
        if self.ca_bundle is not None:
            path = checked_ca_bundle(self.ca_bundle)
            try:
                return ssl.create_default_context(cafile=path)
            except (ssl.SSLError, OSError, ValueError) as exc:
                raise ConfigurationError(
                    f"the CA bundle {shown(path)} could not be loaded: {exc}"
                ) from None
        if plain_http:
            return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        return ssl.create_default_context()

    def check(self) -> None:
        """The CA bundle's problems, as :meth:`verify` would raise them; nothing is
        built without a bundle (the system's CAs are loaded when the client is)."""
        if self.ca_bundle is not None and not self.insecure:
            self.verify()


#: A PEM bundle of every public CA is about 200 KB; more than this is not one.
MAX_CA_BUNDLE_BYTES = 16 * 1024 * 1024


def checked_ca_bundle(bundle: Path) -> str:
    """The CA bundle's path, once it names a readable regular file of sane size.

    Each failure is one line: too long a name, not there, a directory, a device or
    a pipe (which would block the TLS library), unreadable, or far too big.
    """
    raw = str(bundle)
    if "\x00" in raw:
        raise ConfigurationError("the CA bundle path holds a NUL character")
    try:
        path = str(bundle.expanduser())
    except RuntimeError as exc:  # "~someone" with no such user, no home directory
        raise ConfigurationError(f"the CA bundle {shown(raw)} could not be found: {exc}") from None
    try:
        info = os.stat(path)
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        if isinstance(exc, FileNotFoundError):
            raise ConfigurationError(f"the CA bundle {shown(path)} does not exist") from None
        raise ConfigurationError(f"the CA bundle {shown(path)} cannot be read: {why}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ConfigurationError(
            f"the CA bundle {shown(path)} is a directory; name the PEM file in it"
        )
    if not stat.S_ISREG(info.st_mode):
        raise ConfigurationError(f"the CA bundle {shown(path)} is not a regular file")
    if info.st_size > MAX_CA_BUNDLE_BYTES:
        raise ConfigurationError(
            f"the CA bundle {shown(path)} is {info.st_size // (1024 * 1024)} MB; a PEM "
            f"bundle is far smaller (at most {MAX_CA_BUNDLE_BYTES // (1024 * 1024)} MB)"
        )
    if not os.access(path, os.R_OK):
        raise ConfigurationError(f"the CA bundle {shown(path)} cannot be read: permission denied")
    return path
