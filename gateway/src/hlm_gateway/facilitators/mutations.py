from __future__ import annotations

from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.context import Context
from hlm_gateway.facilitators.types import (
    AddAvailabilityResult,
    AvailabilityAdded,
    AvailabilityRemoved,
    FacilitatorChangesInput,
    FacilitatorInput,
    FacilitatorResult,
    RegisterRefused,
    RemoveAvailabilityResult,
    SlotInput,
    changes_body,
    facilitator_from,
    register_body,
    slot_body,
    slot_from,
)
from hlm_gateway.problems import refused_as
from hlm_gateway.upstream import Refusal
from hlm_gateway.upstream.facilitator import FacilitatorOut, SlotList

_REFUSED = "the register refused the change"


@strawberry.type
class FacilitatorMutation:
    @strawberry.mutation(description="Add a facilitator to your region's register (academy administrators).")
    async def register_facilitator(
        self, info: Info[Context, None], input: FacilitatorInput
    ) -> FacilitatorResult | None:
        body = await info.context.facilitator.post_outcome("/v1/facilitators", FacilitatorOut, register_body(input))
        return (
            refused_as(RegisterRefused, body.problem, fallback=_REFUSED, sent_as=("input",))
            if isinstance(body, Refusal)
            else facilitator_from(body)
        )

    @strawberry.mutation(
        description="Change a profile: its region's administrator any field, the facilitator their own working "
        "details (other fields are FORBIDDEN)."
    )
    async def update_facilitator(
        self, info: Info[Context, None], id: strawberry.ID, input: FacilitatorChangesInput
    ) -> FacilitatorResult | None:
        body = await info.context.facilitator.send_outcome(
            "PATCH", f"/v1/facilitators/{quote(id, safe='')}", FacilitatorOut, changes_body(input)
        )
        return (
            refused_as(RegisterRefused, body.problem, fallback=_REFUSED, sent_as=("input",))
            if isinstance(body, Refusal)
            else facilitator_from(body)
        )

    @strawberry.mutation(description="Offer sessions: all of them, or none when any breaks a rule.")
    async def add_availability(
        self, info: Info[Context, None], facilitator_id: strawberry.ID, slots: list[SlotInput]
    ) -> AddAvailabilityResult | None:
        body = await info.context.facilitator.post_outcome(
            f"/v1/facilitators/{quote(facilitator_id, safe='')}/slots",
            SlotList,
            {"slots": [slot_body(s) for s in slots]},
        )
        if isinstance(body, Refusal):
            return refused_as(RegisterRefused, body.problem, fallback=_REFUSED, sent_as=())
        return AvailabilityAdded(slots=[slot_from(item) for item in body.items])

    @strawberry.mutation(description="Withdraw an offered session nobody holds or has booked.")
    async def remove_availability(
        self, info: Info[Context, None], facilitator_id: strawberry.ID, slot_id: strawberry.ID
    ) -> RemoveAvailabilityResult | None:
        refusal = await info.context.facilitator.send_outcome_without_answer(
            "DELETE", f"/v1/facilitators/{quote(facilitator_id, safe='')}/slots/{quote(slot_id, safe='')}"
        )
        return (
            AvailabilityRemoved(slot_id=slot_id)
            if refusal is None
            else refused_as(RegisterRefused, refusal.problem, fallback=_REFUSED, sent_as=())
        )
