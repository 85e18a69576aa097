"""The header: which profile and server the operator acts on, and in which mode."""

from __future__ import annotations

import httpx
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


class ContextBar(Static):
    """Always in view, in the profile's colour."""

    def __init__(self, session: Session, *, slow_link: bool = False) -> None:
        super().__init__(
            context_text(session, slow_link),
            id="context-bar",
            markup=False,
            classes=f"-color-{session.profile.color}",
        )
        self.session = session
        self.slow_link = slow_link

    def show_session(self) -> None:
        self.update(context_text(self.session, self.slow_link))
        self.set_class(self.session.profile.insecure, "-insecure")
        self.set_class(not self.session.read_only and self.session.profile.production, "-unlocked")
