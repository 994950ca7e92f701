"""What a rater's invitation link opens, shown to whoever holds the token: exactly what survey-svc
shows them, and never anything that says who else was asked or who has answered."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from hlm_gateway.catalogue.types import Questionnaire
from hlm_gateway.responses.types import Response, answered_questionnaire_from, response_from


@strawberry.enum
class InvitationStage(Enum):
    APPROVAL = "approval"
    FEEDBACK = "feedback"


@strawberry.type(description="A rater's invitation, opened with the token of their link.")
class Invitation:
    stage: InvitationStage = strawberry.field(
        description="FEEDBACK: the questionnaire to answer. APPROVAL: the line manager is first asked to "
        "approve the participant's nominations, and the questionnaire follows."
    )
    status: str = strawberry.field(description="not_started or draft (a link stops working once submitted)")
    participant_name: str
    rater_group: str
    closes_at: datetime | None
    questionnaire: Questionnaire | None
    draft: Response | None
    draft_saved_at: datetime | None


def invitation_from(data: dict[str, Any]) -> Invitation:
    # The approval stage's list of nominations is left out: approving is not done through the app.
    return Invitation(
        stage=InvitationStage(data["stage"]),
        status="draft" if data.get("draft") else "not_started",
        participant_name=data["participant_name"],
        rater_group=data["rater_group"],
        closes_at=datetime.fromisoformat(data["closes_at"]) if data.get("closes_at") else None,
        questionnaire=answered_questionnaire_from(data["questionnaire"]) if data.get("questionnaire") else None,
        draft=response_from(data["draft"]) if data.get("draft") else None,
        draft_saved_at=datetime.fromisoformat(data["draft_saved_at"]) if data.get("draft_saved_at") else None,
    )
