"""One re-check of a connection's credentials per interval, however many streams it holds.

Re-checking per subscription woke every subscriber every interval (10,000 subscriptions:
10,000 wake-ups, and in token mode as many database reads, per second). A connection's
streams share one watch instead: a task, running only while streams are attached, calls the
check every interval and, when it fails, resolves ``revoked``, which every attached stream
waits on beside its next item.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Check = Callable[[], Awaitable[bool]]


class CredentialWatch:
    def __init__(self, check: Check, interval_seconds: float) -> None:
        self._check = check
        self._interval = interval_seconds
        self._attached = 0
        self._task: asyncio.Task[None] | None = None
        self._revoked: asyncio.Future[None] | None = None

    @property
    def running(self) -> bool:
        """Whether a re-check task is scheduled (only while streams are attached)."""
        return self._task is not None and not self._task.done()

    @property
    def attached(self) -> int:
        return self._attached

    @property
    def revoked(self) -> asyncio.Future[None] | None:
        """Resolved once a re-check failed (app.graphql.ws_guard refuses new operations then)."""
        return self._revoked

    def attach(self) -> asyncio.Future[None]:
        """Count a stream in; the future resolves when the credentials stop being valid."""
        loop = asyncio.get_running_loop()
        if self._revoked is None:
            self._revoked = loop.create_future()
        self._attached += 1
        if self._task is None and not self._revoked.done():
            self._task = loop.create_task(self._run())
        return self._revoked

    def detach(self) -> None:
        self._attached -= 1
        if self._attached == 0 and self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                valid = await self._check()
            except Exception:  # a database blip must not end every stream: retry next time
                log.warning("credential re-check failed; retrying", exc_info=True)
                continue
            if not valid:
                assert self._revoked is not None
                if not self._revoked.done():
                    self._revoked.set_result(None)
                self._task = None
                return
