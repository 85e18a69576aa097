"""Textual's Footer, composed again only when the keys it shows changed."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

#: A key of the footer as its screen has it: (key, binding, enabled, tooltip).
Shown = tuple[object, ...]


class KeyFooter(Footer):
    """Footer recomposes (a new widget per key, each styled on mount) on every
    bindings signal: focus moving, a screen pushed, each ``refresh_bindings``. At
    the console's start that was seven times for the same twenty keys, about a
    tenth of the start-up; here a signal that changes nothing shown is dropped,
    and one that only greys or ungreys keys (a batch starting and ending) changes
    them where they stand: a recompose there cost 4 % of a 1 000-item batch."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[Shown, ...] | None = None
        self._recompose_pending = False
        #: The keys as composed, and whether each was composed greyed.
        self._composed: dict[Widget, bool] = {}

    def compose(self) -> ComposeResult:
        self._composed = {}
        for widget in super().compose():
            self._composed[widget] = widget.has_class("-disabled")
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            shown = tuple(
                (key, binding, enabled, tooltip)
                for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
            )
            if shown == self._shown:
                return
            before, self._shown = self._shown, shown
            if self._recompose_pending:
                return  # the recompose to come reads the bindings as they are then
            if before is not None and _keys(before) == _keys(shown) and self._grey(screen):
                return
            self._recompose_pending = True
        else:
            self._shown = None  # Footer composes nothing now: the next signal must
        super().bindings_changed(screen)

    def _grey(self, screen: Screen[Any]) -> bool:
        """Each key enabled or greyed where it stands, as the screen's bindings say
        (as Footer composes them: the first shown binding of its action, the
        palette's own). Footer's key keeps the state it was made with for a click:
        one greyed here still sends its key, which the screen refuses and says
        why; one composed greyed only rings the bell, so it is not enabled here
        (False, nothing changed: the caller recomposes)."""
        states: dict[str, tuple[bool, str]] = {}
        for _, binding, enabled, tooltip in screen.active_bindings.values():
            if binding.show:
                states.setdefault(binding.action, (enabled, tooltip))
        palette = screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if palette is not None:
            _, binding, enabled, _ = palette
            palette_state = (enabled, binding.tooltip or binding.description)
        changes: list[tuple[Widget, bool, str]] = []
        for key in self.query("FooterKey"):
            action = getattr(key, "action", None)
            if key.has_class("-command-palette") and palette is not None:
                enabled, tooltip = palette_state
            elif isinstance(action, str) and action in states:
                enabled, tooltip = states[action]
            else:
                continue
            if enabled and self._composed.get(key, True):
                return False
            changes.append((key, enabled, tooltip))
        for key, enabled, tooltip in changes:
            key.set_class(not enabled, "-disabled")
            key.tooltip = tooltip or None
        return True

    async def recompose(self) -> None:
        self._recompose_pending = False
        await super().recompose()


def _keys(shown: tuple[Shown, ...]) -> tuple[object, ...]:
    """Which keys a footer shows, whether greyed or not."""
    return tuple((key, binding) for key, binding, _, _ in shown)
