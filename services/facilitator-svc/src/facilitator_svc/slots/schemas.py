from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from facilitator_svc.vocabulary import Mode, SessionKind

# A feedback session runs from a quarter of an hour to a working day.
SHORTEST_SESSION = timedelta(minutes=15)
LONGEST_SESSION = timedelta(hours=8)
Venue = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


def _unique_modes(values: list[Mode]) -> list[Mode]:
    return list(dict.fromkeys(values))


class SlotIn(BaseModel):
    """A session the facilitator offers. ``modes`` defaults to every mode the facilitator works in."""

    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime
    ends_at: AwareDatetime
    kind: SessionKind = Field(
        default=SessionKind.FEEDBACK,
        description="What the session is: a 360 feedback session, coaching or mentoring. The facilitator must "
        "offer that kind (their `session_kinds`).",
    )
    modes: Annotated[list[Mode], Field(min_length=1), AfterValidator(_unique_modes)] | None = None
    venue: Venue | None = Field(default=None, description="Where an in-person session takes place.")

    @model_validator(mode="after")
    def _sensible_length(self) -> SlotIn:
        length = self.ends_at - self.starts_at
        if length <= timedelta(0):
            raise ValueError("a slot must end after it starts")
        if length < SHORTEST_SESSION or length > LONGEST_SESSION:
            raise ValueError("a slot lasts from 15 minutes to 8 hours")
        return self


class SlotsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slots: list[SlotIn] = Field(min_length=1, max_length=500)


class SlotOut(BaseModel):
    id: UUID
    facilitator_id: UUID
    starts_at: datetime
    ends_at: datetime
    kind: SessionKind
    modes: list[Mode]
    venue: str | None
    is_booked: bool


class SlotList(BaseModel):
    items: list[SlotOut]
