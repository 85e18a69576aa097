"""The simulator on a loopback socket, in a thread of the test process."""

from __future__ import annotations

import asyncio
import threading

from tui.simulator import Simulator, serve


class ServedSimulator:
    """The simulator on a loopback socket, in a thread of this process, so the test
    can look at its state while the app talks to it over HTTP."""

    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator
        self.url = ""
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with serve(self.simulator) as url:
            self.url = url
            self._ready.set()
            await self._stop.wait()

    def __enter__(self) -> ServedSimulator:
        self._thread.start()
        assert self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)
