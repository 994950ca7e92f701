"""The feedback session a participant booked with a facilitator for a cycle, as facilitator-svc tells
of it: shown with the cycle, never decided here."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import SessionBookedV1, SessionCancelledV1
from hlm_kit.messaging.envelope import CloudEvent
from survey_svc.cycles.repository import CycleRepository, FeedbackSessionRepository


async def on_booked(session: AsyncSession, data: SessionBookedV1, event: CloudEvent) -> None:
    """Handler of ``hlm.facilitator.session.booked.v1``: keep the latest booking per booking id (a
    reschedule is published again under the same id); a booking for no cycle of this service is ignored."""
    if data.cycle_id is None or await CycleRepository(session).get_by_id(data.cycle_id) is None:
        return
    await FeedbackSessionRepository(session).put(
        data.booking_id,
        cycle_id=data.cycle_id,
        participant_id=data.participant_id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
    )


async def on_cancelled(session: AsyncSession, data: SessionCancelledV1, event: CloudEvent) -> None:
    """Handler of ``hlm.facilitator.session.cancelled.v1``."""
    await FeedbackSessionRepository(session).remove(data.booking_id)
