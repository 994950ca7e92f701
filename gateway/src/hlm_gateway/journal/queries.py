from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from urllib.parse import quote
from uuid import UUID

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import Cursor, checked, key
from hlm_gateway.context import Context
from hlm_gateway.journal.types import Goal, GoalStatus, Observation, goal_from, observation_from
from hlm_gateway.pagination import Connection, Edge, First, PageInfo
from hlm_gateway.upstream.survey import GoalList, GoalOut, ObservationList, ObservationOut
from hlm_kit.pagination import CursorCodec


@strawberry.type
class JournalQuery:
    @strawberry.field(
        description="Your observations, most recent first, a page at a time, by dimension and dates. "
        "Resume with `pageInfo.endCursor`."
    )
    async def observations(
        self,
        info: Info[Context, None],
        first: First = 20,
        after: Cursor = None,
        dimension: Annotated[str | None, checked(key, "An HLM dimension key.")] = None,
        from_: Annotated[date | None, strawberry.argument(name="from", description="Observed on or after.")] = None,
        to: Annotated[date | None, strawberry.argument(description="Observed on or before.")] = None,
    ) -> Connection[Observation] | None:
        params = {"limit": str(first)}
        for name, value in (("cursor", after), ("dimension", dimension)):
            if value is not None:
                params[name] = value
        for name, day in (("from", from_), ("to", to)):
            if day is not None:
                params[name] = day.isoformat()
        page = await info.context.survey.get("/v1/observations", ObservationList, params)
        next_cursor = page.next_cursor
        return Connection(
            edges=[Edge(cursor=str(item.id), node=observation_from(item)) for item in page.items],
            page_info=PageInfo(has_next_page=next_cursor is not None, end_cursor=next_cursor),
        )

    @strawberry.field(description="One of your observations.")
    async def observation(self, info: Info[Context, None], id: strawberry.ID) -> Observation | None:
        return observation_from(await info.context.survey.get(f"/v1/observations/{quote(id, safe='')}", ObservationOut))

    @strawberry.field(description="Your development goals, oldest first, a page at a time.")
    async def goals(
        self,
        info: Info[Context, None],
        first: First = 20,
        after: Cursor = None,
        status: GoalStatus | None = None,
        reminder_due: Annotated[
            bool, strawberry.argument(description="Only active goals whose reminder date has come.")
        ] = False,
    ) -> Connection[Goal] | None:
        params = {"limit": str(first), "reminder_due": "true" if reminder_due else "false"}
        if after is not None:
            params["cursor"] = after
        if status is not None:
            params["status"] = status.value
        page = await info.context.survey.get("/v1/goals", GoalList, params)
        next_cursor = page.next_cursor
        return Connection(
            edges=[Edge(cursor=_goal_cursor(item), node=goal_from(item)) for item in page.items],
            page_info=PageInfo(has_next_page=next_cursor is not None, end_cursor=next_cursor),
        )

    @strawberry.field(description="One of your development goals.")
    async def goal(self, info: Info[Context, None], id: strawberry.ID) -> Goal | None:
        return goal_from(await info.context.survey.get(f"/v1/goals/{quote(id, safe='')}", GoalOut))


# survey-svc's cursor of an author's goals: the (created_at, id) of the goal a page ends with. Each edge
# carries the one of its goal, so a client may resume after any goal of a page, even one deleted since.
GOAL_CURSOR = CursorCodec(tuple[datetime, UUID])


def _goal_cursor(item: GoalOut) -> str:
    return GOAL_CURSOR.encode((item.created_at, item.id))
