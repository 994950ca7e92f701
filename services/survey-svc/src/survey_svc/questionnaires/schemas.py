"""Questionnaires as raters and participants answer them: the published document, as it was published."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from hlm_contracts import QuestionnairePurpose
from hlm_contracts.framework import ImportanceQuestion, QuestionnaireDimension, QuestionnaireItem, ScalePoint


class QuestionnaireOut(BaseModel):
    id: UUID
    key: str
    version: int
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
    published_at: datetime


class QuestionnaireSummary(BaseModel):
    id: UUID
    key: str
    version: int
    name: str
    purpose: QuestionnairePurpose
    framework_key: str
    framework_version: int
    items: int
    published_at: datetime


class QuestionnaireList(BaseModel):
    items: list[QuestionnaireSummary]
