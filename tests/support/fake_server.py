"""A scripted stand-in for senhasegura, for unit tests of the client.

Each route answers from a queue of canned replies (the last one repeats), and every
request is recorded. The embedded simulator is the faithful server; this one exists
to send exactly the bytes a test needs, including broken ones.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import httpx
from pydantic import SecretStr

from tui.api import ClientSettings, MySafeClient, RetryPolicy

from support import api_examples

SECRET = "client-secret-Zq9!"
BASE = "https://vault.example.com"

Reply = tuple[int, str] | tuple[int, str, dict[str, str]] | Exception


@dataclass
class FakeMySafe:
    routes: dict[tuple[str, str], list[Reply]] = field(default_factory=lambda: defaultdict(list))
    requests: list[httpx.Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.on("POST", "/api/oauth2/token", (200, api_examples.TOKEN_OK))

    def on(self, method: str, path: str, *replies: Reply) -> FakeMySafe:
        self.routes[(method, path)] = list(replies)
        return self

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        queue = self.routes.get((request.method, request.url.path))
        if not queue:
            return httpx.Response(404, text=api_examples.KONG_NO_ROUTE_OLD)
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(reply, Exception):
            raise reply
        status, body, *rest = reply
        headers = rest[0] if rest else {}
        return httpx.Response(status, content=body.encode(), headers=headers)

    def calls(self, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == path]

    def client(self, **overrides: object) -> tuple[MySafeClient, list[float]]:
        """A client wired to this fake; the list collects the backoff sleeps. Its
        clock is virtual: a sleep moves it on at once, as the wait would have."""
        sleeps: list[float] = []
        now = [1000.0]

        async def fake_sleep(seconds: float) -> None:
            sleeps.append(seconds)
            now[0] += max(0.0, seconds)

        values: dict[str, object] = {
            "base_url": BASE + "/",
            "client_id": "cid",
            "client_secret": SecretStr(SECRET),
            "retry": RetryPolicy(attempts=4, base_delay=0.2, max_delay=3.0, deadline=30.0),
        }
        values.update(overrides)
        settings = ClientSettings(**values)  # type: ignore[arg-type]
        client = MySafeClient(
            settings,
            transport=httpx.MockTransport(self.handler),
            clock=lambda: now[0],
            sleep=fake_sleep,
            rng=lambda: 1.0,
        )
        return client, sleeps
