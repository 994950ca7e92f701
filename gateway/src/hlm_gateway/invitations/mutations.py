from __future__ import annotations

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import Key
from hlm_gateway.context import Context
from hlm_gateway.invitations.types import (
    ApproveNominationsResult,
    InvitationPageSaved,
    NominationsDecisionRefused,
    NominationsRejected,
    RejectNominationsResult,
    SaveInvitationPageResult,
    invitation_from,
)
from hlm_gateway.invitations.upstream import as_rater, invitation_path
from hlm_gateway.problems import refused_as
from hlm_gateway.responses import writes
from hlm_gateway.responses.types import ResponseInput, SaveDraftResult, SubmitResponseResult, response_from
from hlm_gateway.upstream import Refusal
from hlm_gateway.upstream.survey import InvitationView

_UNDECIDABLE = "the nominations cannot be decided now"


@strawberry.type
class InvitationMutation:
    @strawberry.mutation(description="Save a rater's answers so far, to come back to them through the same link.")
    async def save_invitation_draft(
        self, info: Info[Context, None], token: str, response: ResponseInput
    ) -> SaveDraftResult | None:
        survey = as_rater(info)
        return await writes.save_draft(survey, invitation_path(survey, token, "/draft"), response)

    @strawberry.mutation(
        description="Save one page of a rater's questionnaire: dimension dimensionKey's answers, importance and "
        "comment (anything of another dimension is refused) take the place of what the draft held for it, the "
        "rest of the draft is kept, and the whole draft as saved comes back. Two pages saved at once both stay."
    )
    async def save_invitation_page(
        self, info: Info[Context, None], token: str, dimension_key: Key, response: ResponseInput
    ) -> SaveInvitationPageResult | None:
        survey = as_rater(info)
        saved, refused = await writes.save_page(
            survey, invitation_path(survey, token, f"/draft/{dimension_key}"), response
        )
        if saved is None:
            return refused
        return InvitationPageSaved(saved_at=saved.saved_at, draft=response_from(saved.draft))

    @strawberry.mutation(description="Submit a rater's whole response, once; the link stops working afterwards.")
    async def submit_invitation(
        self, info: Info[Context, None], token: str, response: ResponseInput
    ) -> SubmitResponseResult | None:
        survey = as_rater(info)
        return await writes.submit(survey, invitation_path(survey, token, "/submit"), response)

    @strawberry.mutation(
        description="Submit the rater's saved draft as it stands, once, without sending it back: the same checks "
        "as submitInvitation, so a draft that does not answer everything is a ResponseRejected listing each "
        'problem, located in the draft (e.g. ["draft", "answers"]), and nothing is stored. The link stops '
        "working afterwards."
    )
    async def submit_invitation_draft(self, info: Info[Context, None], token: str) -> SubmitResponseResult | None:
        survey = as_rater(info)
        return await writes.submit_stored(survey, invitation_path(survey, token, "/draft/submit"), "draft")

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
        return (
            refused_as(NominationsDecisionRefused, body.problem, fallback=_UNDECIDABLE, sent_as=())
            if isinstance(body, Refusal)
            else invitation_from(body)
        )

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
        return (
            NominationsRejected(note=note)
            if refusal is None
            else refused_as(NominationsDecisionRefused, refusal.problem, fallback=_UNDECIDABLE, sent_as=())
        )
