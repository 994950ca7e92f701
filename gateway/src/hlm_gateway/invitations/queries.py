from __future__ import annotations

import strawberry
from strawberry.types import Info

from hlm_gateway.context import Context
from hlm_gateway.invitations.types import Invitation, invitation_from
from hlm_gateway.invitations.upstream import as_rater, draft_filters, invitation_path
from hlm_gateway.selections import selected_fields, selects_among
from hlm_gateway.upstream.survey import InvitationView


@strawberry.type
class InvitationQuery:
    @strawberry.field(
        description="The questionnaire a rater's link opens, with their draft. Any link that opens nothing "
        "(unknown, used, declined, withdrawn, closed) is the same NOT_FOUND error."
    )
    async def invitation(self, info: Info[Context, None], token: str) -> Invitation | None:
        survey = as_rater(info)
        # A client that already holds the questionnaire (it never changes for a link) leaves it out of its
        # query, and survey-svc then leaves it out too; a page showing part of the draft has survey-svc send
        # that part alone.
        fields = selected_fields(info)  # made once, each level below when first read, for both questions
        params = draft_filters(fields)
        if not selects_among(fields, "questionnaire"):
            params["questionnaire"] = "false"
        return invitation_from(await survey.get(invitation_path(survey, token), InvitationView, params or None))
