"""Textual's Footer, composed again only when the keys it shows changed."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Footer recomposes (a new widget per key, each styled on mount) on every
    bindings signal: focus moving, a screen pushed, each ``refresh_bindings``. At
    the console's start that was seven times for the same twenty keys, about a
    tenth of the start-up; here a signal that changes nothing shown is dropped."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[object, ...] | None = None
        self._recompose_pending = False

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            shown = tuple(
                (key, binding, enabled, tooltip)
                for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
            )
            if shown == self._shown:
                return
            self._shown = shown
            if self._recompose_pending:
                return  # the recompose to come reads the bindings as they are then
            self._recompose_pending = True
        else:
            self._shown = None  # Footer composes nothing now: the next signal must
        super().bindings_changed(screen)

    async def recompose(self) -> None:
        self._recompose_pending = False
        await super().recompose()
