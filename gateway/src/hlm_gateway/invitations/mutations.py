from __future__ import annotations

import strawberry
from strawberry.types import Info

from hlm_gateway.context import Context
from hlm_gateway.invitations.upstream import as_rater, invitation_path
from hlm_gateway.responses import writes
from hlm_gateway.responses.types import ResponseInput, SaveDraftResult, SubmitResponseResult


@strawberry.type
class InvitationMutation:
    @strawberry.mutation(description="Save a rater's answers so far, to come back to them through the same link.")
    async def save_invitation_draft(
        self, info: Info[Context, None], token: str, response: ResponseInput
    ) -> SaveDraftResult | None:
        survey = as_rater(info)
        return await writes.save_draft(survey, invitation_path(survey, token, "/draft"), response)

    @strawberry.mutation(description="Submit a rater's whole response, once; the link stops working afterwards.")
    async def submit_invitation(
        self, info: Info[Context, None], token: str, response: ResponseInput
    ) -> SubmitResponseResult | None:
        survey = as_rater(info)
        return await writes.submit(survey, invitation_path(survey, token, "/submit"), response)

    @strawberry.mutation(description="Decline to give feedback; the link stops working.")
    async def decline_invitation(self, info: Info[Context, None], token: str) -> bool | None:
        survey = as_rater(info)
        await survey.send("POST", invitation_path(survey, token, "/decline"))
        return True
