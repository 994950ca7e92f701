"""The participant's own answers in a cycle: a self-assessment, or their self ratings in a 360."""

from __future__ import annotations

from datetime import datetime

import strawberry

from hlm_gateway.catalogue.types import Questionnaire
from hlm_gateway.responses.types import Response, answered_questionnaire_from, response_from
from hlm_gateway.upstream.survey import SelfView


@strawberry.type(description="Your own answers in a cycle, in the questionnaire's self-assessment wording.")
class SelfAssessment:
    cycle_id: strawberry.ID
    status: str = strawberry.field(description="not_started, draft or submitted")
    questionnaire: Questionnaire
    answers: Response | None = strawberry.field(description="Your draft, or your answers once submitted.")
    submitted_at: datetime | None


def self_assessment_from(cycle_id: str, data: SelfView) -> SelfAssessment:
    return SelfAssessment(
        cycle_id=strawberry.ID(cycle_id),
        status=data.status.value,
        questionnaire=answered_questionnaire_from(data.questionnaire),
        answers=response_from(data.answers) if data.answers else None,
        submitted_at=data.submitted_at,
    )
