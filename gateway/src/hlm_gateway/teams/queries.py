from __future__ import annotations

import strawberry
from strawberry.types import Info

from hlm_gateway.context import Context
from hlm_gateway.teams.types import TeamCycle, team_cycle_from
from hlm_gateway.upstream.survey import TeamCycleOut


@strawberry.type
class TeamQuery:
    @strawberry.field(
        description="A team 360 you started or are a member of (an academy admin: one of their region's). Any "
        "other is NOT_FOUND, as if it did not exist."
    )
    async def team_cycle(self, info: Info[Context, None], id: strawberry.ID) -> TeamCycle | None:
        # A UUID in its canonical form (see hlm_gateway.arguments): it names no other route.
        return team_cycle_from(await info.context.survey.get(f"/v1/team-cycles/{id}", TeamCycleOut))
