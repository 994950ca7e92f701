"""What this service keeps about participants, each row written once however often an event is redelivered."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.participants.models import ParticipantCycle, ParticipantReport, RaterConflict


class ParticipantRepository:
    """The participants' cycles, their raters' hashes and their ready reports."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record_cycle(
        self, cycle_id: UUID, *, participant_id: str, organisation: str, region: str, kind: str, opened_at: datetime
    ) -> None:
        """The cycle as last announced: a later announcement of the same cycle replaces what it said."""
        values = {
            "participant_id": participant_id,
            "organisation": organisation,
            "region": region,
            "kind": kind,
            "opened_at": opened_at,
        }
        await self.session.execute(
            insert(ParticipantCycle)
            .values(cycle_id=cycle_id, **values)
            .on_conflict_do_update(index_elements=[ParticipantCycle.cycle_id], set_=values)
        )

    async def record_rater(
        self, participant_id: str, email_hash: str, *, cycle_id: UUID, nominated_at: datetime
    ) -> None:
        await self.session.execute(
            insert(RaterConflict)
            .values(participant_id=participant_id, email_hash=email_hash, cycle_id=cycle_id, nominated_at=nominated_at)
            .on_conflict_do_nothing(index_elements=[RaterConflict.participant_id, RaterConflict.email_hash])
        )

    async def record_report(self, report_id: UUID, *, cycle_id: UUID, participant_id: str, ready_at: datetime) -> None:
        await self.session.execute(
            insert(ParticipantReport)
            .values(report_id=report_id, cycle_id=cycle_id, participant_id=participant_id, ready_at=ready_at)
            .on_conflict_do_nothing(index_elements=[ParticipantReport.report_id])
        )

    async def forget(self, participant_id: str) -> None:
        """Delete the participant's cycles, raters' hashes and reports."""
        for model in (ParticipantCycle, RaterConflict, ParticipantReport):
            await self.session.execute(delete(model).where(model.participant_id == participant_id))
