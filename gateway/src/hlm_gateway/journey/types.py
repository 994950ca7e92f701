"""A participant's journey as the app shows it: cycles with their progress, reports and sessions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from hlm_gateway.context import Context
from hlm_gateway.downloads import pdf_path
from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.selections import selects

if TYPE_CHECKING:
    from hlm_gateway.cycles.types import Nomination


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
    participant_id: strawberry.ID = strawberry.field(description="The `sub` of the participant it is about.")
    kind: str
    state: str
    status: str
    release_mode: str
    version: int
    released_at: datetime | None
    content: JSON

    @strawberry.field(
        description="Where to download the report as PDF from the gateway (a path relative to it, not "
        "/graphql): GET it with the same bearer token. Answered only when you may read the report."
    )
    def pdf_url(self) -> str:
        return pdf_path(str(self.id))


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
    cycle_id: strawberry.ID | None = None
    slot_id: strawberry.ID | None = None
    participant_id: strawberry.ID | None = strawberry.field(
        default=None, description="Whose session it is (null once the participant's data is erased)."
    )
    venue: str | None = None
    hold_expires_at: datetime | None = strawberry.field(
        default=None, description="When a held slot is released unless the session is confirmed."
    )
    report_id: strawberry.ID | None = strawberry.field(
        default=None, description="The participant's report, once it waits for its coached release."
    )
    allocation_id: strawberry.ID | None = None
    created_at: datetime | None = None
    confirmed_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancellation_reason: str | None = None
    completed_at: datetime | None = None
    rating_comment: str | None = None


@strawberry.type(description="The line manager's decision on the nominations of a cycle that asks for it.")
class NominationsApproval:
    decision: str | None = strawberry.field(description="approved or rejected; null while waiting for it.")
    note: str | None = strawberry.field(description="What the line manager asks to change, when they sent them back.")
    decided_at: datetime | None


@strawberry.type
class Cycle:
    id: strawberry.ID
    kind: str
    status: str
    closes_at: datetime | None
    minimums_met: bool
    self_status: str
    progress: list[GroupProgress]
    team_cycle_id: strawberry.ID | None = strawberry.field(
        default=None, description="A TEAM_360 cycle's team 360 (read it with teamCycle(id))."
    )
    approval: NominationsApproval | None = strawberry.field(
        default=None,
        description="Where the line manager is asked to approve the nominations: their decision, once made.",
    )

    @strawberry.field(description="The cycle's report, once one is built and you may read it.")
    async def report(self, info: Info[Context, None]) -> Report | None:
        # The whole report only for a query that reads its content: the app's home screen shows its status.
        kind = "report_by_cycle" if selects(info, "content") else "report_summary_by_cycle"
        data = await info.context.loaders[kind].load(str(self.id))
        return report_from(data) if data else None

    @strawberry.field(description="The feedback session booked for this cycle, if any.")
    async def feedback_session(self, info: Info[Context, None]) -> FeedbackSession | None:
        data = await info.context.loaders["session_by_cycle"].load(str(self.id))
        return session_from(data) if data else None

    @strawberry.field(
        description="Whom you nominated (name and group; never an address, nor whether they answered). Read "
        "for one cycle at a time: on cycle(id) or a mutation's cycle, not on each cycle of a list."
    )
    async def raters(
        self, info: Info[Context, None]
    ) -> list[Annotated[Nomination, strawberry.lazy("hlm_gateway.cycles.types")]] | None:
        # survey-svc has no batch read of raters, so a list of cycles would cost one call per cycle.
        if info.path.prev is None or info.path.prev.prev is not None:
            raise GatewayError(
                "raters are read for one cycle at a time: ask for them on cycle(id)", ErrorCode.BAD_USER_INPUT
            )
        nominations: list[Nomination] = await info.context.loaders["raters_by_cycle"].load(str(self.id))
        return nominations


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
        team_cycle_id=_id(data.get("team_cycle_id")),
        approval=_approval(data.get("approval")),
    )


def _approval(data: dict[str, Any] | None) -> NominationsApproval | None:
    if data is None:
        return None
    return NominationsApproval(
        decision=data.get("decision"), note=data.get("note"), decided_at=_datetime(data.get("decided_at"))
    )


def report_from(data: dict[str, Any]) -> Report:
    """A report, whole or a summary; a summary (no ``content``) is read only where the query does not
    select the content, so the missing value is never resolved."""
    return Report(
        id=strawberry.ID(data["id"]),
        cycle_id=strawberry.ID(data["cycle_id"]),
        participant_id=strawberry.ID(data["participant_id"]),
        kind=data["kind"],
        state=data["state"],
        status=data["status"],
        release_mode=data["release_mode"],
        version=data["version"],
        released_at=_datetime(data.get("released_at")),
        content=cast(JSON, data.get("content")),
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
        cycle_id=_id(data.get("cycle_id")),
        slot_id=_id(data.get("slot_id")),
        participant_id=_id(data.get("participant_id")),
        venue=data.get("venue"),
        hold_expires_at=_datetime(data.get("hold_expires_at")),
        report_id=_id(data.get("report_id")),
        allocation_id=_id(data.get("allocation_id")),
        created_at=_datetime(data.get("created_at")),
        confirmed_at=_datetime(data.get("confirmed_at")),
        cancelled_at=_datetime(data.get("cancelled_at")),
        cancellation_reason=data.get("cancellation_reason"),
        completed_at=_datetime(data.get("completed_at")),
        rating_comment=data.get("rating_comment"),
    )


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _id(value: str | None) -> strawberry.ID | None:
    return strawberry.ID(value) if value else None
