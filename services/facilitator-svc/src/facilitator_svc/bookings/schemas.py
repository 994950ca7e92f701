from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from facilitator_svc.bookings.models import BookingStatus
from facilitator_svc.matching.schemas import ParticipantRef
from facilitator_svc.vocabulary import Mode, SessionKind
from hlm_kit.pagination import Page

Comment = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class BookingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slot_id: UUID
    kind: SessionKind | None = Field(
        default=None,
        description="The kind of session meant (feedback, coaching, mentoring): refused when the slot is of "
        "another kind. The booking is always the slot's kind.",
    )
    mode: Mode | None = Field(default=None, description="Required when the slot is offered in more than one mode.")
    cycle_id: UUID | None = Field(
        default=None,
        description="The assessment cycle whose report a feedback session discusses; coaching and mentoring are "
        "the participant's own and name none.",
    )
    participant: ParticipantRef | None = Field(default=None, description="Administrators only: whom to book for.")
    confirm: bool = Field(default=False, description="Book at once instead of holding the slot for a short time.")


class RescheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slot_id: UUID
    mode: Mode | None = None


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Comment | None = None


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: int = Field(ge=1, le=5, description="1 (poor) to 5 (excellent).")
    comment: Comment | None = None


class BookingOut(BaseModel):
    id: UUID
    status: BookingStatus
    facilitator_id: UUID
    facilitator_name: str
    slot_id: UUID | None
    participant_id: str | None
    cycle_id: UUID | None
    kind: SessionKind
    mode: Mode
    venue: str | None
    starts_at: datetime
    ends_at: datetime
    hold_expires_at: datetime | None
    allocation_id: UUID | None
    report_id: UUID | None = Field(description="The participant's report, once it is ready for a coached release.")
    created_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    cancellation_reason: str | None
    completed_at: datetime | None
    rating: int | None
    rating_comment: str | None


class BookingList(Page[BookingOut]):
    pass
