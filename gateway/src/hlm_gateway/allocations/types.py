"""Cohort allocation as an academy administrator runs it: a job that assigns a whole cohort to the
region's facilitators at once, its proposal with the cost of each assignment and why anyone is left out,
and its confirmation into booked sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import CHECK, CheckMark, subject
from hlm_gateway.booking.types import MatchReason, reason_from
from hlm_gateway.context import Context
from hlm_gateway.facilitators.types import (
    Facilitator,
    LocationInput,
    SessionMode,
    TimeWindow,
    TimeWindowInput,
    facilitator_from,
    rest_value,
    window_from,
)
from hlm_gateway.journey.types import optional_id
from hlm_gateway.problems import FieldProblem
from hlm_gateway.upstream.facilitator import AllocationOut
from hlm_gateway.upstream.facilitator import AllocationSummary as AllocationSummaryOut

# An assignment's cost is this many points times (1 - its score), as facilitator-svc reckons it.
COST_SCALE = 10000


@strawberry.type(description="An allocation job: where it has got to and, once solved, its totals.")
class AllocationSummary:
    id: strawberry.ID
    status: str = strawberry.field(description="queued, running, proposed, failed, confirmed or discarded.")
    progress: float = strawberry.field(description="0 to 1.")
    stage: str
    region: str
    window: TimeWindow
    participant_count: int
    assigned_count: int | None
    objective_cost: int | None = strawberry.field(
        description="The assignment's total cost, the sum of its assignments' costs; lower is better."
    )
    solve_seconds: float | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    confirmed_at: datetime | None


@strawberry.type(description="A participant placed on a facilitator's session, with what it costs and why.")
class AllocationAssignment:
    participant_id: strawberry.ID
    facilitator_id: strawberry.ID
    slot_id: strawberry.ID
    mode: SessionMode
    starts_at: datetime
    ends_at: datetime
    cost: int = strawberry.field(description="This participant's share of the objective: 10000 x (1 - score).")
    reasons: list[MatchReason]
    booking_id: strawberry.ID | None = strawberry.field(
        description="The session booked when the allocation was confirmed."
    )
    booking_error: str | None = strawberry.field(description="Why confirming could not book this one.")

    @strawberry.field(description="The fit of this assignment, 0 to 1, as matching scores it.")
    def score(self) -> float:
        return round(1 - self.cost / COST_SCALE, 4)

    @strawberry.field(description="The facilitator's profile (all assignments' profiles in one upstream read).")
    async def facilitator(self, info: Info[Context, None]) -> Facilitator | None:
        data = await info.context.loaders.facilitator.load(str(self.facilitator_id))
        return facilitator_from(data) if data else None


@strawberry.type(description="How many facilitators one rule kept away from a participant.")
class RuleExclusion:
    rule: str
    facilitators: int


@strawberry.type(description="A participant the allocation could not place, and why.")
class UnassignedParticipant:
    participant_id: strawberry.ID
    reason: str
    excluded_by: list[RuleExclusion]


@strawberry.type(description="An allocation job with its proposal once solved (nothing before).")
class Allocation(AllocationSummary):
    assignments: list[AllocationAssignment]
    unassigned: list[UnassignedParticipant]


@strawberry.type(
    description="The allocation was not started or changed: problems with the cohort (each listed), or a job "
    "that is not in a state to confirm or discard (still running, failed, already confirmed...)."
)
class AllocationRefused:
    message: str
    code: str | None
    problems: list[FieldProblem]


StartAllocationResult = Annotated[AllocationSummary | AllocationRefused, strawberry.union("StartAllocationResult")]
AllocationResult = Annotated[Allocation | AllocationRefused, strawberry.union("AllocationResult")]


@strawberry.input(description="A participant of the cohort and what they would like.")
class CohortMemberInput:
    participant_id: strawberry.ID = strawberry.field(metadata={CHECK: CheckMark(subject)})
    organisation: str | None = strawberry.field(
        default=None, description="Defaults to what the participant's assessment cycle recorded."
    )
    cycle_id: strawberry.ID | None = None
    mode: SessionMode | None = None
    languages: list[str] = strawberry.field(default_factory=list)
    specialisms: list[str] = strawberry.field(default_factory=list)
    location: LocationInput | None = None
    max_distance_km: float | None = None


@strawberry.input
class StartAllocationInput:
    window: TimeWindowInput
    participants: list[CohortMemberInput]


def start_body(input: StartAllocationInput) -> dict[str, object]:
    return {
        "window": rest_value(input.window),
        "participants": [
            {key: rest_value(value) for key, value in vars(member).items() if value is not None}
            for member in input.participants
        ],
    }


def summary_from(data: AllocationSummaryOut) -> AllocationSummary:
    return AllocationSummary(
        id=strawberry.ID(str(data.id)),
        status=data.status.value,
        progress=data.progress,
        stage=data.stage,
        region=data.region,
        window=window_from(data.window),
        participant_count=data.participant_count,
        assigned_count=data.assigned_count,
        objective_cost=data.objective_cost,
        solve_seconds=data.solve_seconds,
        error=data.error,
        created_at=data.created_at,
        finished_at=data.finished_at,
        confirmed_at=data.confirmed_at,
    )


def allocation_from(data: AllocationOut) -> Allocation:
    return Allocation(
        id=strawberry.ID(str(data.id)),
        status=data.status.value,
        progress=data.progress,
        stage=data.stage,
        region=data.region,
        window=window_from(data.window),
        participant_count=data.participant_count,
        assigned_count=data.assigned_count,
        objective_cost=data.objective_cost,
        solve_seconds=data.solve_seconds,
        error=data.error,
        created_at=data.created_at,
        finished_at=data.finished_at,
        confirmed_at=data.confirmed_at,
        assignments=[
            AllocationAssignment(
                participant_id=strawberry.ID(a.participant_id),
                facilitator_id=strawberry.ID(str(a.facilitator_id)),
                slot_id=strawberry.ID(str(a.slot_id)),
                mode=SessionMode(a.mode.value),
                starts_at=a.starts_at,
                ends_at=a.ends_at,
                cost=a.cost,
                reasons=[reason_from(r) for r in a.reasons],
                booking_id=optional_id(a.booking_id),
                booking_error=a.booking_error,
            )
            for a in data.assignments
        ],
        unassigned=[
            UnassignedParticipant(
                participant_id=strawberry.ID(u.participant_id),
                reason=u.reason,
                excluded_by=[RuleExclusion(rule=rule, facilitators=n) for rule, n in u.excluded_by.items()],
            )
            for u in data.unassigned
        ],
    )
