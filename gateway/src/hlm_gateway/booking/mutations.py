from __future__ import annotations

from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.booking.types import (
    BookingConflict,
    HoldSessionResult,
    SessionChangeRefused,
    SessionChangeResult,
    coaching_kind,
)
from hlm_gateway.context import Context
from hlm_gateway.facilitators.types import SessionMode
from hlm_gateway.journey.types import session_from
from hlm_gateway.problems import refused_as
from hlm_gateway.upstream import Refusal
from hlm_gateway.upstream.facilitator import BookingOut
from hlm_gateway.vocabulary import SessionKind

_NOT_FREE = "the slot is not free"
_UNCHANGED = "the session cannot change so"


def _session_path(id: strawberry.ID, action: str) -> str:
    return f"/v1/bookings/{quote(id, safe='')}/{action}"


@strawberry.type
class BookingMutation:
    @strawberry.mutation(
        description="Hold a facilitator's slot for the cycle's feedback session, for a short time. mode is "
        "needed when the slot is offered in more than one."
    )
    async def hold_session(
        self,
        info: Info[Context, None],
        slot_id: strawberry.ID,
        cycle_id: strawberry.ID,
        mode: SessionMode | None = None,
    ) -> HoldSessionResult | None:
        body = {"slot_id": str(slot_id), "cycle_id": str(cycle_id), "kind": SessionKind.FEEDBACK.value} | (
            {"mode": mode.value} if mode else {}
        )
        result = await info.context.facilitator.post_outcome("/v1/bookings", BookingOut, body)
        return (
            refused_as(BookingConflict, result.problem, fallback=_NOT_FREE, sent_as=())
            if isinstance(result, Refusal)
            else session_from(result)
        )

    @strawberry.mutation(
        description="Hold a coaching or mentoring slot for a short time: the participant's own session, about no "
        "cycle. A slot of another kind is refused (kind_mismatch), as is a facilitator who no longer offers the "
        "kind. mode is needed when the slot is offered in more than one."
    )
    async def hold_coaching_session(
        self,
        info: Info[Context, None],
        slot_id: strawberry.ID,
        kind: SessionKind = SessionKind.COACHING,
        mode: SessionMode | None = None,
    ) -> HoldSessionResult | None:
        body = {"slot_id": str(slot_id), "kind": coaching_kind(kind).value} | ({"mode": mode.value} if mode else {})
        result = await info.context.facilitator.post_outcome("/v1/bookings", BookingOut, body)
        return (
            refused_as(BookingConflict, result.problem, fallback=_NOT_FREE, sent_as=())
            if isinstance(result, Refusal)
            else session_from(result)
        )

    @strawberry.mutation(description="Confirm a held session before its hold runs out (the participant or an admin).")
    async def confirm_session(self, info: Info[Context, None], id: strawberry.ID) -> SessionChangeResult | None:
        result = await info.context.facilitator.post_outcome(_session_path(id, "confirm"), BookingOut, expected=(409,))
        return (
            refused_as(SessionChangeRefused, result.problem, fallback=_UNCHANGED, sent_as=())
            if isinstance(result, Refusal)
            else session_from(result)
        )

    @strawberry.mutation(description="Cancel a session before it starts (its participant, facilitator or admin).")
    async def cancel_session(
        self, info: Info[Context, None], id: strawberry.ID, reason: str | None = None
    ) -> SessionChangeResult | None:
        result = await info.context.facilitator.post_outcome(
            _session_path(id, "cancel"), BookingOut, {"reason": reason} if reason else None
        )
        return (
            refused_as(SessionChangeRefused, result.problem, fallback=_UNCHANGED, sent_as=())
            if isinstance(result, Refusal)
            else session_from(result)
        )

    @strawberry.mutation(
        description="Move a session to another slot, of the same or another facilitator, keeping its id "
        "(the participant or an admin)."
    )
    async def reschedule_session(
        self, info: Info[Context, None], id: strawberry.ID, slot_id: strawberry.ID, mode: SessionMode | None = None
    ) -> HoldSessionResult | None:
        body = {"slot_id": str(slot_id)} | ({"mode": mode.value} if mode else {})
        result = await info.context.facilitator.post_outcome(_session_path(id, "reschedule"), BookingOut, body)
        return (
            refused_as(BookingConflict, result.problem, fallback=_NOT_FREE, sent_as=())
            if isinstance(result, Refusal)
            else session_from(result)
        )

    @strawberry.mutation(description="Mark a session that has started as held (its facilitator or an admin).")
    async def complete_session(self, info: Info[Context, None], id: strawberry.ID) -> SessionChangeResult | None:
        result = await info.context.facilitator.post_outcome(_session_path(id, "complete"), BookingOut, expected=(409,))
        return (
            refused_as(SessionChangeRefused, result.problem, fallback=_UNCHANGED, sent_as=())
            if isinstance(result, Refusal)
            else session_from(result)
        )

    @strawberry.mutation(description="Rate a completed session, 1 (poor) to 5 (excellent), once (its participant).")
    async def rate_session(
        self, info: Info[Context, None], id: strawberry.ID, rating: int, comment: str | None = None
    ) -> SessionChangeResult | None:
        body = {"rating": rating} | ({"comment": comment} if comment else {})
        result = await info.context.facilitator.post_outcome(_session_path(id, "rating"), BookingOut, body)
        return (
            refused_as(SessionChangeRefused, result.problem, fallback=_UNCHANGED, sent_as=())
            if isinstance(result, Refusal)
            else session_from(result)
        )
