from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Annotated
from urllib.parse import quote
from uuid import UUID

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import Cursor, checked, key
from hlm_gateway.context import Context
from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.journal.types import Goal, GoalStatus, Observation, goal_from, observation_from
from hlm_gateway.pagination import Connection, Edge, First, PageInfo
from hlm_gateway.upstream.survey import GoalList, GoalOut, ObservationList, ObservationOut


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
        params = {"reminder_due": "true" if reminder_due else "false"}
        if status is not None:
            params["status"] = status.value
        # survey-svc returns an author's goals whole (a person keeps a handful), so pages are cut here,
        # after the (created_at, id) the cursor names: a goal deleted between pages does not lose the place.
        items = (await info.context.survey.get("/v1/goals", GoalList, params)).items
        if after is not None:
            resume_after = _goal_position_of(after)
            items = [item for item in items if _goal_position(item) > resume_after]
        page = items[:first]
        edges = [Edge(cursor=_goal_cursor(item), node=goal_from(item)) for item in page]
        has_next_page = len(items) > first
        return Connection(
            edges=edges,
            page_info=PageInfo(has_next_page=has_next_page, end_cursor=edges[-1].cursor if has_next_page else None),
        )

    @strawberry.field(description="One of your development goals.")
    async def goal(self, info: Info[Context, None], id: strawberry.ID) -> Goal | None:
        return goal_from(await info.context.survey.get(f"/v1/goals/{quote(id, safe='')}", GoalOut))


GoalPosition = tuple[datetime, UUID]


def _goal_position(item: GoalOut) -> GoalPosition:
    """Where a goal sits in survey-svc's order of an author's goals (created_at, then id)."""
    return item.created_at, item.id


def _goal_cursor(item: GoalOut) -> str:
    return base64.urlsafe_b64encode(f"{item.created_at.isoformat()}|{item.id}".encode()).decode()


def _goal_position_of(cursor: str) -> GoalPosition:
    try:
        created_at, id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        position = datetime.fromisoformat(created_at), UUID(id)
        if position[0].tzinfo is None:
            raise ValueError("a cursor's time carries its offset")
        return position
    except ValueError as exc:
        raise GatewayError("after is not a cursor of this list", ErrorCode.BAD_USER_INPUT) from exc
