from __future__ import annotations

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import IdempotencyKey
from hlm_gateway.context import Context
from hlm_gateway.problems import refused_as
from hlm_gateway.teams.types import (
    CreateTeamCycleInput,
    CreateTeamCycleResult,
    TeamCycleRefused,
    team_cycle_from,
)
from hlm_gateway.upstream import Refusal
from hlm_gateway.upstream.survey import TeamCycleOut


@strawberry.type
class TeamMutation:
    @strawberry.mutation(
        description="Start a team 360 in the organisation and region of your account (a participant or an "
        "academy admin). Members then create TEAM_360 cycles naming it. Send the same idempotencyKey when "
        "retrying: the team 360 the first attempt started is returned, never a second one."
    )
    async def create_team_cycle(
        self, info: Info[Context, None], input: CreateTeamCycleInput, idempotency_key: IdempotencyKey = None
    ) -> CreateTeamCycleResult | None:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key is not None else None
        body = await info.context.survey.send_outcome(
            "POST", "/v1/team-cycles", TeamCycleOut, {"name": input.name}, expected=(422,), headers=headers
        )
        return (
            refused_as(TeamCycleRefused, body.problem, fallback="the team 360 was not started", sent_as=("input",))
            if isinstance(body, Refusal)
            else team_cycle_from(body)
        )
