"""The confirmation before anything changes on the server.

Keyboard-safety rules from the operators' complaints (lazygit #2291, #4649; k9s
#302, #3939): the dialog names every item, says how many the filter hides, prints
its own keys, starts with focus on Cancel, ignores keys for a moment after it
opens (a held-down key must not confirm it), and above ``TYPED_THRESHOLD`` items
wants the count typed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tui.api import Action
from tui.ops import BatchPlan
from tui.safe_text import safe_text
from tui.widgets.name_list import NameList

#: Above this many items the count must be typed.
TYPED_THRESHOLD = 10
#: Keys arriving this soon after the dialog opens are ignored (key auto-repeat).
ARMING_DELAY = 0.35


class ConfirmBatch(ModalScreen[str | None]):
    """``y`` confirms, ``n`` or ``escape`` cancels.

    Returns the batch's reason (possibly empty) to go ahead, None to cancel.
    """

    # Short terminals (80x24) get a tighter dialog so the keys and buttons stay
    # on screen below the list of items.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="confirm.cancel", tooltip="Cancel: nothing sent"),
        Binding("n", "cancel", "Cancel", show=False, id="confirm.no", tooltip="Cancel"),
        Binding(
            "y",
            "confirm",
            "Confirm",
            show=False,
            id="confirm.yes",
            tooltip=f"Confirm; above {TYPED_THRESHOLD} items type the count, then enter",
        ),
        Binding(
            "tab",
            "app.focus_next",
            "Next field",
            show=False,
            id="confirm.next",
            tooltip="The reason, the count, the buttons in turn",
        ),
    ]

    def __init__(
        self,
        plan: BatchPlan,
        *,
        arming_delay: float = ARMING_DELAY,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__()
        self.plan = plan
        #: Injected by tests: keys are ignored until this clock passes the arming time.
        self._clock = clock or time.monotonic
        self._armed_at = self._clock() + arming_delay
        self.typed = len(plan.refs) > TYPED_THRESHOLD

    @property
    def verb(self) -> str:
        if self.plan.dry_run:
            return "Write"
        return "Deactivate" if self.plan.action is Action.DEACTIVATE else "Activate"

    def compose(self) -> ComposeResult:
        plan = self.plan
        count = len(plan.refs)
        noun = "item" if count == 1 else "items"
        with Vertical(id="confirm-box"):
            title = f"{self.verb} {count} {noun}?"
            if plan.purpose:
                title = f"{plan.purpose}: {title[0].lower()}{title[1:]}"
            yield Static(title, id="confirm-title", markup=False)
            if plan.hidden:
                yield Static(
                    f"{plan.hidden} of them hidden by the current filter.",
                    id="confirm-hidden",
                    classes="confirm-warning",
                    markup=False,
                )
            if plan.refused:
                names = ", ".join(f"{r.identifier} {safe_text(r.name)!r}" for r in plan.refused[:5])
                more = f" and {len(plan.refused) - 5} more" if len(plan.refused) > 5 else ""
                left_out = len(plan.refused)
                what = "1 item is" if left_out == 1 else f"{left_out} items are"
                them = "it" if left_out == 1 else "them"
                yield Static(
                    f"{what} left out: you may not edit {them}: {names}{more}",
                    id="confirm-refused",
                    classes="confirm-warning",
                    markup=False,
                )
            yield NameList(plan.refs, id="confirm-items")
            need = "required" if plan.require_reason else "optional"
            yield Input(
                placeholder=f"reason or ticket ({need})",
                id="confirm-reason",
                select_on_focus=False,
            )
            if self.typed:
                yield Static(
                    f"Type {count} and press enter to {self.verb.lower()}.",
                    id="confirm-typed-hint",
                    markup=False,
                )
                yield Input(
                    placeholder="type the count",
                    id="confirm-count",
                    restrict=r"[0-9]*",
                    select_on_focus=False,
                )
            keys = "type the count, enter confirms" if self.typed else "y confirms"
            # (replaced by the reason's hint when the profile requires one)
            yield Static(f"{keys} · n or esc cancels · tab moves", id="confirm-keys", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel", id="confirm-cancel", variant="primary")
                # A dry run sends nothing: it must not look like the real thing.
                go = Button(self.verb, id="confirm-go", variant="error")
                if self.plan.dry_run:
                    go.variant = "default"
                yield go

    def _hint(self, text: str) -> None:
        """Told in the dialog, not in a toast that would cover it and outlive it."""
        self.query_one("#confirm-keys", Static).update(text)

    def on_mount(self) -> None:
        if self.plan.require_reason:
            # The reason is the first thing to give: start there, not three tabs away.
            self.query_one("#confirm-reason", Input).focus()
            self._hint("type the reason or ticket, enter moves on · esc cancels")
        else:
            self.query_one("#confirm-cancel", Button).focus()

    def _armed(self) -> bool:
        return self._clock() >= self._armed_at

    def on_key(self, event: Key) -> None:
        if not self._armed():
            # A key still held from before the dialog opened: swallow it.
            event.prevent_default()
            event.stop()
            return
        typing = isinstance(self.focused, Input)
        if self.typed and not typing and event.character is not None and event.character.isdigit():
            count = self.query_one("#confirm-count", Input)
            if not count.has_focus:
                count.focus()
                count.insert_text_at_cursor(event.character)
                event.prevent_default()
                event.stop()

    @property
    def reason(self) -> str:
        return self.query_one("#confirm-reason", Input).value.strip()

    def _go(self) -> None:
        if self.plan.require_reason and not self.reason:
            self._hint("This profile requires a reason or ticket: type it, then enter.")
            self.query_one("#confirm-reason", Input).focus()
            return
        self.dismiss(self.reason)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_confirm(self) -> None:
        if not self._armed():
            return
        if self.typed:
            self._hint(f"Type {len(self.plan.refs)} and press enter to confirm.")
            return
        self._go()

    @on(Input.Submitted, "#confirm-reason")
    def _reason_done(self, event: Input.Submitted) -> None:
        # enter in the reason never confirms: it moves on to the next step.
        event.stop()
        if self.typed:
            self.query_one("#confirm-count", Input).focus()
        else:
            self.query_one("#confirm-cancel", Button).focus()

    @on(Input.Submitted, "#confirm-count")
    def _typed_count(self, event: Input.Submitted) -> None:
        event.stop()
        if not self._armed():
            return
        if event.value.strip() == str(len(self.plan.refs)):
            self._go()
        else:
            self.query_one("#confirm-typed-hint", Static).update(
                f"That is not {len(self.plan.refs)}. Type {len(self.plan.refs)} and press enter."
            )
            event.input.value = ""

    @on(Button.Pressed, "#confirm-cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#confirm-go")
    def _go_pressed(self) -> None:
        if self.typed:
            self.query_one("#confirm-count", Input).focus()
            return
        if self._armed():
            self._go()
