from __future__ import annotations

from uuid import UUID

import strawberry
from strawberry.types import Info

from hlm_gateway.context import Context
from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.teams.types import TeamCycle, team_cycle_from


@strawberry.type
class TeamQuery:
    @strawberry.field(
        description="A team 360 you started or are a member of (an academy admin: one of their region's). Any "
        "other is NOT_FOUND, as if it did not exist."
    )
    async def team_cycle(self, info: Info[Context, None], id: strawberry.ID) -> TeamCycle | None:
        return team_cycle_from(await info.context.survey.get(team_cycle_path(id, info.context.survey.name)))


def team_cycle_path(id: str, service: str) -> str:
    # survey-svc knows team cycles by UUID; anything else names none (and never reaches another route).
    try:
        team_cycle_id = UUID(id)
    except ValueError:
        raise GatewayError(f"no team cycle {id}", ErrorCode.NOT_FOUND, service=service) from None
    return f"/v1/team-cycles/{team_cycle_id}"
