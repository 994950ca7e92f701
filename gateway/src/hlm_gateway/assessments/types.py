"""The participant's own answers in a cycle: a self-assessment, or their self ratings in a 360."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from hlm_gateway.catalogue.types import Questionnaire
from hlm_gateway.responses.types import Response, answered_questionnaire_from, response_from


@strawberry.type(description="Your own answers in a cycle, in the questionnaire's self-assessment wording.")
class SelfAssessment:
    cycle_id: strawberry.ID
    status: str = strawberry.field(description="not_started, draft or submitted")
    questionnaire: Questionnaire
    answers: Response | None = strawberry.field(description="Your draft, or your answers once submitted.")
    submitted_at: datetime | None


def self_assessment_from(cycle_id: str, data: dict[str, Any]) -> SelfAssessment:
    return SelfAssessment(
        cycle_id=strawberry.ID(cycle_id),
        status=data["status"],
        questionnaire=answered_questionnaire_from(data["questionnaire"]),
        answers=response_from(data["answers"]) if data.get("answers") else None,
        submitted_at=datetime.fromisoformat(data["submitted_at"]) if data.get("submitted_at") else None,
    )
