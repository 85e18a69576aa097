"""Counted nouns, said right: "1 item", "28 items" (never "1 items"); and the
core's sentence for a gateway's rate limit, which every front end shows as is."""

from __future__ import annotations

import math

from tui.api.throttle import RateLimitNotice


def plural(count: int, noun: str = "item") -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def rate_limit_words(notice: RateLimitNotice) -> str:
    """ "rate limited, waiting 2 s; ..." for a batch that waits a rate limit out."""
    if notice.wait is None:
        head = "rate limited by the gateway (it named no wait)"
    else:
        head = f"rate limited, waiting {math.ceil(notice.wait)} s as the gateway asked"
    if notice.in_flight < notice.ceiling:
        head += f"; {notice.in_flight} request{'' if notice.in_flight == 1 else 's'} at a "
        head += f"time instead of {notice.ceiling} until it passes"
    return head + "; no item fails for it while the wait is within rate_limit_patience"
