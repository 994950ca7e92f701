from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from facilitator_svc.facilitators.schemas import Email, Name
from facilitator_svc.training.models import CourseKind, EnrolmentStatus
from facilitator_svc.vocabulary import AccreditationLevel, Mode, OrganisationCode
from hlm_kit.pagination import Page

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Statement = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class CourseIn(BaseModel):
    """A course the academy runs. An in-person course says where; the trainer is a facilitator of the
    region at trainer level."""

    model_config = ConfigDict(extra="forbid")

    kind: CourseKind
    title: Title
    starts_on: date
    ends_on: date | None = Field(default=None, description="The last day; the first when left out (a one-day course).")
    mode: Mode
    place: Place | None = None
    capacity: int = Field(ge=1, le=500)
    trainer_id: UUID

    @model_validator(mode="after")
    def _consistent(self) -> CourseIn:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("a course cannot end before it starts")
        if self.mode == Mode.IN_PERSON and self.place is None:
            raise ValueError("an in-person course needs a place")
        return self


class CourseOut(BaseModel):
    id: UUID
    kind: CourseKind
    title: str
    region: str
    starts_on: date
    ends_on: date
    mode: Mode
    place: str | None
    capacity: int
    trainer_id: UUID
    trainer_name: str
    places_taken: int
    waiting: int
    created_at: datetime


class CourseList(Page[CourseOut]):
    pass


class PersonIn(BaseModel):
    """Someone not on the register yet, enrolled on facilitator training by an administrator."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    email: Email
    organisation: OrganisationCode


class EnrolmentIn(BaseModel):
    """Who to enrol: a facilitator of the register, or a new person. A facilitator enrolling themself
    sends an empty body."""

    model_config = ConfigDict(extra="forbid")

    facilitator_id: UUID | None = None
    person: PersonIn | None = None

    @model_validator(mode="after")
    def _at_most_one(self) -> EnrolmentIn:
        if self.facilitator_id is not None and self.person is not None:
            raise ValueError("name a facilitator of the register or a new person, not both")
        return self


class EnrolmentOut(BaseModel):
    id: UUID
    course_id: UUID
    facilitator_id: UUID | None
    name: str
    email: str
    organisation: str
    status: EnrolmentStatus
    waiting_position: int | None = Field(description="1 for the first on the waiting list; null with a place.")
    requested_at: datetime
    placed_at: datetime | None
    promoted_at: datetime | None = Field(
        description="When the person moved up from the waiting list to a place; the academy tells them."
    )
    withdrawn_at: datetime | None
    attended: bool | None
    completed_at: datetime | None


class EnrolmentList(BaseModel):
    items: list[EnrolmentOut]


class WithdrawalOut(BaseModel):
    withdrawn: EnrolmentOut
    promoted: EnrolmentOut | None = Field(description="Who moved up from the waiting list into the freed place.")


class AttendanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    attended: bool


class AccreditationGrant(BaseModel):
    facilitator_id: UUID
    level: AccreditationLevel
    granted_on: date
    expires_on: date
    added_to_register: bool = Field(description="True when the person was new and is now on the register, inactive.")


class CompletionOut(BaseModel):
    enrolment: EnrolmentOut
    accreditation: AccreditationGrant


class AssessmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    email: Email
    score: int = Field(ge=0, le=100, description="The result in percent.")
    assessed_on: date


class AssessmentOut(BaseModel):
    id: UUID
    name: str
    email: str
    score: int
    pass_mark: int
    is_passed: bool
    assessed_on: date
    recorded_at: datetime


class AssessmentList(Page[AssessmentOut]):
    pass


class AssessmentImportResult(BaseModel):
    recorded: int = Field(description="Results of the file now recorded, each judged against the pass mark.")
    already_recorded: int = Field(
        description="Rows the region holds already (the same person, day and score): a file exported again "
        "records nothing twice."
    )


class InterestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    statement: Statement | None = None


class InterestOut(BaseModel):
    id: UUID
    facilitator_id: UUID
    facilitator_name: str
    region: str
    statement: str | None
    delivered_sessions: int
    created_at: datetime


class InterestList(Page[InterestOut]):
    pass
