from __future__ import annotations

from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.assessments.types import SelfAssessment, self_assessment_from
from hlm_gateway.context import Context
from hlm_gateway.upstream.survey import SelfView


@strawberry.type
class AssessmentQuery:
    @strawberry.field(description="Your own questionnaire in one of your cycles, with your draft or submitted answers.")
    async def self_assessment(self, info: Info[Context, None], cycle_id: strawberry.ID) -> SelfAssessment | None:
        found = await info.context.survey.get(f"/v1/cycles/{quote(cycle_id, safe='')}/self", SelfView)
        return self_assessment_from(cycle_id, found)
