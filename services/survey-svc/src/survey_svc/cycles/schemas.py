from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from hlm_contracts import CycleKind, NominatedRaterGroup, ReleaseMode, Thresholds
from hlm_kit.pagination import Page
from survey_svc.questionnaires.schemas import QuestionnaireOut
from survey_svc.responses.schemas import ResponseIn

Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S", strip_whitespace=True)]


class CycleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: CycleKind
    questionnaire_id: UUID = Field(description="The published questionnaire the cycle is pinned to for its life.")
    self_questionnaire_id: UUID | None = Field(
        default=None,
        description="For a 360: the self-assessment wording the participant answers in (same items).",
    )
    participant_name: Name = Field(description="How raters' invitations name the participant.")
    team_cycle_id: UUID | None = Field(default=None, description="Required for a team_360 member cycle.")
    thresholds: Thresholds | None = Field(
        default=None, description="Least responses per group; defaults to the platform's, which are also floors."
    )
    release_mode: ReleaseMode = ReleaseMode.COACHED
    requires_approval: bool = Field(
        default=False, description="The nominated line manager approves the nominations before raters are invited."
    )


class OpenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    closes_at: AwareDatetime


class ExtendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    closes_at: AwareDatetime


class ConvertIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    questionnaire_id: UUID = Field(description="The published 360 questionnaire (same items as the self-assessment).")
    participant_name: Name | None = None


class GroupProgress(BaseModel):
    """Counts only: the participant never learns who has answered."""

    rater_group: NominatedRaterGroup
    invited: int
    submitted: int
    declined: int


class Approval(BaseModel):
    decision: Literal["approved", "rejected"] | None
    note: str | None
    decided_at: datetime | None


class FeedbackSessionOut(BaseModel):
    starts_at: datetime
    ends_at: datetime


class CycleOut(BaseModel):
    id: UUID
    kind: CycleKind
    status: Literal["draft", "awaiting_approval", "open", "closed"]
    participant_id: str
    participant_name: str
    organisation: str
    region: str
    questionnaire_id: UUID
    self_questionnaire_id: UUID | None
    team_cycle_id: UUID | None
    release_mode: ReleaseMode
    thresholds: Thresholds
    requires_approval: bool
    approval: Approval | None
    self_status: Literal["not_started", "draft", "submitted"]
    progress: list[GroupProgress]
    minimums_met: bool = Field(description="Enough raters have submitted for the participant to close the cycle.")
    closes_at: datetime | None
    opened_at: datetime | None
    closed_at: datetime | None
    close_reason: str | None
    report_released_at: datetime | None
    converted_from_cycle_id: UUID | None
    feedback_session: FeedbackSessionOut | None
    created_at: datetime


class CycleList(Page[CycleOut]):
    pass


class SelfView(BaseModel):
    """The participant's own questionnaire and answers."""

    questionnaire: QuestionnaireOut
    status: Literal["not_started", "draft", "submitted"]
    answers: ResponseIn | None
    submitted_at: datetime | None
