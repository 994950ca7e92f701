from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, select, true, tuple_, update

from facilitator_svc.bookings.models import OPEN, Booking, BookingStatus
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

    async def lock_upcoming_of(
        self, participant_id: str, now: datetime, *, facilitator_email_hash: str | None = None
    ) -> Sequence[Booking]:
        """Lock the participant's open sessions still to come; with ``facilitator_email_hash``, only
        those with the facilitator whose email has that keyed hash."""
        statement = select(Booking).where(
            Booking.participant_id == participant_id, Booking.status.in_(OPEN), Booking.starts_at > now
        )
        if facilitator_email_hash is not None:
            statement = (
                statement.join(Facilitator, Facilitator.id == Booking.facilitator_id)
                .where(Facilitator.email_hash == facilitator_email_hash)
                .with_for_update(of=Booking)
            )
        else:
            statement = statement.with_for_update()
        return (await self.session.execute(statement)).scalars().all()

    async def forget_participant(self, participant_id: str) -> None:
        """Keep the participant's sessions (facilitators' history and load stay true) without anything
        that is about them: who booked, their organisation and region, their words."""
        await self.session.execute(
            update(Booking)
            .where(Booking.booked_by == participant_id)
            .values(booked_by=None, idempotency_key=None, idempotency_fingerprint=None)
        )
        await self.session.execute(
            update(Booking)
            .where(Booking.participant_id == participant_id)
            .values(
                participant_id=None,
                participant_organisation=None,
                participant_region=None,
                rating_comment=None,
                cancellation_reason=None,
            )
        )

    async def page(
        self,
        conditions: Sequence[ColumnElement[bool]],
        *,
        after: tuple[datetime, UUID] | None,
        limit: int,
    ) -> Sequence[tuple[Booking, Facilitator, UUID | None]]:
        """A page of bookings with their facilitator and the latest ready report of each one's cycle (as
        :meth:`reports_for` finds it), in one round trip."""
        latest_report = (
            select(ParticipantReport.report_id)
            .where(ParticipantReport.cycle_id == Booking.cycle_id)
            .order_by(ParticipantReport.ready_at.desc())
            .limit(1)
            .lateral("latest_report")
        )
        statement = (
            select(Booking, Facilitator, latest_report.c.report_id)
            .join(Facilitator, Facilitator.id == Booking.facilitator_id)
            .outerjoin(latest_report, true())
            .where(*conditions)
            .order_by(Booking.starts_at, Booking.id)
            .limit(limit)
        )
        if after is not None:
            statement = statement.where(tuple_(Booking.starts_at, Booking.id) > after)
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(statement)).all()]

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
