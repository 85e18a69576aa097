"""Modal dialogs, each imported when first asked for (PEP 562): none is shown at
start, and the console's first frame should not wait for them."""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from tui.ops import BatchPlan

if TYPE_CHECKING:
    from tui.dialogs.confirm_batch import TYPED_THRESHOLD, ConfirmBatch
    from tui.dialogs.confirm_fetch import ConfirmFetch
    from tui.dialogs.confirm_quit import ConfirmQuit
    from tui.dialogs.server_filter import ServerFilterDialog
    from tui.dialogs.unlock import UnlockWriting

_WHERE = {
    "TYPED_THRESHOLD": "confirm_batch",
    "ConfirmBatch": "confirm_batch",
    "ConfirmFetch": "confirm_fetch",
    "ConfirmQuit": "confirm_quit",
    "ServerFilterDialog": "server_filter",
    "UnlockWriting": "unlock",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"tui.dialogs.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "TYPED_THRESHOLD",
    "BatchPlan",
    "ConfirmBatch",
    "ConfirmFetch",
    "ConfirmQuit",
    "ServerFilterDialog",
    "UnlockWriting",
]
