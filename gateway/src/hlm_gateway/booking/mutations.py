from __future__ import annotations

import strawberry
from strawberry.types import Info

from hlm_gateway.booking.types import HoldSessionResult, booking_conflict_from
from hlm_gateway.context import Context
from hlm_gateway.journey.types import session_from


@strawberry.type
class BookingMutation:
    @strawberry.mutation(description="Hold a facilitator's slot for the cycle's feedback session, for a short time.")
    async def hold_session(
        self, info: Info[Context, None], slot_id: strawberry.ID, cycle_id: strawberry.ID
    ) -> HoldSessionResult | None:
        status, body = await info.context.facilitator.post_outcome(
            "/v1/bookings", {"slot_id": str(slot_id), "cycle_id": str(cycle_id)}, expected=(409,)
        )
        return session_from(body) if status < 400 else booking_conflict_from(body)
