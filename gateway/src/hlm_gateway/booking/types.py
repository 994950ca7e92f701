"""Booking a feedback session with a facilitator, and the typed refusal when the slot is taken."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from hlm_gateway.journey.types import FeedbackSession


@strawberry.type(description="The slot could not be held: someone holds or booked it, or it is no longer free.")
class BookingConflict:
    message: str


HoldSessionResult = Annotated[FeedbackSession | BookingConflict, strawberry.union("HoldSessionResult")]


def booking_conflict_from(problem: dict[str, Any]) -> BookingConflict:
    return BookingConflict(message=problem.get("detail") or problem.get("title") or "the slot is not free")
