"""The confirmation before anything changes on the server.

Keyboard-safety rules from the operators' complaints (lazygit #2291, #4649; k9s
#302, #3939): the dialog names every item, says how many the filter hides, prints
its own keys, starts with focus on Cancel, ignores keys for a moment after the
key that opened it (a held-down key or one typed ahead must not confirm it), and
above ``TYPED_THRESHOLD`` items wants the count typed.

It cannot be typed through: tab goes Cancel, the reason, the count, the button;
a letter typed while a button has focus goes into the reason (only ``y``, ``n``
and, when there are uncertain items, ``i`` are keys there); enter in a text field
moves on and never sends.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.events import Key
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Static

from tui.api import Action
from tui.base.safe_text import safe_text
from tui.console.dialogs.arming import ARMING_DELAY as ARMING_DELAY
from tui.console.widgets.name_list import NameList
from tui.ops import BatchPlan
from tui.ops.guards import reason_given

#: Above this many items the count must be typed.
TYPED_THRESHOLD = 10
#: Uncertain items named in the dialog; the rest are counted.
UNCERTAIN_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Confirmation:
    """The operator's go-ahead: the batch's reason (possibly empty), and whether the
    uncertain items left out are to be sent too."""

    reason: str
    include_uncertain: bool = False


class ConfirmBatch(ModalScreen[Confirmation | None]):
    """``y`` confirms, ``n`` or ``escape`` cancels.

    Returns a :class:`Confirmation` to go ahead, None to cancel.
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
            tooltip=f"Confirm; above {TYPED_THRESHOLD} items type the count first (in a field, y"
            " and n are letters)",
        ),
        Binding(
            "i",
            "include_uncertain",
            "Include uncertain",
            show=False,
            id="confirm.include",
            tooltip="Include the uncertain items listed apart (left out unless asked)",
        ),
        Binding(
            "tab",
            "focus_step(1)",
            "Next field",
            show=False,
            id="confirm.next",
            tooltip=(
                "Cancel, the reason, the count (when asked), the button in turn; letters"
                " typed on a button go to the reason, enter in a field moves on"
            ),
        ),
        Binding(
            "shift+tab",
            "focus_step(-1)",
            "Previous field",
            show=False,
            id="confirm.previous",
            tooltip="The same order backwards",
        ),
    ]

    def __init__(
        self,
        plan: BatchPlan,
        *,
        opened_at: float | None = None,
        arming_delay: float = ARMING_DELAY,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """``opened_at`` is the time stamp of the key (or click) that opened the
        dialog, on the clock Textual stamps events with (``time.monotonic``);
        ``clock`` is that clock (tests pass their own). Without ``opened_at``:
        now."""
        super().__init__()
        self.plan = plan
        self._clock = clock or time.monotonic
        start = self._clock() if opened_at is None else opened_at
        #: Keys stamped earlier than this are ignored.
        self._armed_at = start + arming_delay
        self._arming_delay = arming_delay
        self.typed = len(plan.refs) + len(plan.uncertain) > TYPED_THRESHOLD
        #: The operator asked for the uncertain items to be sent too.
        self.include_uncertain = False

    @property
    def verb(self) -> str:
        if self.plan.dry_run:
            return "Write"
        return "Deactivate" if self.plan.action is Action.DEACTIVATE else "Activate"

    @property
    def count(self) -> int:
        """How many items the batch sends, as things stand."""
        extra = len(self.plan.uncertain) if self.include_uncertain else 0
        return len(self.plan.refs) + extra

    def _title(self) -> str:
        count = self.count
        noun = "item" if count == 1 else "items"
        title = f"{self.verb} {count} {noun}?"
        if self.plan.purpose:
            title = f"{self.plan.purpose}: {title[0].lower()}{title[1:]}"
        return title

    def _typed_hint(self) -> str:
        return f"Type {self.count} and press enter, then y to {self.verb.lower()}."

    def _keys_hint(self) -> str:
        if self.typed:
            keys = "type the count, enter, then y · n or esc cancels · tab moves"
        else:
            keys = "y sends · n or esc cancels · tab: the reason, the button"
        if self.plan.uncertain:
            keys += " · i includes the uncertain"
        return keys

    def compose(self) -> ComposeResult:
        plan = self.plan
        with Vertical(id="confirm-box"):
            yield Static(self._title(), id="confirm-title", markup=False)
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
            if plan.uncertain:
                yield Static(self._uncertain_text(), id="confirm-uncertain", markup=False)
                many = len(plan.uncertain)
                yield Checkbox(
                    f"Include the {many} uncertain item{'' if many == 1 else 's'} (i)",
                    False,
                    id="confirm-include",
                )
            need = "required" if plan.require_reason else "optional"
            yield Input(
                plan.proposed_reason,
                placeholder=f"reason or ticket ({need})",
                id="confirm-reason",
                select_on_focus=False,
            )
            if self.typed:
                yield Static(self._typed_hint(), id="confirm-typed-hint", markup=False)
                yield Input(
                    placeholder="type the count",
                    id="confirm-count",
                    restrict=r"[0-9]*",
                    select_on_focus=False,
                )
            # (replaced by the reason's hint when the profile requires one)
            yield Static(self._keys_hint(), id="confirm-keys", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel", id="confirm-cancel", variant="primary")
                # A dry run sends nothing: it must not look like the real thing.
                go = Button(self.verb, id="confirm-go", variant="error")
                if self.plan.dry_run:
                    go.variant = "default"
                yield go

    def _uncertain_text(self) -> str:
        uncertain = self.plan.uncertain
        names = ", ".join(
            f"{r.identifier} {safe_text(r.name)!r}" for r in uncertain[:UNCERTAIN_SHOWN]
        )
        if len(uncertain) > UNCERTAIN_SHOWN:
            names += f" and {len(uncertain) - UNCERTAIN_SHOWN} more"
        what = "1 uncertain item" if len(uncertain) == 1 else f"{len(uncertain)} uncertain items"
        state = "active" if self.plan.action is Action.ACTIVATE else "inactive"
        return (
            f"{what} left out: already {state}, an attempt of this batch may have done it: {names}"
        )

    def _hint(self, text: str) -> None:
        """Told in the dialog, not in a toast that would cover it and outlive it."""
        self.query_one("#confirm-keys", Static).update(text)

    def on_mount(self) -> None:
        # The height's class now, before the first layout: Textual sets it on the
        # resize that follows that layout, and the dialog was laid out again and
        # drawn a second time in the other shape (issue 23). The same rule: the
        # largest breakpoint the height reaches.
        height = self.app.size.height
        reached = max((b for b in self.VERTICAL_BREAKPOINTS if height >= b[0]), default=None)
        self.update_classes(
            {name: (limit, name) == reached for limit, name in self.VERTICAL_BREAKPOINTS}
        )
        if self.plan.require_reason:
            # The reason is the first thing to give: start there, not three tabs away.
            self.set_focus(self.query_one("#confirm-reason", Input))
            self._hint("type the reason or ticket, enter moves on · esc cancels")
        else:
            self.set_focus(self.query_one("#confirm-cancel", Button))

    # -- focus: one order, and typed text always lands in a text field ----------------

    def focus_order(self) -> list[Widget]:
        """Cancel, the reason, the count (when asked), the include box (when there
        are uncertain items), the action button; then the list of items (to
        scroll it by keys), and round again."""
        order: list[Widget] = [
            self.query_one("#confirm-cancel", Button),
            self.query_one("#confirm-reason", Input),
        ]
        if self.typed:
            order.append(self.query_one("#confirm-count", Input))
        if self.plan.uncertain:
            order.append(self.query_one("#confirm-include", Checkbox))
        order.append(self.query_one("#confirm-go", Button))
        order.append(self.query_one("#confirm-items", NameList))
        return order

    def action_focus_step(self, step: int) -> None:
        order = [widget for widget in self.focus_order() if widget.focusable]
        if not order:
            return
        focused = self.focused
        if focused in order:
            place = (order.index(focused) + step) % len(order)
        else:
            place = 0 if step > 0 else len(order) - 1
        self.set_focus(order[place])

    def _text_field_for(self, event: Key) -> Input | None:
        """The text field a typed character belongs in when the focused widget
        would not take it: digits to the count (when asked), other printable
        characters but space and the dialog's own keys to the reason."""
        character = event.character
        if character is None or not event.is_printable or character == " ":
            return None
        focused = self.focused
        try:
            reason = self.query_one("#confirm-reason", Input)
            count = self.query_one("#confirm-count", Input) if self.typed else None
        except NoMatches:
            return None  # not composed yet
        if focused is reason:
            return None
        if focused is count:
            # The count takes digits only: anything else is meant for the reason.
            return None if character.isdigit() else reason
        if count is not None and character.isdigit():
            return count
        keys = "yni" if self.plan.uncertain else "yn"  # the dialog's own keys there
        return None if character in keys or isinstance(focused, Input) else reason

    def route_key(self, event: Key) -> None:
        """Called by the app for each key as it arrives, before it is handed to the
        focused widget: a character meant for a text field moves focus there at
        once, so it and every key typed after it land in that field in order."""
        field = self._text_field_for(event)
        if field is not None:
            self.set_focus(field)

    def _armed(self) -> bool:
        return self._clock() >= self._armed_at

    def _cancels(self, key: str) -> bool:
        """Whether ``key`` is bound to cancelling here (escape and n, or the
        operator's own keys for them)."""
        active = self.active_bindings.get(key)
        return active is not None and active.binding.action == "cancel"

    def on_key(self, event: Key) -> None:
        field = self._text_field_for(event)
        if field is not None and event.character is not None:
            # A key handed to a button before the app could route it: typed text is
            # never dropped nor taken as a key.
            event.prevent_default()
            event.stop()
            self.set_focus(field)
            field.insert_text_at_cursor(event.character)
            return
        if event.time < self._armed_at and not self._cancels(event.key):
            # Pressed before the dialog armed (held down, or typed ahead of it):
            # swallowed, however late the app got round to it. Said, so a key
            # typed ahead is not lost in silence. Cancelling is never too soon.
            event.prevent_default()
            event.stop()
            self._hint(
                f"{event.key} ignored: keys count from {self._arming_delay:g} s after "
                "the dialog opens · press it again"
            )
            return
        focused = self.focused
        if event.key == "space" and isinstance(focused, Button):
            event.prevent_default()
            event.stop()
            focused.press()

    # -- going ahead --------------------------------------------------------------------

    @property
    def reason(self) -> str:
        return self.query_one("#confirm-reason", Input).value.strip()

    def _count_right(self) -> bool:
        return self.query_one("#confirm-count", Input).value.strip() == str(self.count)

    def _go(self) -> None:
        if self.typed and not self._count_right():
            self.query_one("#confirm-typed-hint", Static).update(self._typed_hint())
            self._hint(f"Type {self.count} in the count first.")
            self.set_focus(self.query_one("#confirm-count", Input))
            return
        if self.plan.require_reason and not reason_given(self.reason):
            self._hint("This profile requires a reason or ticket: type it, then enter.")
            self.set_focus(self.query_one("#confirm-reason", Input))
            return
        self.dismiss(Confirmation(self.reason, self.include_uncertain))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_confirm(self) -> None:
        if self._armed():
            self._go()

    def action_include_uncertain(self) -> None:
        if self.plan.uncertain:
            box = self.query_one("#confirm-include", Checkbox)
            box.value = not box.value

    @on(Checkbox.Changed, "#confirm-include")
    def _include_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.include_uncertain = event.value
        self.query_one("#confirm-title", Static).update(self._title())
        if self.typed:
            self.query_one("#confirm-typed-hint", Static).update(self._typed_hint())

    @on(Input.Submitted, "#confirm-reason")
    def _reason_done(self, event: Input.Submitted) -> None:
        # enter in the reason never sends: it moves on to the next step.
        event.stop()
        if self.typed:
            self.set_focus(self.query_one("#confirm-count", Input))
        else:
            self.set_focus(self.query_one("#confirm-go", Button))
            self._hint(self._keys_hint())

    @on(Input.Submitted, "#confirm-count")
    def _typed_count(self, event: Input.Submitted) -> None:
        # enter in the count never sends either: a right count moves on to the button.
        event.stop()
        if self._count_right():
            self.set_focus(self.query_one("#confirm-go", Button))
            self._hint(f"y or enter {self.verb.lower()}s · n or esc cancels")
        else:
            self.query_one("#confirm-typed-hint", Static).update(
                f"That is not {self.count}. Type {self.count} and press enter."
            )
            event.input.value = ""

    @on(Button.Pressed, "#confirm-cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#confirm-go")
    def _go_pressed(self) -> None:
        if self._armed():
            self._go()
