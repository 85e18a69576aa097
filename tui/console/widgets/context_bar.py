"""The header: which profile and server the operator acts on, and in which mode."""

from __future__ import annotations

from typing import NamedTuple

import httpx
from textual.reactive import var
from textual.widgets import Static

from tui.ops import Session


def server_text(base_url: str) -> str:
    """Host, and the port and path when they are not the defaults: which server exactly."""
    url = httpx.URL(base_url)
    default = {"https": 443, "http": 80}.get(url.scheme)
    text = url.host
    if url.port is not None and url.port != default:
        text += f":{url.port}"
    if url.path not in ("", "/"):
        text += url.path.rstrip("/")
    return text if url.scheme == "https" else f"{url.scheme}://{text}"


def context_text(session: Session, slow_link: bool = False) -> str:
    profile = session.profile
    parts = ["mysafe-tui"]
    if session.demo:
        parts.append("DEMO")
    else:
        parts.append(f"profile {profile.name}" + (" (PRODUCTION)" if profile.production else ""))
    parts.append(server_text(session.client.base_url))
    if session.read_only:
        parts.append("READ-ONLY" + (" (W unlocks writing)" if session.can_unlock else ""))
    elif profile.production:
        parts.append("WRITING UNLOCKED (W locks)")
    if profile.insecure:
        parts.append("INSECURE: certificates not checked")
    if slow_link:
        # Why things look plainer: fewer colours, no animation, jump scrolling.
        parts.append("SLOW LINK")
    return " │ ".join(parts)


class SessionLine(NamedTuple):
    """What the header shows of a session: its words, and how it is coloured."""

    text: str
    #: Certificates are not checked.
    insecure: bool = False
    #: Writing unlocked on a production profile.
    unlocked: bool = False


def session_line(session: Session, slow_link: bool = False) -> SessionLine:
    profile = session.profile
    return SessionLine(
        context_text(session, slow_link),
        insecure=profile.insecure,
        unlocked=not session.read_only and profile.production,
    )


class ContextBar(Static):
    """Always in view, in the profile's colour. Shows ``line``, which the main
    screen binds to its own ``context`` (``data_bind``) and sets when the session's
    mode changes (unlocked, locked)."""

    line: var[SessionLine] = var(SessionLine(""))

    def __init__(self, line: SessionLine, *, color: str) -> None:
        super().__init__(line.text, id="context-bar", markup=False, classes=f"-color-{color}")
        self.set_reactive(ContextBar.line, line)
        self._classes_for(line)

    def watch_line(self, line: SessionLine) -> None:
        self.update(line.text)
        self._classes_for(line)

    def _classes_for(self, line: SessionLine) -> None:
        self.set_class(line.insecure, "-insecure")
        self.set_class(line.unlocked, "-unlocked")
