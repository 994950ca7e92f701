from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, TypeVar
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from facilitator_svc.vocabulary import (
    AccreditationLevel,
    FacilitatorStatus,
    Language,
    Mode,
    OrganisationCode,
    ParticipantId,
    Region,
    SessionKind,
    Specialism,
)
from hlm_kit.pagination import Page

# A leading =, +, - or @ would make a spreadsheet opening the exported register run the cell as a formula.
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^=+\-@]")]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40, pattern=r"^[0-9+() -]+$")]
Subject = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"\S")]


T = TypeVar("T")


def _unique(values: list[T]) -> list[T]:
    """The same list without repeats, first occurrence kept: repeating a language changes nothing."""
    return list(dict.fromkeys(values))


Modes = Annotated[list[Mode], Field(min_length=1), AfterValidator(_unique)]
Languages = Annotated[list[Language], AfterValidator(_unique)]
Specialisms = Annotated[list[Specialism], AfterValidator(_unique)]
OrganisationCodes = Annotated[list[OrganisationCode], AfterValidator(_unique)]
ParticipantIds = Annotated[list[ParticipantId], AfterValidator(_unique)]
SessionKinds = Annotated[list[SessionKind], Field(min_length=1), AfterValidator(_unique)]
Capacity = Annotated[int, Field(ge=0, le=200, description="Sessions the facilitator takes per calendar month.")]


class Accreditation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: AccreditationLevel
    trained_on: date
    expires_on: date

    @model_validator(mode="after")
    def _expires_after_training(self) -> Accreditation:
        if self.expires_on < self.trained_on:
            raise ValueError("accreditation cannot expire before the training it follows")
        return self


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid")

    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class Conflicts(BaseModel):
    """Who a facilitator must not facilitate: staff of these organisations, and these participants."""

    model_config = ConfigDict(extra="forbid")

    organisations: OrganisationCodes = []
    participants: ParticipantIds = Field(default=[], description="Participants' ids (the `sub` of their token).")


class FacilitatorIn(BaseModel):
    """A facilitator to add to the register. ``region`` defaults to the administrator's own."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    email: Email
    phone: Phone | None = None
    subject: Subject | None = Field(default=None, description="The `sub` of the facilitator's own account.")
    organisation: OrganisationCode
    region: Region | None = None
    accreditation: Accreditation
    status: FacilitatorStatus = FacilitatorStatus.ACTIVE
    capacity_per_month: Capacity
    modes: Modes
    languages: Languages = ["en"]
    specialisms: Specialisms = []
    session_kinds: SessionKinds | None = Field(
        default=None,
        description="The kinds of session the facilitator offers (a coach or mentor added to the register offers "
        "coaching or mentoring); feedback for a new entry, unchanged for one a register import updates.",
    )
    location: Location | None = None
    conflicts: Conflicts = Conflicts()


class FacilitatorPatch(BaseModel):
    """A change to a profile; fields left out stay as they are. A facilitator may change their own
    contact details, modes, languages, specialisms, location, conflicts and capacity; the rest is the
    administrator's."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    subject: Subject | None = None
    organisation: OrganisationCode | None = None
    region: Region | None = None
    accreditation: Accreditation | None = None
    status: FacilitatorStatus | None = None
    capacity_per_month: Capacity | None = None
    modes: Modes | None = None
    languages: Languages | None = None
    specialisms: Specialisms | None = None
    session_kinds: SessionKinds | None = None
    location: Location | None = None
    conflicts: Conflicts | None = None


# Fields a facilitator may change on their own profile.
SELF_EDITABLE = frozenset(
    {"phone", "capacity_per_month", "modes", "languages", "specialisms", "session_kinds", "location", "conflicts"}
)
# Fields that may be set back to nothing.
NULLABLE = frozenset({"phone", "subject", "location"})


class AccreditationOut(Accreditation):
    is_current: bool = Field(description="Whether the accreditation is valid today.")


class FacilitatorOut(BaseModel):
    id: UUID
    name: str
    email: str
    phone: str | None
    subject: str | None
    organisation: str
    region: str
    accreditation: AccreditationOut
    status: FacilitatorStatus
    capacity_per_month: int
    modes: list[Mode]
    languages: list[str]
    specialisms: list[str]
    session_kinds: list[SessionKind] = Field(description="The kinds of session the facilitator offers.")
    location: Location | None
    conflicts: Conflicts
    created_at: datetime
    updated_at: datetime


class FacilitatorList(Page[FacilitatorOut]):
    pass


class ImportResult(BaseModel):
    created: int
    updated: int
    unchanged: int


class SpecialismOut(BaseModel):
    key: str
    label: str


class SpecialismList(BaseModel):
    items: list[SpecialismOut]
