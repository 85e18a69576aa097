"""From a secret scanner's report to the vault items that hold the leaked values
(issue 20): read the reports, match their findings to items. No Textual, no Rich,
no command line here; front ends show what this decides.

- :mod:`.reading`: :func:`read_reports` (files, ``-`` for stdin) and
  :func:`read_report_bytes`, with size and count limits; one :class:`ReportError`.
- :mod:`.detect`: the format from the content; :mod:`.formats`: one parser each.
- :mod:`.findings`: :class:`Finding`, :class:`Location`, made safe at entry.
- :mod:`.values`: :class:`LeakedValue`, the leaked value as keyed digests only.
- :mod:`.matching`: :func:`plan_matching` (the fetch count, before fetching),
  :func:`match_findings` (async, over the client), :class:`MatchResult`.
- :mod:`.suggestions`: metadata suggestions, never marked.
"""

from tui.ops.leaks.errors import ReportError
from tui.ops.leaks.findings import Finding, Location, ReportFormat, ValueState
from tui.ops.leaks.matching import (
    FetchFailure,
    FetchProblem,
    FindingResult,
    How,
    ItemMatch,
    MatchPlan,
    MatchResult,
    batch_findings,
    list_candidates,
    match_findings,
    match_without_fetching,
    plan_matching,
    proposed_reason,
)
from tui.ops.leaks.reading import (
    MAX_FINDINGS,
    MAX_REPORT_BYTES,
    Limits,
    Reports,
    ReportSummary,
    read_report_bytes,
    read_reports,
)
from tui.ops.leaks.values import LeakedValue

__all__ = [
    "MAX_FINDINGS",
    "MAX_REPORT_BYTES",
    "FetchFailure",
    "FetchProblem",
    "Finding",
    "FindingResult",
    "How",
    "ItemMatch",
    "LeakedValue",
    "Limits",
    "Location",
    "MatchPlan",
    "MatchResult",
    "ReportError",
    "ReportFormat",
    "ReportSummary",
    "Reports",
    "ValueState",
    "batch_findings",
    "list_candidates",
    "match_findings",
    "match_without_fetching",
    "plan_matching",
    "proposed_reason",
    "read_report_bytes",
    "read_reports",
]
