from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select, update

from hlm_kit.repository import RepositoryBase
from survey_svc.cycles.models import Cycle
from survey_svc.teams.models import TeamCycle


class TeamCycleRepository(RepositoryBase[TeamCycle]):
    model = TeamCycle

    async def member_statuses(self, team_cycle_id: UUID) -> dict[str, int]:
        statement = (
            select(Cycle.status, func.count()).where(Cycle.team_cycle_id == team_cycle_id).group_by(Cycle.status)
        )
        return {status: n for status, n in await self.session.execute(statement)}

    async def is_member(self, team_cycle_id: UUID, participant_id: str) -> bool:
        statement = select(func.count()).where(
            Cycle.team_cycle_id == team_cycle_id, Cycle.participant_id == participant_id
        )
        return bool(await self.session.scalar(statement))

    async def forget_starter(self, participant_id: str, *, as_: str) -> None:
        """The team 360s ``participant_id`` started stay (they belong to their members too), naming ``as_``
        as their starter, without the starter's retry key (which would otherwise clash with another
        forgotten starter's under the unique constraint)."""
        await self.session.execute(
            update(TeamCycle)
            .where(TeamCycle.created_by == participant_id)
            .values(created_by=as_, idempotency_key=None, idempotency_fingerprint=None)
        )
