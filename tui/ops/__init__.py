"""The operations core: what the operator does, for every front end.

No Textual and no Rich here (an import-linter contract checks it): the session,
its guards, the batch runner, undo history, resume, dry run, the journal and its
exports. Front ends show what this package decides.
"""

from tui.api import Result
from tui.ops.guards import Refusal, Refused, Why
from tui.ops.journal import Journal, JournalContext, JournalError
from tui.ops.outcomes import ItemOutcome
from tui.ops.plans import BatchPlan, ProfileView
from tui.ops.records import BatchRecord, interrupted_batches, load_batches, read_records
from tui.ops.runner import BatchListener, BatchRun
from tui.ops.session import Session, counter_ids

__all__ = [
    "BatchListener",
    "BatchPlan",
    "BatchRecord",
    "BatchRun",
    "ItemOutcome",
    "Journal",
    "JournalContext",
    "JournalError",
    "ProfileView",
    "Refusal",
    "Refused",
    "Result",
    "Session",
    "Why",
    "counter_ids",
    "interrupted_batches",
    "load_batches",
    "read_records",
]
