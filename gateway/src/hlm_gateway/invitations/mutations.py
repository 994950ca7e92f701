from __future__ import annotations

import strawberry
from strawberry.types import Info

from hlm_gateway.context import Context
from hlm_gateway.invitations.types import (
    ApproveNominationsResult,
    NominationsRejected,
    RejectNominationsResult,
    decision_refused_from,
    invitation_from,
)
from hlm_gateway.invitations.upstream import as_rater, invitation_path
from hlm_gateway.responses import writes
from hlm_gateway.responses.types import ResponseInput, SaveDraftResult, SubmitResponseResult
from hlm_gateway.upstream import Refusal
from hlm_gateway.upstream.survey import InvitationView


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

    @strawberry.mutation(
        description="As the line manager asked to approve a participant's nominations (the invitation's APPROVAL "
        "stage): approve them. The cycle opens, every rater is invited, and the same link now opens your own "
        "questionnaire, which is returned."
    )
    async def approve_nominations(self, info: Info[Context, None], token: str) -> ApproveNominationsResult | None:
        survey = as_rater(info)
        body = await survey.send_outcome("POST", invitation_path(survey, token, "/approve"), InvitationView)
        return decision_refused_from(body.problem) if isinstance(body, Refusal) else invitation_from(body)

    @strawberry.mutation(
        description="As the line manager asked to approve a participant's nominations: send them back with a note "
        "on what to change. The cycle returns to the participant as a draft, and this link stops working."
    )
    async def reject_nominations(
        self, info: Info[Context, None], token: str, note: str | None = None
    ) -> RejectNominationsResult | None:
        survey = as_rater(info)
        body = {"note": note} if note is not None else {}
        refusal = await survey.send_outcome_without_answer("POST", invitation_path(survey, token, "/reject"), body)
        return NominationsRejected(note=note) if refusal is None else decision_refused_from(refusal.problem)
