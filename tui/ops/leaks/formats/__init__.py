"""One module per report format: each reads a decoded document into drafts
(:class:`~tui.ops.leaks.findings.Draft`), which the reader makes findings."""
