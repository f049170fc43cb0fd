"""Bounded concurrency for the poller's Karmada calls (app.poller.concurrency.bounded_gather)."""

from __future__ import annotations

import asyncio
from functools import partial

import pytest

from app.poller import monitor
from app.poller.concurrency import bounded_gather


async def test_results_keep_their_order_and_concurrency_stays_bounded() -> None:
    running = peak = 0
    release, first_batch = asyncio.Event(), asyncio.Event()

    async def call(n: int) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        if running == monitor.KARMADA_CONCURRENCY:
            first_batch.set()
        await release.wait()
        running -= 1
        return n * 10

    task = asyncio.create_task(
        bounded_gather([partial(call, n) for n in range(40)], monitor.KARMADA_CONCURRENCY)
    )
    await asyncio.wait_for(first_batch.wait(), timeout=5)
    release.set()
    assert await task == [n * 10 for n in range(40)]
    assert peak == monitor.KARMADA_CONCURRENCY


async def test_every_call_runs_before_the_first_failure_is_raised() -> None:
    done: list[int] = []

    async def call(n: int) -> int:
        await asyncio.sleep(0)
        if n == 3:
            raise RuntimeError("boom")
        done.append(n)
        return n

    with pytest.raises(RuntimeError, match="boom"):
        await bounded_gather([partial(call, n) for n in range(10)], monitor.KARMADA_CONCURRENCY)
    assert sorted(done) == [n for n in range(10) if n != 3]
