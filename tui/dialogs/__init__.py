"""Modal dialogs."""

from tui.dialogs.confirm_batch import TYPED_THRESHOLD, ConfirmBatch
from tui.dialogs.confirm_fetch import ConfirmFetch
from tui.dialogs.confirm_quit import ConfirmQuit
from tui.dialogs.server_filter import ServerFilterDialog
from tui.dialogs.unlock import UnlockWriting
from tui.ops import BatchPlan

__all__ = [
    "TYPED_THRESHOLD",
    "BatchPlan",
    "ConfirmBatch",
    "ConfirmFetch",
    "ConfirmQuit",
    "ServerFilterDialog",
    "UnlockWriting",
]
