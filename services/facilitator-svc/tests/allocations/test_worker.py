"""The allocation worker: a job whose worker died is taken over, and one that keeps dying is failed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from facilitator_svc.allocations.models import Allocation, AllocationStatus
from facilitator_svc.allocations.repository import AllocationRepository
from facilitator_svc.allocations.worker import MAX_ATTEMPTS, AllocationWorker
from hlm_kit.db import create_sessionmaker

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def job(region: str, status: AllocationStatus, *, heartbeat_at: datetime | None, attempts: int = 1) -> Allocation:
    return Allocation(
        region=region,
        requested_by="admin-1",
        status=status,
        progress=0.4,
        stage="building",
        window_starts_at=LONG_AGO,
        window_ends_at=LONG_AGO + timedelta(days=30),
        participant_count=0,
        attempts=attempts,
        heartbeat_at=heartbeat_at,
        created_at=LONG_AGO,
    )


async def test_a_running_job_whose_worker_stopped_reporting_is_taken_over(session: AsyncSession) -> None:
    now = datetime.now(UTC)
    alive = job("london", AllocationStatus.RUNNING, heartbeat_at=now - timedelta(seconds=5))
    stale = job("london", AllocationStatus.RUNNING, heartbeat_at=now - timedelta(minutes=10))
    session.add_all([alive, stale])
    await session.flush()

    claimed = await AllocationRepository(session).claim_next(now, stale_after_s=300)

    assert claimed == stale.id
    await session.refresh(stale)
    assert (stale.attempts, stale.status) == (2, AllocationStatus.RUNNING)
    await session.refresh(alive)
    assert alive.attempts == 1


async def test_a_job_that_keeps_losing_its_worker_is_failed_instead_of_retried_forever(
    engine: AsyncEngine, settings: Any, live_region: str
) -> None:
    sessions = create_sessionmaker(engine)
    async with sessions() as session, session.begin():
        doomed = job(live_region, AllocationStatus.RUNNING, heartbeat_at=LONG_AGO, attempts=MAX_ATTEMPTS)
        session.add(doomed)

    ran = await AllocationWorker(sessions, settings).run_once()

    assert ran is True
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                text("SELECT status, error FROM facilitator.allocation WHERE id = :id"), {"id": doomed.id}
            )
        ).one()
    assert row.status == "failed"
    assert "gave up after 3 attempts" in row.error
