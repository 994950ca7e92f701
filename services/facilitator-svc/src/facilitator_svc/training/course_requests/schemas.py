from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from facilitator_svc.facilitators.schemas import Email, Name, Phone
from facilitator_svc.training.course_requests.models import CourseRequestStatus
from facilitator_svc.training.schemas import CourseIn, CourseOut
from facilitator_svc.vocabulary import Mode, OrganisationCode, Region
from hlm_kit.edge import PositiveInt32
from hlm_kit.pagination import Page

Notes = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]

# The largest group one request may ask training for: the most a single course holds (CourseIn.capacity).
MAX_STAFF = 500


class Contact(BaseModel):
    """Whom the academy talks to about the course at the organisation."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    email: Email
    phone: Phone | None = None


class PreferredDates(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: date = Field(description="The first day the organisation could hold the course.")
    end: date = Field(description="The last day it could.")

    @model_validator(mode="after")
    def _in_order(self) -> PreferredDates:
        if self.end < self.start:
            raise ValueError("the preferred dates end before they start")
        return self


class CourseRequestIn(BaseModel):
    """An organisation's request for an internal facilitator training course for its staff."""

    model_config = ConfigDict(extra="forbid")

    organisation: OrganisationCode = Field(description="Your organisation's code, as your token carries it.")
    region: Region = Field(description="The academy's region that is asked to run the course.")
    contact: Contact
    preferred_dates: PreferredDates
    preferred_mode: Mode | None = None
    staff_count: Annotated[PositiveInt32, Field(le=MAX_STAFF, description="How many staff would attend.")]
    notes: Notes | None = None


class CourseRequestOut(BaseModel):
    id: UUID
    organisation: str
    region: str
    contact: Contact
    preferred_dates: PreferredDates
    preferred_mode: Mode | None
    staff_count: int
    notes: str | None
    status: CourseRequestStatus
    requested_at: datetime
    course_id: UUID | None = Field(description="The course scheduled for the organisation, once there is one.")
    decline_reason: str | None
    decided_at: datetime | None


class CourseRequestList(Page[CourseRequestOut]):
    pass


class ScheduleIn(BaseModel):
    """The course the academy runs for the organisation; its region is the administrator's."""

    model_config = ConfigDict(extra="forbid")

    course: CourseIn


class ScheduledOut(BaseModel):
    request: CourseRequestOut
    course: CourseOut


class DeclineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason = Field(description="Why the academy cannot run the course; the organisation is told.")
