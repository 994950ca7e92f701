"""Events produced by facilitator-svc."""

from __future__ import annotations

from datetime import date
from typing import ClassVar
from uuid import UUID

from pydantic import AwareDatetime, Field, model_validator

from hlm_contracts.base import EventData, Subject
from hlm_contracts.enums import AccreditationLevel


class SessionBookedV1(EventData):
    """A feedback session was booked with a facilitator.

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
    starts_at: AwareDatetime
    ends_at: AwareDatetime

    @model_validator(mode="after")
    def _ends_after_start(self) -> SessionBookedV1:
        if self.ends_at <= self.starts_at:
            raise ValueError("a session must end after it starts")
        return self


class SessionCancelledV1(EventData):
    """A booked session was cancelled."""

    type: ClassVar[str] = "hlm.facilitator.session.cancelled.v1"
    source: ClassVar[str] = "facilitator-svc"

    booking_id: UUID
    cancelled_at: AwareDatetime


class SessionCompletedV1(EventData):
    """A booked session took place."""

    type: ClassVar[str] = "hlm.facilitator.session.completed.v1"
    source: ClassVar[str] = "facilitator-svc"

    booking_id: UUID
    completed_at: AwareDatetime


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
