"""A participant's journey as the app shows it: cycles with their progress, reports and sessions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, cast
from uuid import UUID

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from hlm_gateway.arguments import CheckedArguments
from hlm_gateway.context import Context
from hlm_gateway.downloads import pdf_path
from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.problems import FieldProblem
from hlm_gateway.reports.progress import ProgressResult, progress_of
from hlm_gateway.selections import selects
from hlm_gateway.upstream.facilitator import BookingOut
from hlm_gateway.upstream.report import ReportOut, ReportSummaryOut
from hlm_gateway.upstream.survey import Approval, CycleOut
from hlm_gateway.vocabulary import SessionKind

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

    @strawberry.field(
        description=(
            "How the participant moved from an earlier released report on the same framework (since; by "
            "default their latest earlier one you may read) to this one: for whoever may read both reports. "
            "Nothing to compare with is NoEarlierReport; two reports that cannot be compared (not both "
            "released, another participant or framework, since not earlier) are ReportsNotComparable."
        ),
        extensions=[CheckedArguments()],
    )
    async def progress(self, info: Info[Context, None], since: strawberry.ID | None = None) -> ProgressResult | None:
        return await progress_of(info.context, str(self.id), None if since is None else str(since))


@strawberry.type(description="report-svc did not release the report and changed nothing.")
class ReportReleaseRefused:
    message: str
    code: str | None = strawberry.field(
        description="report-svc's code: conflict when too few responses arrived for a 360 report, so there is "
        "nothing to release."
    )
    problems: list[FieldProblem]


ReleaseReportResult = Annotated[Report | ReportReleaseRefused, strawberry.union("ReleaseReportResult")]


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
    kind: SessionKind = strawberry.field(
        default=SessionKind.FEEDBACK,
        description="A feedback session (about cycleId's report), or coaching or mentoring (about no cycle).",
    )
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
        loaders = info.context.loaders
        loader = loaders.report_by_cycle if selects(info, "content") else loaders.report_summary_by_cycle
        data = await loader.load(str(self.id))
        return report_from(data) if data else None

    @strawberry.field(description="The feedback session booked for this cycle, if any.")
    async def feedback_session(self, info: Info[Context, None]) -> FeedbackSession | None:
        data = await info.context.loaders.session_by_cycle.load(str(self.id))
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
        from hlm_gateway.cycles.types import nomination_from  # cycles.types builds on this module

        return [nomination_from(rater) for rater in await info.context.loaders.raters_by_cycle.load(str(self.id))]


def cycle_from(data: CycleOut) -> Cycle:
    return Cycle(
        id=strawberry.ID(str(data.id)),
        kind=data.kind.value,
        status=data.status.value,
        closes_at=data.closes_at,
        minimums_met=data.minimums_met,
        self_status=data.self_status.value,
        progress=[
            GroupProgress(
                rater_group=p.rater_group.value, invited=p.invited, submitted=p.submitted, declined=p.declined
            )
            for p in data.progress
        ],
        team_cycle_id=optional_id(data.team_cycle_id),
        approval=_approval(data.approval),
    )


def _approval(data: Approval | None) -> NominationsApproval | None:
    if data is None:
        return None
    return NominationsApproval(
        decision=data.decision.value if data.decision else None, note=data.note, decided_at=data.decided_at
    )


def report_from(data: ReportOut | ReportSummaryOut) -> Report:
    """A report, whole or a summary; a summary (no ``content``) is read only where the query does not
    select the content, so the missing value is never resolved."""
    return Report(
        id=strawberry.ID(str(data.id)),
        cycle_id=strawberry.ID(str(data.cycle_id)),
        participant_id=strawberry.ID(data.participant_id),
        kind=data.kind,
        state=data.state,
        status=data.status,
        release_mode=data.release_mode,
        version=data.version,
        released_at=data.released_at,
        content=cast(JSON, data.content if isinstance(data, ReportOut) else None),
    )


def session_from(data: BookingOut) -> FeedbackSession:
    return FeedbackSession(
        id=strawberry.ID(str(data.id)),
        status=data.status.value,
        facilitator_id=strawberry.ID(str(data.facilitator_id)),
        facilitator_name=data.facilitator_name,
        mode=data.mode.value,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        rating=data.rating,
        kind=SessionKind(data.kind.value),
        cycle_id=optional_id(data.cycle_id),
        slot_id=optional_id(data.slot_id),
        participant_id=optional_id(data.participant_id),
        venue=data.venue,
        hold_expires_at=data.hold_expires_at,
        report_id=optional_id(data.report_id),
        allocation_id=optional_id(data.allocation_id),
        created_at=data.created_at,
        confirmed_at=data.confirmed_at,
        cancelled_at=data.cancelled_at,
        cancellation_reason=data.cancellation_reason,
        completed_at=data.completed_at,
        rating_comment=data.rating_comment,
    )


def optional_id(value: UUID | str | None) -> strawberry.ID | None:
    """An optional id as the schema gives it (a UUID in its canonical text)."""
    return strawberry.ID(str(value)) if value else None
