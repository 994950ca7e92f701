"""What this service learns about participants from survey-svc and report-svc, and what it forgets
when a participant is erased. Called by the event consumers, in the transaction that records the event
in the inbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.allocations.repository import AllocationRepository
from facilitator_svc.bookings import service as booking_service
from facilitator_svc.facilitators.repository import FacilitatorRepository
from facilitator_svc.participants.repository import ParticipantRepository
from hlm_contracts import CycleOpenedV1, RaterNominatedV1, ReportReadyV1


async def record_cycle(session: AsyncSession, data: CycleOpenedV1, opened_at: datetime) -> None:
    """Remember whose cycle it is and their organisation and region, for conflicts and cohorts."""
    await ParticipantRepository(session).record_cycle(
        data.cycle_id,
        participant_id=data.participant_id,
        organisation=data.organisation,
        region=data.region,
        kind=data.kind.value,
        opened_at=opened_at,
    )


async def record_rater(session: AsyncSession, data: RaterNominatedV1, nominated_at: datetime, now: datetime) -> None:
    """A rater of the participant, by keyed email hash: that person never facilitates them. A session
    already booked with them is cancelled: a rater who releases the report at the session would see
    the answers of the group they rated in."""
    await ParticipantRepository(session).record_rater(
        data.participant_id, data.rater_email_hash, cycle_id=data.cycle_id, nominated_at=nominated_at
    )
    await booking_service.cancel_for_rater(session, data.participant_id, data.rater_email_hash, now)


async def record_report(session: AsyncSession, data: ReportReadyV1, ready_at: datetime) -> None:
    """The report waits for the booked facilitator, who releases it at the session."""
    await ParticipantRepository(session).record_report(
        data.report_id, cycle_id=data.cycle_id, participant_id=data.participant_id, ready_at=ready_at
    )


async def erase(session: AsyncSession, participant_id: str, now: datetime) -> None:
    """Forget the participant: their cycles, raters' hashes, reports, cohort entries and declared
    conflicts go; their sessions to come are cancelled (and announced as such); every session keeps
    only what is not about them, so facilitators' history and load stay true."""
    await ParticipantRepository(session).forget(participant_id)
    await AllocationRepository(session).forget_participant(participant_id)
    await FacilitatorRepository(session).forget_declared_conflict(participant_id)
    await booking_service.forget_participant(session, participant_id, now)
