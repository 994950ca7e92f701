from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from facilitator_svc.facilitators.schemas import Location
from facilitator_svc.vocabulary import Language, Mode, OrganisationCode, ParticipantId, Region, SessionKind, Specialism


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime
    ends_at: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.ends_at <= self.starts_at:
            raise ValueError("the window must end after it starts")
        if (self.ends_at - self.starts_at).days > 366:
            raise ValueError("the window spans at most a year")
        return self


class ParticipantRef(BaseModel):
    """Whom an administrator matches or books for. Organisation and region default to what the
    participant's assessment cycle recorded."""

    model_config = ConfigDict(extra="forbid")

    id: ParticipantId
    organisation: OrganisationCode | None = None
    region: Region | None = None


class Preferences(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Mode | None = Field(default=None, description="Leave out to consider both.")
    languages: Annotated[list[Language], AfterValidator(_unique)] = Field(
        default=[], max_length=10, description="In order of preference."
    )
    specialisms: Annotated[list[Specialism], AfterValidator(_unique)] = Field(default=[], max_length=20)
    window: Window | None = Field(default=None, description="Defaults to the coming weeks.")
    location: Location | None = Field(default=None, description="Where the participant would meet in person.")
    max_distance_km: float | None = Field(default=None, gt=0, le=2000)


class MatchRequest(Preferences):
    kind: SessionKind = Field(
        default=SessionKind.FEEDBACK,
        description="The kind of session sought: only facilitators who offer it, and only their slots of that kind.",
    )
    participant: ParticipantRef | None = Field(default=None, description="Administrators only: whom to match.")
    cycle_id: UUID | None = Field(
        default=None,
        description="The assessment cycle a feedback session is for; coaching and mentoring are the participant's "
        "own and name none.",
    )
    include_ineligible: bool = Field(
        default=False, description="Administrators only: also list who is excluded and why."
    )
    limit: int = Field(default=20, ge=1, le=100)


class FacilitatorCard(BaseModel):
    """What a participant sees of a facilitator: enough to choose, no contact details."""

    id: UUID
    name: str
    organisation: str
    region: str
    accreditation_level: str
    modes: list[str]
    languages: list[str]
    specialisms: list[str]


class ReasonOut(BaseModel):
    factor: str
    weight: float
    value: float
    contribution: float
    detail: str


class SlotOffer(BaseModel):
    slot_id: UUID
    starts_at: datetime
    ends_at: datetime
    kind: SessionKind
    mode: Mode
    venue: str | None
    score: float


class MatchOut(BaseModel):
    rank: int
    facilitator: FacilitatorCard
    score: float = Field(description="0 to 1: the weighted sum of the reasons' values for the best session.")
    reasons: list[ReasonOut]
    slots: list[SlotOffer] = Field(description="The facilitator's best free sessions for this participant.")


class ExclusionOut(BaseModel):
    rule: str
    detail: str


class IneligibleOut(BaseModel):
    facilitator: FacilitatorCard
    reasons: list[ExclusionOut]


class MatchedParticipant(BaseModel):
    id: str
    organisation: str
    region: str | None


class MatchResult(BaseModel):
    participant: MatchedParticipant
    kind: SessionKind = Field(description="The kind of session matched for.")
    window: Window
    eligible: list[MatchOut]
    ineligible: list[IneligibleOut] | None = None
