"""Where the table's view goes when the cursor leaves it: the scrolling policy.

Textual redraws every line of a view that moves (it does not use the terminal's
scroll regions), so a view that follows the cursor one line at a time costs a
whole table per keystroke. Jump scrolling, as vim's ``scrolljump``, is for thin
links: when the cursor leaves the view, the view moves by at least half a page, so
a run of ``j`` redraws the table once every half page and repaints two lines in
between.
"""

from __future__ import annotations


def view_top(cursor: int, top: int, height: int, count: int, *, jump: bool) -> int | None:
    """The view's new first row so that row ``cursor`` shows; None when it stays.

    ``height`` rows show from ``top``, of ``count`` in all. Without ``jump`` the
    view moves just enough; with it, by half a page at least (never past the end).
    """
    height = max(height, 1)
    step = max(height // 2, 1) if jump else 1
    if cursor < top:
        new_top = min(cursor, top - step)
    elif cursor >= top + height:
        new_top = max(cursor - height + 1, top + step)
    else:
        return None
    return max(0, min(new_top, count - height))
