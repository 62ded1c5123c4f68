"""Live updates: the service's change callback turned into a Server-Sent Events stream.

The stream carries no data, only a "change" tick with a sequence number; each page then
fetches its own fragment (with its own session, in its own language), so the same tick
serves counter consoles, the dashboard and citizens' phones without leaking anything.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

# A page told of several changes within its interval fetches once: staff pages use the
# shortest, citizens' phones a longer one so that a busy floor does not flood the service.
MIN_INTERVAL_S = 0.3
MAX_INTERVAL_S = 30.0
HEARTBEAT_S = 10.0
# Streams end after this long so that a server shutting down never waits long for them.
MAX_STREAM_S = 55.0


class ChangeFeed:
    """Counts committed changes and wakes the SSE streams waiting on the event loop."""

    def __init__(self) -> None:
        self.seq = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._cond: asyncio.Condition | None = None
        self.closing = False

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._cond = asyncio.Condition()

    def notify(self) -> None:
        """Called from the service's thread after every committed batch."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._bump)

    def _bump(self) -> None:
        self.seq += 1
        asyncio.ensure_future(self._wake())

    async def _wake(self) -> None:
        assert self._cond is not None
        async with self._cond:
            self._cond.notify_all()

    async def wait(self, seen: int, timeout: float) -> int:
        assert self._cond is not None
        async with self._cond:
            if self.seq == seen:
                try:
                    await asyncio.wait_for(self._cond.wait(), timeout)
                except TimeoutError:
                    pass
        return self.seq

    async def stream(self, interval: float = MIN_INTERVAL_S) -> AsyncIterator[str]:
        """Ticks until the client goes (Starlette cancels the stream on disconnect) or the
        stream's lifetime ends; the browser reconnects and refreshes on its next hello."""
        seen = self.seq
        yield f"retry: 2000\nevent: hello\ndata: {seen}\n\n"
        deadline = asyncio.get_running_loop().time() + MAX_STREAM_S
        while not self.closing and asyncio.get_running_loop().time() < deadline:
            seq = await self.wait(seen, HEARTBEAT_S)
            if seq == seen:
                yield ": keep-alive\n\n"
                continue
            await asyncio.sleep(min(max(interval, MIN_INTERVAL_S), MAX_INTERVAL_S))
            seen = self.seq
            yield f"event: change\ndata: {seen}\n\n"
