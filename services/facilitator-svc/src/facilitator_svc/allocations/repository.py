from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import delete, or_, select, tuple_, update
from sqlalchemy.orm import selectinload

from facilitator_svc.allocations.models import Allocation, AllocationParticipant, AllocationStatus
from hlm_kit.repository import RepositoryBase


class AllocationRepository(RepositoryBase[Allocation]):
    model = Allocation

    async def get_whole(self, id: UUID, *, for_update: bool = False) -> Allocation | None:
        statement = select(Allocation).where(Allocation.id == id).options(selectinload(Allocation.participants))
        if for_update:
            statement = statement.with_for_update(of=Allocation).execution_options(populate_existing=True)
        return await self.get_one_or_none(statement)

    async def page(self, region: str, *, after: tuple[datetime, UUID] | None, limit: int) -> Sequence[Allocation]:
        statement = (
            select(Allocation)
            .where(Allocation.region == region)
            .order_by(Allocation.created_at.desc(), Allocation.id.desc())
            .limit(limit)
        )
        if after is not None:
            statement = statement.where(tuple_(Allocation.created_at, Allocation.id) < after)
        return await self.get_all(statement)

    async def forget_participant(self, participant_id: str) -> None:
        """Take an erased participant out of every cohort."""
        await self.session.execute(
            delete(AllocationParticipant).where(AllocationParticipant.participant_id == participant_id)
        )

    async def claim_next(self, now: datetime, stale_after_s: float) -> UUID | None:
        """Take the oldest queued job, or a running one whose worker stopped reporting (its replica
        died); SKIP LOCKED lets replicas claim different jobs at once."""
        waiting = (
            select(Allocation.id)
            .where(
                or_(
                    Allocation.status == AllocationStatus.QUEUED,
                    (Allocation.status == AllocationStatus.RUNNING)
                    & (Allocation.heartbeat_at < now - timedelta(seconds=stale_after_s)),
                )
            )
            .order_by(Allocation.created_at)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        result = await self.session.execute(
            update(Allocation)
            .where(Allocation.id == waiting)
            .values(
                status=AllocationStatus.RUNNING,
                started_at=now,
                heartbeat_at=now,
                attempts=Allocation.attempts + 1,
                stage="loading",
                progress=0.05,
            )
            .returning(Allocation.id)
        )
        return result.scalar_one_or_none()
