"""Events produced by facilitator-svc."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import AwareDatetime, Field, model_validator

from hlm_contracts.base import EventData, EventPart, Subject
from hlm_contracts.enums import AccreditationLevel, SessionKind

_KIND = (
    "What the session is: `feedback` (a 360 feedback session, the one that releases a cycle's report), "
    "`coaching` or `mentoring` (the participant's own, with no cycle). Absent from events published before the "
    "field existed, which were all feedback sessions."
)


class SessionBookedV1(EventData):
    """A session was booked with a facilitator: a feedback session, or coaching or mentoring (`kind`).

    A rescheduled session is published again under the same `booking_id` with its new facilitator and
    times, and so is every live session of a facilitator whose account link changes; consumers keep the
    latest booking per `booking_id`.
    """

    type: ClassVar[str] = "hlm.facilitator.session.booked.v1"
    source: ClassVar[str] = "facilitator-svc"

    booking_id: UUID
    facilitator_id: UUID
    facilitator_subject: Subject | None = Field(
        default=None,
        description="The `sub` of the facilitator's own account, the identity they sign in with; null while their "
        "register entry is not linked to an account.",
    )
    participant_id: Subject
    cycle_id: UUID | None = Field(description="The cycle whose report the session discusses, when there is one.")
    kind: SessionKind = Field(default=SessionKind.FEEDBACK, description=_KIND)
    starts_at: AwareDatetime
    ends_at: AwareDatetime

    @model_validator(mode="after")
    def _ends_after_start(self) -> SessionBookedV1:
        if self.ends_at <= self.starts_at:
            raise ValueError("a session must end after it starts")
        if self.kind != SessionKind.FEEDBACK and self.cycle_id is not None:
            raise ValueError("only a feedback session is about a cycle")
        return self


class SessionCancelledV1(EventData):
    """A booked session was cancelled."""

    type: ClassVar[str] = "hlm.facilitator.session.cancelled.v1"
    source: ClassVar[str] = "facilitator-svc"

    booking_id: UUID
    cancelled_at: AwareDatetime
    kind: SessionKind = Field(default=SessionKind.FEEDBACK, description=_KIND)


class SessionCompletedV1(EventData):
    """A booked session took place."""

    type: ClassVar[str] = "hlm.facilitator.session.completed.v1"
    source: ClassVar[str] = "facilitator-svc"

    booking_id: UUID
    completed_at: AwareDatetime
    kind: SessionKind = Field(default=SessionKind.FEEDBACK, description=_KIND)


class AccreditationGrantedV1(EventData):
    """A facilitator completed a training course and was accredited, or had their accreditation renewed.

    `facilitator` after facilitator training, `trainer` after train-the-trainer. A renewal is published
    again under the same `facilitator_id`; consumers keep the latest.
    """

    type: ClassVar[str] = "hlm.facilitator.accreditation.granted.v1"
    source: ClassVar[str] = "facilitator-svc"

    facilitator_id: UUID
    level: AccreditationLevel
    granted_on: date
    expires_on: date

    @model_validator(mode="after")
    def _expires_after_grant(self) -> AccreditationGrantedV1:
        if self.expires_on <= self.granted_on:
            raise ValueError("an accreditation must expire after it is granted")
        return self


class CourseRequestOutcome(StrEnum):
    """What the academy made of an organisation's request for an internal course."""

    SCHEDULED = "scheduled"
    DECLINED = "declined"


class CourseRequestDecidedV1(EventData):
    """An academy answered an organisation's request for an internal facilitator training course: it
    scheduled a course for the organisation's staff, or declined with a reason.

    Carries no contact details: the organisation's own systems know whom they asked for.
    """

    type: ClassVar[str] = "hlm.facilitator.course_request.decided.v1"
    source: ClassVar[str] = "facilitator-svc"

    request_id: UUID
    organisation: str = Field(min_length=1, description="The organisation code of the requesting organisation.")
    region: str = Field(min_length=1)
    outcome: CourseRequestOutcome
    course_id: UUID | None = Field(default=None, description="The scheduled course; null when declined.")
    starts_on: date | None = Field(default=None, description="The scheduled course's first day; null when declined.")
    reason: str | None = Field(default=None, description="Why the academy declined; null when scheduled.")
    decided_at: AwareDatetime

    @model_validator(mode="after")
    def _consistent(self) -> CourseRequestDecidedV1:
        if self.outcome == CourseRequestOutcome.SCHEDULED and (self.course_id is None or self.starts_on is None):
            raise ValueError("a scheduled request names its course and first day")
        if self.outcome == CourseRequestOutcome.DECLINED and not self.reason:
            raise ValueError("a declined request says why")
        return self


class RenewingCourse(EventPart):
    """A course of the facilitator's region, starting before the accreditation lapses, that renews it."""

    course_id: UUID
    starts_on: date


class AccreditationReminderRecordedV1(EventData):
    """A facilitator's accreditation lapses soon: a reminder fell due `days_before` days ahead of
    `expires_on`, with the courses that would renew it. Published once per accreditation and reminder
    point; whoever mails facilitators (the academy's own systems) sends the reminder.
    """

    type: ClassVar[str] = "hlm.facilitator.accreditation_reminder.recorded.v1"
    source: ClassVar[str] = "facilitator-svc"

    reminder_id: UUID
    facilitator_id: UUID
    level: AccreditationLevel
    expires_on: date
    days_before: int = Field(ge=1, description="The reminder point: this many days before the accreditation lapses.")
    renewing_courses: list[RenewingCourse] = Field(
        default_factory=list, description="Courses that renew it, soonest first; empty when none is scheduled."
    )
