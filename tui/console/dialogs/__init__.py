"""Modal dialogs, each imported when first asked for (PEP 562): none is shown at
start, and the console's first frame should not wait for them."""

from typing import TYPE_CHECKING

from tui.console.dialogs.arming import ARMING_DELAY
from tui.console.lazy import lazy_names
from tui.ops import BatchPlan

if TYPE_CHECKING:
    from tui.console.dialogs.confirm_batch import TYPED_THRESHOLD, ConfirmBatch
    from tui.console.dialogs.confirm_fetch import ConfirmFetch
    from tui.console.dialogs.confirm_quit import ConfirmQuit
    from tui.console.dialogs.leak_report import ConfirmValues, OpenReport
    from tui.console.dialogs.name_server import NameServer
    from tui.console.dialogs.server_filter import ServerFilterDialog
    from tui.console.dialogs.unlock import UnlockWriting

_WHERE = {
    "TYPED_THRESHOLD": "confirm_batch",
    "ConfirmBatch": "confirm_batch",
    "ConfirmFetch": "confirm_fetch",
    "ConfirmQuit": "confirm_quit",
    "ConfirmValues": "leak_report",
    "OpenReport": "leak_report",
    "NameServer": "name_server",
    "ServerFilterDialog": "server_filter",
    "UnlockWriting": "unlock",
}


__getattr__ = lazy_names(__name__, _WHERE)


__all__ = [
    "ARMING_DELAY",
    "TYPED_THRESHOLD",
    "BatchPlan",
    "ConfirmBatch",
    "ConfirmFetch",
    "ConfirmQuit",
    "ConfirmValues",
    "NameServer",
    "OpenReport",
    "ServerFilterDialog",
    "UnlockWriting",
]
