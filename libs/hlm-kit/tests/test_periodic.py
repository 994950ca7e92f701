"""Periodic jobs run at start, again at once while they have a full batch, and survive a failing run."""

from __future__ import annotations

import asyncio
import contextlib

from hlm_kit.periodic import PeriodicJob
from hlm_kit.testing.pytest_plugin import wait_for


async def _running(job: PeriodicJob) -> asyncio.Task[None]:
    return asyncio.create_task(job.run())


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_a_job_runs_at_start_and_again_at_once_while_batches_are_full() -> None:
    backlog = [5, 5, 2]  # two full batches of 5, then a short one
    runs: list[int] = []

    async def work() -> int:
        done = backlog.pop(0) if backlog else 0
        runs.append(done)
        return done

    task = await _running(PeriodicJob("drain", work, interval_s=3600, batch_size=5))
    try:
        await wait_for(lambda: _at_least(runs, 3))
    finally:
        await _stop(task)

    assert runs == [5, 5, 2]  # then it waits the hour for the next tick


async def test_a_failing_run_is_logged_and_the_job_goes_on() -> None:
    calls: list[str] = []

    async def work() -> int:
        calls.append("run")
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return 0

    job = PeriodicJob("flaky", work, interval_s=3600)
    task = await _running(job)
    try:
        await wait_for(lambda: _at_least(calls, 1))
        job.wake()
        await wait_for(lambda: _at_least(calls, 2))
    finally:
        await _stop(task)

    assert len(calls) == 2


async def test_wake_runs_the_job_before_its_next_tick() -> None:
    calls: list[int] = []

    async def work() -> int:
        calls.append(1)
        return 0

    job = PeriodicJob("woken", work, interval_s=3600)
    task = await _running(job)
    try:
        await wait_for(lambda: _at_least(calls, 1))
        job.wake()
        await wait_for(lambda: _at_least(calls, 2))
    finally:
        await _stop(task)

    assert len(calls) == 2


async def _at_least(items: list[object], count: int) -> bool:
    return len(items) >= count
