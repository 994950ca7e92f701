"""Feedback sessions as facilitator-svc announced them: who may see and release a coached report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import SessionBookedV1, SessionCancelledV1, SessionCompletedV1, SessionKind
from report_svc.cycles import service as cycle_service
from report_svc.sessions.models import Booking


async def on_booked(session: AsyncSession, data: SessionBookedV1, published_at: datetime) -> None:
    # Coaching and mentoring are not the coached release of a report: a coach or mentor sees no report.
    if data.kind != SessionKind.FEEDBACK:
        return
    await cycle_service.hold_participant(session, data.participant_id)
    if await cycle_service.is_erased(session, cycle_id=data.cycle_id, participant_id=data.participant_id):
        return  # a booking announced after its participant was erased names them again: not kept
    details = {
        "facilitator_id": data.facilitator_id,
        "facilitator_subject": data.facilitator_subject,
        "participant_id": data.participant_id,
        "cycle_id": data.cycle_id,
        "starts_at": data.starts_at,
        "ends_at": data.ends_at,
        "booked_event_at": published_at,
    }
    statement = insert(Booking).values(id=data.booking_id, **details)
    # The latest booking event wins (a reschedule); a cancellation recorded earlier stays.
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["id"],
            set_=details,
            where=or_(Booking.booked_event_at.is_(None), Booking.booked_event_at <= published_at),
        )
    )


async def on_cancelled(session: AsyncSession, data: SessionCancelledV1) -> None:
    await session.execute(
        insert(Booking)
        .values(id=data.booking_id, cancelled_at=data.cancelled_at)
        .on_conflict_do_update(index_elements=["id"], set_={"cancelled_at": data.cancelled_at})
    )


async def on_completed(session: AsyncSession, data: SessionCompletedV1) -> None:
    await session.execute(
        insert(Booking)
        .values(id=data.booking_id, completed_at=data.completed_at)
        .on_conflict_do_update(index_elements=["id"], set_={"completed_at": data.completed_at})
    )


async def facilitator_is_booked(
    session: AsyncSession, facilitator_sub: str, *, cycle_id: object, participant_id: str
) -> bool:
    """Whether the facilitator holds a booking, not cancelled, for this cycle's feedback (a booking that
    names no cycle counts for every cycle of its participant).

    The facilitator is known by their token's ``sub``, matched against the account facilitator-svc
    names in ``session.booked`` (``facilitator_subject``). The register id (``facilitator_id``) is not an
    identity and grants nothing; a booking whose facilitator has no linked account grants nothing either.
    """
    statement = select(Booking.id).where(
        Booking.facilitator_subject == facilitator_sub,
        Booking.cancelled_at.is_(None),
        or_(
            Booking.cycle_id == cycle_id,
            (Booking.cycle_id.is_(None)) & (Booking.participant_id == participant_id),
        ),
    )
    return (await session.execute(statement.limit(1))).first() is not None


async def facilitated_participants(session: AsyncSession, facilitator_sub: str) -> tuple[set[object], set[str]]:
    """Cycles and (cycle-less) participants the facilitator, by their token's ``sub``, holds live
    bookings for (see `facilitator_is_booked`)."""
    rows = await session.execute(
        select(Booking.cycle_id, Booking.participant_id).where(
            Booking.facilitator_subject == facilitator_sub, Booking.cancelled_at.is_(None)
        )
    )
    cycles: set[object] = set()
    participants: set[str] = set()
    for cycle_id, participant_id in rows:
        if cycle_id is not None:
            cycles.add(cycle_id)
        elif participant_id is not None:
            participants.add(participant_id)
    return cycles, participants
