"""OAuth2 client credentials: fetch a bearer token, cache it, refresh it early."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from tui.api.errors import AuthenticationError

#: Refresh once this fraction of ``expires_in`` has passed (the API notes suggest 90%).
REFRESH_AT = 0.9
#: When the token endpoint gives no usable ``expires_in``, the documented default.
DEFAULT_LIFETIME = 3600.0

TokenFetcher = Callable[[], Awaitable[tuple[str, float]]]


class TokenCache:
    """Holds one access token; concurrent callers share a single fetch.

    ``fetch`` returns ``(access_token, expires_in)``. The token is reused until
    ``REFRESH_AT`` of its lifetime has passed. After a 401 the caller invalidates the
    token it used; if another request already replaced it, nothing is thrown away.
    """

    def __init__(self, fetch: TokenFetcher, clock: Callable[[], float]) -> None:
        self._fetch = fetch
        self._clock = clock
        self._token: str | None = None
        self._refresh_at = 0.0
        self._lock = asyncio.Lock()
        #: How many tokens were fetched (for tests and the log panel).
        self.fetches = 0

    def _valid(self) -> str | None:
        if self._token is not None and self._clock() < self._refresh_at:
            return self._token
        return None

    async def get(self) -> str:
        token = self._valid()
        if token is not None:
            return token
        async with self._lock:
            token = self._valid()
            if token is not None:
                return token
            token, expires_in = await self._fetch()
            if not token:
                raise AuthenticationError("the token endpoint returned an empty access token")
            self.fetches += 1
            self._token = token
            self._refresh_at = self._clock() + max(expires_in, 1.0) * REFRESH_AT
            return token

    def invalidate(self, token: str) -> None:
        if self._token == token:
            self._token = None

    def clear(self) -> None:
        self._token = None
