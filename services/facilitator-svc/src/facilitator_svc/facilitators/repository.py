from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import func, or_, select, tuple_, update

from facilitator_svc.facilitators.models import Facilitator
from facilitator_svc.vocabulary import FacilitatorStatus
from hlm_kit.repository import RepositoryBase


class FacilitatorRepository(RepositoryBase[Facilitator]):
    model = Facilitator

    async def list_in_region(
        self,
        region: str,
        *,
        after: tuple[str, UUID] | None = None,
        limit: int | None = None,
        containing: str | None = None,
        status: FacilitatorStatus | None = None,
    ) -> Sequence[Facilitator]:
        statement = select(Facilitator).where(Facilitator.region == region).order_by(Facilitator.name, Facilitator.id)
        if containing is not None:
            # A part of a name or organisation code as typed: LIKE's own wildcards match as themselves.
            statement = statement.where(
                or_(
                    Facilitator.name.icontains(containing, autoescape=True),
                    Facilitator.organisation.icontains(containing, autoescape=True),
                )
            )
        if status is not None:
            statement = statement.where(Facilitator.status == status)
        if after is not None:
            statement = statement.where(tuple_(Facilitator.name, Facilitator.id) > after)
        if limit is not None:
            statement = statement.limit(limit)
        return await self.get_all(statement)

    async def get_many(self, ids: Sequence[UUID]) -> Sequence[Facilitator]:
        return await self.get_all(select(Facilitator).where(Facilitator.id.in_(ids)))

    async def get_by_subject(self, subject: str) -> Facilitator | None:
        return await self.get_one_or_none(select(Facilitator).where(Facilitator.subject == subject))

    async def get_by_emails(self, emails: Sequence[str]) -> Sequence[Facilitator]:
        lowered = [e.lower() for e in emails]
        return await self.get_all(select(Facilitator).where(func.lower(Facilitator.email).in_(lowered)))

    async def get_by_subjects(self, subjects: Sequence[str]) -> Sequence[Facilitator]:
        return await self.get_all(select(Facilitator).where(Facilitator.subject.in_(subjects)))

    async def forget_declared_conflict(self, participant_id: str) -> None:
        """Strike an erased participant from every facilitator's declared conflicts."""
        await self.session.execute(
            update(Facilitator)
            .where(Facilitator.conflict_participants.contains([participant_id]))
            .values(conflict_participants=func.array_remove(Facilitator.conflict_participants, participant_id))
        )

    async def lock(self, ids: Sequence[UUID], *, shared: bool = False) -> Sequence[Facilitator]:
        """Lock facilitators' rows, always in id order so two transactions never wait on each other
        in a circle, and read them afresh. Bookings of a facilitator are counted against capacity under
        this lock. ``shared`` only keeps the row from changing until the caller commits (a session is
        announced with the facilitator's account while no one can relink it)."""
        statement = (
            select(Facilitator)
            .where(Facilitator.id.in_(sorted(set(ids))))
            .order_by(Facilitator.id)
            .with_for_update(read=shared)
            .execution_options(populate_existing=True)
        )
        return await self.get_all(statement)
