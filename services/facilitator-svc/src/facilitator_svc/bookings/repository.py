from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from uuid import UUID

from sqlalchemy import ColumnElement, DateTime, Integer, Text, Uuid, any_, bindparam, or_, select, true, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY

from facilitator_svc.bookings.models import OPEN, Booking, BookingStatus
from facilitator_svc.facilitators.models import Facilitator
from facilitator_svc.participants.models import ParticipantReport
from hlm_kit.db import DriverStatement
from hlm_kit.repository import RepositoryBase

# What a listed session shows of its booking (``BookingOut`` but for ``report_id``), and its facilitator's name.
LISTED_COLUMNS = (
    Booking.id,
    Booking.status,
    Booking.facilitator_id,
    Facilitator.name.label("facilitator_name"),
    Booking.slot_id,
    Booking.participant_id,
    Booking.cycle_id,
    Booking.kind,
    Booking.mode,
    Booking.venue,
    Booking.starts_at,
    Booking.ends_at,
    Booking.hold_expires_at,
    Booking.allocation_id,
    Booking.created_at,
    Booking.confirmed_at,
    Booking.cancelled_at,
    Booking.cancellation_reason,
    Booking.completed_at,
    Booking.rating,
    Booking.rating_comment,
)


@dataclass(frozen=True, slots=True)
class ListedShape:
    """Which of a list's filters a request gives: a shape of the list's statement (see :func:`listed_statement`)."""

    participant: bool = False
    facilitator: bool = False
    region: bool = False
    status: bool = False
    facilitator_id: bool = False
    cycle_ids: bool = False
    kind: bool = False
    starts_from: bool = False
    starts_before: bool = False
    after: bool = False


@lru_cache(maxsize=256)
def listed_statement(shape: ListedShape) -> DriverStatement:
    """A page of bookings as plain rows of what a listed session shows (:data:`LISTED_COLUMNS`, then the
    latest ready report of its cycle, as :meth:`BookingRepository.reports_for` finds it), in order of time,
    compiled once per shape of the filters given: the caller's own (``participant``, the facilitator's
    ``facilitator_subject``, an admin's ``region``, any of them), then ``status``, ``facilitator_id``,
    ``cycle_ids`` (a list), ``kind``, ``starts_from``, ``starts_before``, ``after_starts_at`` and
    ``after_id``, and ``limit``. No object of the ORM, and no statement built or walked per request."""
    latest_report = (
        select(ParticipantReport.report_id)
        .where(ParticipantReport.cycle_id == Booking.cycle_id)
        .order_by(ParticipantReport.ready_at.desc())
        .limit(1)
        .lateral("latest_report")
    )
    whose: list[ColumnElement[bool]] = []
    if shape.participant:
        whose.append(Booking.participant_id == bindparam("participant", type_=Text))
    if shape.facilitator:
        whose.append(Facilitator.subject == bindparam("facilitator_subject", type_=Text))
    if shape.region:
        whose.append(Facilitator.region == bindparam("region", type_=Text))
    conditions: list[ColumnElement[bool]] = [or_(*whose)]
    if shape.status:
        conditions.append(Booking.status == bindparam("status", type_=Booking.__table__.c.status.type))
    if shape.facilitator_id:
        conditions.append(Booking.facilitator_id == bindparam("facilitator_id", type_=Uuid))
    if shape.cycle_ids:
        conditions.append(Booking.cycle_id == any_(bindparam("cycle_ids", type_=ARRAY(Uuid))))
    if shape.kind:
        conditions.append(Booking.kind == bindparam("kind", type_=Text))
    if shape.starts_from:
        conditions.append(Booking.starts_at >= bindparam("starts_from", type_=DateTime(timezone=True)))
    if shape.starts_before:
        conditions.append(Booking.starts_at < bindparam("starts_before", type_=DateTime(timezone=True)))
    if shape.after:
        after = tuple_(bindparam("after_starts_at", type_=DateTime(timezone=True)), bindparam("after_id", type_=Uuid))
        conditions.append(tuple_(Booking.starts_at, Booking.id) > after)
    statement = (
        select(*LISTED_COLUMNS, latest_report.c.report_id)
        .join(Facilitator, Facilitator.id == Booking.facilitator_id)
        .outerjoin(latest_report, true())
        .where(*conditions)
        .order_by(Booking.starts_at, Booking.id)
        .limit(bindparam("limit", type_=Integer))
    )
    return DriverStatement(statement)


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
