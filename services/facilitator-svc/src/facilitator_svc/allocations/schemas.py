from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from facilitator_svc.allocations.models import AllocationStatus
from facilitator_svc.facilitators.schemas import Location
from facilitator_svc.matching.schemas import ReasonOut, Window
from facilitator_svc.vocabulary import Language, Mode, OrganisationCode, ParticipantId, Specialism
from hlm_kit.pagination import Page


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


class CohortMemberIn(BaseModel):
    """A participant of the cohort and what they would like. Their organisation defaults to what their
    assessment cycle recorded."""

    model_config = ConfigDict(extra="forbid")

    participant_id: ParticipantId
    organisation: OrganisationCode | None = None
    cycle_id: UUID | None = None
    mode: Mode | None = None
    languages: Annotated[list[Language], AfterValidator(_unique)] = Field(default=[], max_length=10)
    specialisms: Annotated[list[Specialism], AfterValidator(_unique)] = Field(default=[], max_length=20)
    location: Location | None = None
    max_distance_km: float | None = Field(default=None, gt=0, le=2000)


class AllocationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    window: Window
    participants: list[CohortMemberIn] = Field(min_length=1)


class AssignmentOut(BaseModel):
    participant_id: str
    facilitator_id: UUID
    slot_id: UUID
    mode: Mode
    starts_at: datetime
    ends_at: datetime
    cost: int = Field(description="This participant's share of the objective: 10000 x (1 - score).")
    reasons: list[ReasonOut]
    booking_id: UUID | None = None
    booking_error: str | None = None


class UnassignedOut(BaseModel):
    participant_id: str
    reason: str
    excluded_by: dict[str, int] = Field(description="How many facilitators each rule kept away.")


class AllocationSummary(BaseModel):
    id: UUID
    status: AllocationStatus
    progress: float
    stage: str
    region: str
    window: Window
    participant_count: int
    assigned_count: int | None
    objective_cost: int | None = Field(description="Total cost of the assignment; lower is better.")
    solve_seconds: float | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    confirmed_at: datetime | None


class AllocationOut(AllocationSummary):
    assignments: list[AssignmentOut]
    unassigned: list[UnassignedOut]


class AllocationList(Page[AllocationSummary]):
    pass
