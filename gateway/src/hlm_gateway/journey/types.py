"""A participant's journey as the app shows it: cycles with their progress, reports and sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from hlm_gateway.context import Context


@strawberry.type
class GroupProgress:
    """Counts only: the participant never learns who has answered."""

    rater_group: str
    invited: int
    submitted: int
    declined: int


@strawberry.type
class Report:
    id: strawberry.ID
    cycle_id: strawberry.ID
    kind: str
    state: str
    status: str
    release_mode: str
    version: int
    released_at: datetime | None
    content: JSON


@strawberry.type
class FeedbackSession:
    id: strawberry.ID
    status: str
    facilitator_id: strawberry.ID
    facilitator_name: str
    mode: str
    starts_at: datetime
    ends_at: datetime
    rating: int | None


@strawberry.type
class Cycle:
    id: strawberry.ID
    kind: str
    status: str
    closes_at: datetime | None
    minimums_met: bool
    self_status: str
    progress: list[GroupProgress]

    @strawberry.field(description="The cycle's report, once one is built and you may read it.")
    async def report(self, info: Info[Context, None]) -> Report | None:
        data = await info.context.loaders["report_by_cycle"].load(str(self.id))
        return report_from(data) if data else None

    @strawberry.field(description="The feedback session booked for this cycle, if any.")
    async def feedback_session(self, info: Info[Context, None]) -> FeedbackSession | None:
        data = await info.context.loaders["session_by_cycle"].load(str(self.id))
        return session_from(data) if data else None


def cycle_from(data: dict[str, Any]) -> Cycle:
    return Cycle(
        id=strawberry.ID(data["id"]),
        kind=data["kind"],
        status=data["status"],
        closes_at=_datetime(data.get("closes_at")),
        minimums_met=data["minimums_met"],
        self_status=data["self_status"],
        progress=[
            GroupProgress(
                rater_group=p["rater_group"], invited=p["invited"], submitted=p["submitted"], declined=p["declined"]
            )
            for p in data["progress"]
        ],
    )


def report_from(data: dict[str, Any]) -> Report:
    return Report(
        id=strawberry.ID(data["id"]),
        cycle_id=strawberry.ID(data["cycle_id"]),
        kind=data["kind"],
        state=data["state"],
        status=data["status"],
        release_mode=data["release_mode"],
        version=data["version"],
        released_at=_datetime(data.get("released_at")),
        content=data["content"],
    )


def session_from(data: dict[str, Any]) -> FeedbackSession:
    return FeedbackSession(
        id=strawberry.ID(data["id"]),
        status=data["status"],
        facilitator_id=strawberry.ID(data["facilitator_id"]),
        facilitator_name=data["facilitator_name"],
        mode=data["mode"],
        starts_at=datetime.fromisoformat(data["starts_at"]),
        ends_at=datetime.fromisoformat(data["ends_at"]),
        rating=data.get("rating"),
    )


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
