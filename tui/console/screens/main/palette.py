"""The command palette's entries for the main screen: every binding, with its key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen


def key_of(binding: Binding) -> str:
    from tui.console.screens.help import format_keys  # the help screen, when the palette opens

    return binding.key_display or format_keys(binding.key)


def palette_commands(screen: Screen[Any]) -> Iterable[SystemCommand]:
    """One entry per binding of the screen and the app, its key in the title: the
    palette teaches the keys as it runs them."""
    for node, bindings in ((screen, screen.BINDINGS), (screen.app, screen.app.BINDINGS)):
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            yield SystemCommand(
                f"{binding.description} · {key_of(binding)}",
                binding.tooltip or binding.description,
                lambda action=binding.action, node=node: node.run_action(action),
            )
