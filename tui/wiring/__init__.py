"""How the pieces are put together for a front end: a session on a server or on the demo."""

from tui.wiring.session import build_session

__all__ = ["build_session"]
