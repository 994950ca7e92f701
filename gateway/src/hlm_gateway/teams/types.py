"""A team 360: colleagues who each run a 360 under one team, for the team's group report. Whoever
starts it, its members and the academy administrators of its region see how many members it has and
in which state; never whose cycle is whose."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from hlm_gateway.problems import FieldProblem
from hlm_gateway.upstream.survey import TeamCycleOut


@strawberry.input
class CreateTeamCycleInput:
    name: str = strawberry.field(description="How the team is named to its members and in its group report.")


@strawberry.type(description="How many of the team's member cycles are in one state.")
class TeamMembersInState:
    status: str = strawberry.field(description="draft, awaiting_approval, open or closed")
    count: int


@strawberry.type(
    description="A team 360. Members join it by creating a TEAM_360 cycle with its id as teamCycleId; the "
    "group report is issued once enough members' reports exist (groupReport with scope TEAM)."
)
class TeamCycle:
    id: strawberry.ID
    name: str
    organisation: str
    region: str
    created_at: datetime
    members: int = strawberry.field(description="Member cycles in every state.")
    members_by_status: list[TeamMembersInState]


@strawberry.type(description="The team 360 was not started; nothing was stored. Every problem is listed.")
class TeamCycleRefused:
    message: str
    problems: list[FieldProblem] = strawberry.field(
        description='Located in the input as the app sent it, e.g. ["input", "name"].'
    )


CreateTeamCycleResult = Annotated[TeamCycle | TeamCycleRefused, strawberry.union("CreateTeamCycleResult")]


def team_cycle_from(data: TeamCycleOut) -> TeamCycle:
    return TeamCycle(
        id=strawberry.ID(str(data.id)),
        name=data.name,
        organisation=data.organisation,
        region=data.region,
        created_at=data.created_at,
        members=data.members,
        members_by_status=[
            TeamMembersInState(status=status, count=count) for status, count in sorted(data.members_by_status.items())
        ],
    )
