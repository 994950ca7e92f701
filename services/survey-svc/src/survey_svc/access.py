"""Who may read and change which cycle or team 360.

A participant reads and changes their own cycles; an academy admin reads (and extends) the cycles of
their own region, counts only, like the participant. A team 360 is seen by whoever started it, its
members and the academy admins of its region. Anything else is, to the caller, something that does not
exist: a 404, never a 403 that would tell them it does.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.auth import Principal, Role
from hlm_kit.errors import Forbidden
from survey_svc.cycles.exceptions import CycleNotFound
from survey_svc.cycles.models import Cycle
from survey_svc.cycles.repository import CycleRepository
from survey_svc.teams.exceptions import TeamCycleNotFound
from survey_svc.teams.models import TeamCycle
from survey_svc.teams.repository import TeamCycleRepository


def may_read_cycle(principal: Principal, cycle: Cycle) -> bool:
    return cycle.participant_id == principal.sub or principal.is_academy_admin_for(cycle.region)


async def readable_cycle(session: AsyncSession, principal: Principal, id: UUID, *, for_update: bool = False) -> Cycle:
    """A cycle the caller may read (locked when about to be changed); 404 for any other."""
    cycle = await CycleRepository(session).get_by_id(id, for_update=for_update)
    if cycle is None or not may_read_cycle(principal, cycle):
        raise CycleNotFound(f"no cycle {id}")
    return cycle


async def own_cycle(session: AsyncSession, principal: Principal, id: UUID, *, for_update: bool = True) -> Cycle:
    """The caller's own cycle (locked for the change about to be made); 404 for anyone else's."""
    cycle = await CycleRepository(session).get_by_id(id, for_update=for_update)
    if cycle is None or cycle.participant_id != principal.sub:
        raise CycleNotFound(f"no cycle {id}")
    return cycle


def listed_participant(principal: Principal, participant_id: str | None) -> str | None:
    """Whose cycles a listing may show: a participant's own only; an academy admin's, any participant's
    (the listing keeps to the admin's region)."""
    if principal.has_role(Role.ACADEMY_ADMIN):
        return participant_id
    if participant_id not in (None, principal.sub):
        raise Forbidden("participants list their own cycles only")
    return principal.sub


async def readable_team(session: AsyncSession, principal: Principal, id: UUID) -> TeamCycle:
    """A team 360 the caller may read; 404 for any other."""
    repository = TeamCycleRepository(session)
    team = await repository.get_by_id(id)
    if team is None or not (
        team.created_by == principal.sub
        or principal.is_academy_admin_for(team.region)
        or await repository.is_member(id, principal.sub)
    ):
        raise TeamCycleNotFound(f"no team cycle {id}")
    return team


def require_org(principal: Principal) -> tuple[str, str]:
    """The organisation and region a participant's cycles and team 360s belong to, from their token."""
    if not principal.org or not principal.region:
        raise Forbidden("a participant's token must carry an organisation (org) and a region")
    return principal.org, principal.region
