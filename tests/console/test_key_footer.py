"""The footer greys and ungreys keys where they stand, and recomposes only when it
must (tui/console/widgets/key_footer.py)."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widget import Widget

from tui.console.widgets import KeyFooter

from support.console import idle, running, slow_batch_app, start_slow_batch, wait_until


class KeysApp(App[None]):
    BINDINGS = [("x", "go", "Go"), ("y", "stay", "Stay")]

    def __init__(self, allowed: bool) -> None:
        super().__init__()
        self.allowed = allowed
        self.went = 0

    def compose(self) -> ComposeResult:
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "go" and not self.allowed else True  # None: greyed

    def action_go(self) -> None:
        self.went += 1

    def action_stay(self) -> None:
        pass


def go_key(app: App[Any]) -> Widget:
    return next(key for key in app.query("FooterKey") if getattr(key, "action", "") == "go")


async def test_a_key_greyed_and_ungreyed_stays_the_same_widget_and_clickable() -> None:
    app = KeysApp(allowed=True)
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        key = go_key(app)
        app.allowed = False
        app.refresh_bindings()
        await wait_until(pilot, lambda: go_key(app).has_class("-disabled"))
        assert go_key(app) is key, "greyed where it stands"
        app.allowed = True
        app.refresh_bindings()
        await wait_until(pilot, lambda: not go_key(app).has_class("-disabled"))
        assert go_key(app) is key
        await pilot.click(key)
        assert app.went == 1


async def test_a_key_composed_greyed_is_composed_again_to_be_clickable() -> None:
    app = KeysApp(allowed=False)
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        key = go_key(app)
        assert key.has_class("-disabled")
        app.allowed = True
        app.refresh_bindings()
        await wait_until(pilot, lambda: not go_key(app).has_class("-disabled"))
        assert go_key(app) is not key, "composed again"
        await pilot.click(go_key(app))
        assert app.went == 1


async def test_a_batch_greys_the_console_keys_without_composing_the_footer() -> None:
    sim, app = slow_batch_app()
    async with running(app, size=(120, 40)) as pilot:
        footer = app.main.query_one(KeyFooter)
        keys = list(footer.query("FooterKey"))

        def greyed() -> set[str]:
            return {str(getattr(k, "action", "")) for k in keys if k.has_class("-disabled")}

        before = greyed()
        await start_slow_batch(app, sim, pilot)
        await wait_until(pilot, lambda: "deactivate" in greyed())
        assert list(footer.query("FooterKey")) == keys, "the same widgets"
        await pilot.press("escape")
        await idle(app)
        await wait_until(pilot, lambda: greyed() == before)
        assert list(footer.query("FooterKey")) == keys


def test_what_the_footer_relies_on_is_pinned_to_its_textual_version() -> None:
    """KeyFooter overrides Footer.bindings_changed (public name, undocumented) and
    finds Footer's keys by the type name FooterKey (a class of textual.widgets._footer)
    (issue 19): both are Textual's inside, so they are pinned here with the version
    they were read from. A Textual upgrade fails this test first: read the footer's
    source again, then move the pin."""
    import inspect

    import textual
    from textual.widgets import Footer

    assert textual.__version__ == "8.2.8"
    assert "bindings_changed" in vars(Footer)
    assert list(inspect.signature(Footer.bindings_changed).parameters) == ["self", "screen"]
    assert "FooterKey" in inspect.getsource(Footer.compose)
