"""Team 360s: started by one participant; members join with team_360 cycles naming it."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.auth import Principal
from hlm_kit.idempotency import Claim, create_once
from survey_svc import access
from survey_svc.teams.models import TeamCycle
from survey_svc.teams.repository import TeamCycleRepository
from survey_svc.teams.schemas import TeamCycleCreate, TeamCycleOut


async def create_team(
    session: AsyncSession, principal: Principal, body: TeamCycleCreate, idempotency_key: str | None
) -> tuple[TeamCycleOut, bool]:
    """Start a team 360; with an ``Idempotency-Key`` a retry returns the first attempt's team cycle."""
    organisation, region = access.require_org(principal)
    repository = TeamCycleRepository(session)

    async def make(claim: Claim) -> TeamCycle:
        team = TeamCycle(
            name=body.name, organisation=organisation, region=region, created_by=principal.sub, **claim.columns
        )
        session.add(team)
        return team

    team, created = await create_once(
        session, TeamCycle, TeamCycle.created_by == principal.sub, idempotency_key, body, create=make
    )
    if not created:
        return await _team_out(repository, team), False
    await session.refresh(team)
    return TeamCycleOut(
        id=team.id,
        name=team.name,
        organisation=team.organisation,
        region=team.region,
        created_at=team.created_at,
        members=0,
        members_by_status={},
    ), True


async def _team_out(repository: TeamCycleRepository, team: TeamCycle) -> TeamCycleOut:
    statuses = await repository.member_statuses(team.id)
    return TeamCycleOut(
        id=team.id,
        name=team.name,
        organisation=team.organisation,
        region=team.region,
        created_at=team.created_at,
        members=sum(statuses.values()),
        members_by_status=statuses,
    )


async def get_team(session: AsyncSession, principal: Principal, id: UUID) -> TeamCycleOut:
    """Seen by whoever created it, its members, and the academy admins of its region: how many members
    and in which state."""
    return await _team_out(TeamCycleRepository(session), await access.readable_team(session, principal, id))
