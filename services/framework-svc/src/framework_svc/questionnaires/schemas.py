"""What the questionnaires API returns: the questionnaire as consumers use it, with its dimensions."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from framework_svc.versioning import VersionStatus
from hlm_contracts import QuestionnairePurpose
from hlm_contracts.framework import ImportanceQuestion, QuestionnaireDimension, QuestionnaireItem, ScalePoint


class QuestionnaireOut(BaseModel):
    id: UUID
    key: str
    version: int
    status: VersionStatus
    name: str
    purpose: QuestionnairePurpose
    framework_key: str
    framework_version: int
    instructions: str
    dimensions: list[QuestionnaireDimension]
    items: list[QuestionnaireItem]
    performance_scale: list[ScalePoint]
    not_observed_label: str | None
    importance_scale: list[ScalePoint]
    importance_questions: list[ImportanceQuestion]
    created_at: datetime
    published_at: datetime | None
    retired_at: datetime | None
    replaced_by: UUID | None = None


class QuestionnaireList(BaseModel):
    items: list[QuestionnaireOut]
