"""Where the table's view goes when the cursor leaves it: the scrolling policy.

Textual redraws every line of a view that moves (it does not use the terminal's
scroll regions), so a view that follows the cursor one line at a time costs a
whole table per keystroke. Jump scrolling is for thin links: when the cursor leaves
the view, the view turns a page less two lines, as ``less`` and vim's ``Ctrl-F`` do;
the two lines the cursor left stay in sight above it (below it going up), and a run
of ``j`` redraws the table once a page and repaints two lines in between. (Half a
page, vim's ``scrolljump=-50``, redrew it more often: 100 rows with ``j`` at 120x40
were five redraws of some 3.3 KB each, a page less two is three; issue 23.)
"""

from __future__ import annotations

#: The lines of the page the cursor leaves that stay in sight after a jump.
CONTEXT_LINES = 2


def view_top(cursor: int, top: int, height: int, count: int, *, jump: bool) -> int | None:
    """The view's new first row so that row ``cursor`` shows; None when it stays.

    ``height`` rows show from ``top``, of ``count`` in all. Without ``jump`` the
    view moves just enough; with it, by a page less ``CONTEXT_LINES`` at least
    (a line at least; never past the end).
    """
    height = max(height, 1)
    step = max(height - CONTEXT_LINES, 1) if jump else 1
    if cursor < top:
        new_top = min(cursor, top - step)
    elif cursor >= top + height:
        new_top = max(cursor - height + 1, top + step)
    else:
        return None
    return max(0, min(new_top, count - height))
