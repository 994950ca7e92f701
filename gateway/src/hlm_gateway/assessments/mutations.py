from __future__ import annotations

from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.context import Context
from hlm_gateway.responses import writes
from hlm_gateway.responses.types import ResponseInput, SaveDraftResult, SubmitResponseResult


@strawberry.type
class AssessmentMutation:
    @strawberry.mutation(description="Save your answers so far (replacing the previous draft); nothing is submitted.")
    async def save_self_assessment_draft(
        self, info: Info[Context, None], cycle_id: strawberry.ID, response: ResponseInput
    ) -> SaveDraftResult | None:
        return await writes.save_draft(info.context.survey, f"/v1/cycles/{quote(cycle_id, safe='')}/self", response)

    @strawberry.mutation(
        description="Submit your answers, once: every item and importance rating is needed. A self-assessment "
        "is then complete and its report is built."
    )
    async def submit_self_assessment(
        self, info: Info[Context, None], cycle_id: strawberry.ID, response: ResponseInput
    ) -> SubmitResponseResult | None:
        return await writes.submit(info.context.survey, f"/v1/cycles/{quote(cycle_id, safe='')}/self/submit", response)
