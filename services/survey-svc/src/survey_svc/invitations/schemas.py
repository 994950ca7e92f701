from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hlm_contracts import NominatedRaterGroup
from survey_svc.questionnaires.schemas import QuestionnaireOut
from survey_svc.responses.schemas import ResponseIn


class NominationView(BaseModel):
    name: str
    email: str
    rater_group: NominatedRaterGroup


class InvitationView(BaseModel):
    """What a rater's link opens. ``stage`` is ``approval`` while the line manager is asked to approve
    the nominations (``nominations`` lists them), then ``feedback``."""

    stage: Literal["approval", "feedback"]
    participant_name: str
    rater_group: NominatedRaterGroup
    closes_at: datetime | None
    questionnaire: QuestionnaireOut | None
    questionnaire_id: UUID | None = Field(
        default=None,
        description="The published questionnaire the link is answered on (it never changes for an invitation), "
        "also when the questionnaire itself is left out; null at the approval stage.",
    )
    draft: ResponseIn | None
    draft_saved_at: datetime | None
    nominations: list[NominationView] | None = None


class DraftPageSaved(BaseModel):
    """One page of answers saved into the draft: when, and the whole draft as it now stands."""

    saved_at: datetime
    draft: ResponseIn


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=r"\S")] | None = Field(
        default=None, description="What the participant should change."
    )
