from __future__ import annotations

import strawberry
from strawberry.types import Info

from hlm_gateway.context import Context
from hlm_gateway.problems import refused_as
from hlm_gateway.register.types import (
    RegisterListingInput,
    RegisterListingRefused,
    SetRegisterListingResult,
    listing_body,
    listing_from,
)
from hlm_gateway.upstream import Refusal
from hlm_gateway.upstream.facilitator import PublicationOut


@strawberry.type
class RegisterMutation:
    @strawberry.mutation(
        description="Choose, as a facilitator, whether the public register lists you, which fields of your entry "
        "it shows and which kinds of session you offer; refused with a reason when the register does not take "
        "them (no entry linked to your account, or choices it does not know)."
    )
    async def set_my_register_listing(
        self, info: Info[Context, None], input: RegisterListingInput
    ) -> SetRegisterListingResult | None:
        body = await info.context.facilitator.send_outcome(
            "PUT", "/v1/facilitators/me/publication", PublicationOut, listing_body(input), expected=(404, 409, 422)
        )
        if isinstance(body, Refusal):
            return refused_as(
                RegisterListingRefused,
                body.problem,
                fallback="the register did not take your choices",
                sent_as=("input",),
            )
        return listing_from(body)
