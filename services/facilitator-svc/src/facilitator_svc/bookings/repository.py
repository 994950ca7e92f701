from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, select, tuple_, update

from facilitator_svc.bookings.models import Booking, BookingStatus
from facilitator_svc.facilitators.models import Facilitator
from facilitator_svc.participants.models import ParticipantReport
from hlm_kit.repository import RepositoryBase


class BookingRepository(RepositoryBase[Booking]):
    model = Booking

    async def get_with_facilitator(self, id: UUID, *, for_update: bool = False) -> tuple[Booking, Facilitator] | None:
        statement = (
            select(Booking, Facilitator)
            .join(Facilitator, Facilitator.id == Booking.facilitator_id)
            .where(Booking.id == id)
        )
        if for_update:
            statement = statement.with_for_update(of=Booking).execution_options(populate_existing=True)
        row = (await self.session.execute(statement)).first()
        return (row[0], row[1]) if row else None

    async def expire_holds(self, facilitator_ids: Sequence[UUID], now: datetime) -> None:
        """Release holds that ran out, so the exclusion constraint no longer counts them."""
        await self.session.execute(
            update(Booking)
            .where(
                Booking.facilitator_id.in_(facilitator_ids),
                Booking.status == BookingStatus.HELD,
                Booking.hold_expires_at <= now,
            )
            .values(status=BookingStatus.EXPIRED)
        )

    async def page(
        self,
        conditions: Sequence[ColumnElement[bool]],
        *,
        after: tuple[datetime, UUID] | None,
        limit: int,
    ) -> Sequence[tuple[Booking, Facilitator]]:
        statement = (
            select(Booking, Facilitator)
            .join(Facilitator, Facilitator.id == Booking.facilitator_id)
            .where(*conditions)
            .order_by(Booking.starts_at, Booking.id)
            .limit(limit)
        )
        if after is not None:
            statement = statement.where(tuple_(Booking.starts_at, Booking.id) > after)
        return [(row[0], row[1]) for row in (await self.session.execute(statement)).all()]

    async def reports_for(self, cycle_ids: Sequence[UUID]) -> dict[UUID, UUID]:
        """The latest ready report of each cycle."""
        if not cycle_ids:
            return {}
        statement = (
            select(ParticipantReport.cycle_id, ParticipantReport.report_id)
            .where(ParticipantReport.cycle_id.in_(cycle_ids))
            .order_by(ParticipantReport.ready_at)
        )
        return {row.cycle_id: row.report_id for row in await self.session.execute(statement)}
