"""Handlers of other services' events: what this service learns about participants, and forgets.

Each handler runs in the transaction that records the event in the inbox, so a redelivered event
changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.allocations.models import AllocationParticipant
from facilitator_svc.bookings.models import OPEN, Booking, BookingStatus
from facilitator_svc.config import Settings
from facilitator_svc.database import outbox
from facilitator_svc.facilitators.models import Facilitator
from facilitator_svc.matching.rules import CONFLICT_OF_INTEREST_DETAIL
from facilitator_svc.participants.models import ParticipantCycle, ParticipantReport, RaterConflict
from hlm_contracts import (
    CycleOpenedV1,
    EventData,
    ParticipantErasedV1,
    RaterNominatedV1,
    ReportReadyV1,
    SessionCancelledV1,
    queues_for,
)
from hlm_kit.app import ConsumerFactory, ServiceRuntime
from hlm_kit.messaging.consumer import EventConsumer, Handler
from hlm_kit.messaging.envelope import CloudEvent


async def on_cycle_opened(session: AsyncSession, data: CycleOpenedV1, event: CloudEvent) -> None:
    """Remember whose cycle it is and their organisation and region, for conflicts and cohorts."""
    values = {
        "participant_id": data.participant_id,
        "organisation": data.organisation,
        "region": data.region,
        "kind": data.kind.value,
        "opened_at": event.time,
    }
    await session.execute(
        insert(ParticipantCycle)
        .values(cycle_id=data.cycle_id, **values)
        .on_conflict_do_update(index_elements=[ParticipantCycle.cycle_id], set_=values)
    )


async def on_rater_nominated(session: AsyncSession, data: RaterNominatedV1, event: CloudEvent) -> None:
    """A rater of the participant, by keyed email hash: that person never facilitates them. A session
    already booked with them is cancelled: a rater who releases the report at the session would see
    the answers of the group they rated in."""
    await session.execute(
        insert(RaterConflict)
        .values(
            participant_id=data.participant_id,
            email_hash=data.rater_email_hash,
            cycle_id=data.cycle_id,
            nominated_at=event.time,
        )
        .on_conflict_do_nothing(index_elements=[RaterConflict.participant_id, RaterConflict.email_hash])
    )
    now = datetime.now(UTC)
    conflicting = (
        (
            await session.execute(
                select(Booking)
                .join(Facilitator, Facilitator.id == Booking.facilitator_id)
                .where(
                    Booking.participant_id == data.participant_id,
                    Booking.status.in_(OPEN),
                    Booking.starts_at > now,
                    Facilitator.email_hash == data.rater_email_hash,
                )
                .with_for_update(of=Booking)
            )
        )
        .scalars()
        .all()
    )
    for booking in conflicting:
        if booking.status == BookingStatus.CONFIRMED:
            cancelled = SessionCancelledV1(booking_id=booking.id, cancelled_at=now)
            await outbox.add(session, cancelled, subject=str(booking.id))
        booking.status, booking.cancelled_at, booking.hold_expires_at = BookingStatus.CANCELLED, now, None
        booking.cancelled_by = "facilitator-svc"
        # Worded as any conflict of interest: the participant, the facilitator and the administrators
        # who read the booking must not learn that the facilitator is a rater.
        booking.cancellation_reason = CONFLICT_OF_INTEREST_DETAIL


async def on_report_ready(session: AsyncSession, data: ReportReadyV1, event: CloudEvent) -> None:
    """The report waits for the booked facilitator, who releases it at the session."""
    await session.execute(
        insert(ParticipantReport)
        .values(
            report_id=data.report_id, cycle_id=data.cycle_id, participant_id=data.participant_id, ready_at=event.time
        )
        .on_conflict_do_nothing(index_elements=[ParticipantReport.report_id])
    )


async def on_participant_erased(session: AsyncSession, data: ParticipantErasedV1, event: CloudEvent) -> None:
    """Forget the participant: their cycles, raters' hashes, reports, cohort entries and declared
    conflicts go; their sessions to come are cancelled (and announced as such); every session keeps
    only what is not about them, so facilitators' history and load stay true."""
    await erase_participant(session, data.participant_id, datetime.now(UTC))


async def erase_participant(session: AsyncSession, participant_id: str, now: datetime) -> None:
    for model in (ParticipantCycle, RaterConflict, ParticipantReport, AllocationParticipant):
        await session.execute(delete(model).where(model.participant_id == participant_id))
    await session.execute(
        update(Facilitator)
        .where(Facilitator.conflict_participants.contains([participant_id]))
        .values(conflict_participants=func.array_remove(Facilitator.conflict_participants, participant_id))
    )
    upcoming: Sequence[Booking] = (
        (
            await session.execute(
                select(Booking)
                .where(Booking.participant_id == participant_id, Booking.status.in_(OPEN), Booking.starts_at > now)
                .with_for_update()
            )
        )
        .scalars()
        .all()
    )
    for booking in upcoming:
        if booking.status == BookingStatus.CONFIRMED:
            await outbox.add(
                session, SessionCancelledV1(booking_id=booking.id, cancelled_at=now), subject=str(booking.id)
            )
        booking.status, booking.cancelled_at, booking.hold_expires_at = BookingStatus.CANCELLED, now, None
    await session.flush()
    await session.execute(
        update(Booking)
        .where(Booking.booked_by == participant_id)
        .values(booked_by=None, idempotency_key=None, idempotency_fingerprint=None)
    )
    await session.execute(
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


HANDLERS: dict[type[EventData], Handler] = {
    CycleOpenedV1: on_cycle_opened,
    RaterNominatedV1: on_rater_nominated,
    ReportReadyV1: on_report_ready,
    ParticipantErasedV1: on_participant_erased,
}


def consumer_factory(settings: Settings) -> ConsumerFactory:
    """What ``create_service_app`` calls with the runtime: one consumer per queue of this service."""
    by_type = {cls.type: cls for cls in HANDLERS}

    def build(runtime: ServiceRuntime) -> list[EventConsumer]:
        return [
            EventConsumer(
                queue=queue,
                handlers={by_type[t]: HANDLERS[by_type[t]] for t in queue.event_types},
                broker=runtime.broker,
                sessionmaker=runtime.sessionmaker,
                inbox=runtime.inbox,
                prefetch=settings.consumer_prefetch,
                max_attempts=settings.consumer_max_attempts,
                retry_base_delay_s=settings.consumer_retry_base_delay_s,
            )
            for queue in queues_for("facilitator")
        ]

    return build
