"""Erasure: a participant's cycles, nominations, responses, observations and goals go, and every other
service is told to delete what it holds about them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import ParticipantErasedV1
from hlm_kit.auth import Principal, Role
from hlm_kit.errors import Forbidden
from survey_svc.cycles.repository import CycleRepository, FeedbackSessionRepository
from survey_svc.database import outbox
from survey_svc.goals.repository import GoalRepository
from survey_svc.observations.repository import ObservationRepository
from survey_svc.participants.exceptions import ParticipantNotFound
from survey_svc.teams.repository import TeamCycleRepository

ERASED = "erased"


async def erase(session: AsyncSession, principal: Principal, participant_id: str) -> None:
    """Erase ``participant_id`` (themself, or an academy admin of a region they have a cycle in). Safe
    for the participant to repeat: each call tells the other services again, which is harmless for them.
    To an admin, a participant with no cycle in the admin's region does not exist (404), so an admin's
    repeat, once the cycles are gone, is a 404 too."""
    if participant_id != principal.sub:
        if not principal.has_role(Role.ACADEMY_ADMIN):
            raise Forbidden("only the participant or an academy admin may erase a participant")
        region = principal.administered_region
        if region is None or not await CycleRepository(session).has_cycle_in_region(participant_id, region):
            raise ParticipantNotFound(f"no participant {participant_id}")
    await CycleRepository(session).delete_for_participant(participant_id)
    await FeedbackSessionRepository(session).delete_for_participant(participant_id)
    await ObservationRepository(session).delete_for_author(participant_id)
    await GoalRepository(session).delete_for_author(participant_id)
    await TeamCycleRepository(session).forget_starter(participant_id, as_=ERASED)
    await outbox.add(
        session, ParticipantErasedV1(participant_id=participant_id, erased_at=datetime.now(UTC)), subject=participant_id
    )
