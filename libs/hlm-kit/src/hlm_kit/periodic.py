"""Periodic jobs: work a service does on a clock (closing what is due, sending what is queued).

A job keeps its state in the database, so a restart loses nothing: the next run finds what is due.
Every replica runs the job; the work itself claims its rows with ``FOR UPDATE SKIP LOCKED`` and
commits them in the same transaction, so each row is done once however many replicas run at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable

import structlog
from prometheus_client import Counter

log = structlog.get_logger(__name__)

JOB_RUNS = Counter("periodic_job_runs_total", "Runs of periodic jobs", ["job", "outcome"])


class PeriodicJob:
    """Runs ``work`` at start and then every ``interval_s`` (with a little jitter, so replicas started
    together drift apart) until cancelled. ``work`` returns how many things it did; when that reaches
    ``batch_size`` more may be waiting and it runs again at once. A failing run is logged and retried at
    the next tick: one bad run never stops the job."""

    def __init__(
        self,
        name: str,
        work: Callable[[], Awaitable[int]],
        *,
        interval_s: float,
        batch_size: int | None = None,
        jitter: float = 0.1,
    ) -> None:
        self.name = name
        self._work = work
        self._interval_s = interval_s
        self._batch_size = batch_size
        self._jitter = jitter
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Run as soon as the current wait allows, instead of at the next tick."""
        self._wake.set()

    async def run_once(self) -> int:
        """One run of the work; failures are logged and counted, and reported as nothing done."""
        try:
            done = await self._work()
        except Exception as exc:
            JOB_RUNS.labels(self.name, "failed").inc()
            log.exception("periodic job failed", job=self.name, exc_info=exc)
            return 0
        JOB_RUNS.labels(self.name, "ok").inc()
        return done

    async def run(self) -> None:
        """Run until cancelled."""
        while True:
            # Cleared before the run, so a wake() that arrives during it makes the next run start at once.
            self._wake.clear()
            done = await self.run_once()
            if self._batch_size is not None and done >= self._batch_size:
                await asyncio.sleep(0)  # let other tasks in, then take the next batch
                continue
            delay = self._interval_s * (1 + random.uniform(-self._jitter, self._jitter))  # noqa: S311 (not security)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(delay, 0.0))
