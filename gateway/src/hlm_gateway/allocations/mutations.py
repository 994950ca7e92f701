from __future__ import annotations

from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.allocations.types import (
    AllocationRefused,
    AllocationResult,
    StartAllocationInput,
    StartAllocationResult,
    allocation_from,
    start_body,
    summary_from,
)
from hlm_gateway.arguments import IdempotencyKey
from hlm_gateway.context import Context
from hlm_gateway.problems import refused_as
from hlm_gateway.upstream import Refusal
from hlm_gateway.upstream.facilitator import AllocationOut
from hlm_gateway.upstream.facilitator import AllocationSummary as AllocationSummaryOut

_REFUSED = "the allocation cannot do that now"


@strawberry.type
class AllocationMutation:
    @strawberry.mutation(
        description="Allocate a cohort to your region's facilitators: a job that runs in the background; poll "
        "allocation(id) until it is proposed. The same idempotencyKey returns the same job instead of another."
    )
    async def start_allocation(
        self, info: Info[Context, None], input: StartAllocationInput, idempotency_key: IdempotencyKey = None
    ) -> StartAllocationResult | None:
        result = await info.context.facilitator.send_outcome(
            "POST",
            "/v1/allocations",
            AllocationSummaryOut,
            start_body(input),
            headers={"Idempotency-Key": idempotency_key} if idempotency_key else None,
        )
        return (
            refused_as(AllocationRefused, result.problem, fallback=_REFUSED, sent_as=("input",))
            if isinstance(result, Refusal)
            else summary_from(result)
        )

    @strawberry.mutation(
        description="Book every proposed session; each is checked again, and one that no longer holds is left "
        "out with its reason (bookingError)."
    )
    async def confirm_allocation(self, info: Info[Context, None], id: strawberry.ID) -> AllocationResult | None:
        result = await info.context.facilitator.post_outcome(
            f"/v1/allocations/{quote(id, safe='')}/confirm", AllocationOut, expected=(409,)
        )
        return (
            refused_as(AllocationRefused, result.problem, fallback=_REFUSED, sent_as=("input",))
            if isinstance(result, Refusal)
            else allocation_from(result)
        )

    @strawberry.mutation(description="Drop a queued, proposed or failed allocation; nothing is booked.")
    async def discard_allocation(self, info: Info[Context, None], id: strawberry.ID) -> AllocationResult | None:
        result = await info.context.facilitator.post_outcome(
            f"/v1/allocations/{quote(id, safe='')}/discard", AllocationOut, expected=(409,)
        )
        return (
            refused_as(AllocationRefused, result.problem, fallback=_REFUSED, sent_as=("input",))
            if isinstance(result, Refusal)
            else allocation_from(result)
        )
