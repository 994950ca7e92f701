"""Events produced by framework-svc."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from pydantic import AwareDatetime, Field, model_validator

from hlm_contracts.base import EventData, EventPart, Key, Text, duplicates
from hlm_contracts.enums import QuestionnairePurpose


class QuestionnaireDimension(EventPart):
    """A dimension (or domain) of the framework version the questionnaire is built on."""

    key: Key
    name: Text
    position: int = Field(ge=1, description="1-based order of display.")


class QuestionnaireItem(EventPart):
    """A behaviour statement that raters place on the performance scale."""

    key: Key
    dimension_key: Key
    text: Text
    position: int = Field(ge=1, description="1-based order of display within the questionnaire.")


class ScalePoint(EventPart):
    """One point of a rating scale. Both scales of a questionnaire run from 1 to 4."""

    value: int = Field(ge=1, le=4)
    label: Text


class ImportanceQuestion(EventPart):
    """The question asking how important a dimension is for the participant's role."""

    dimension_key: Key
    text: Text


class QuestionnairePublishedV1(EventData):
    """A questionnaire version was published. It never changes afterwards, so consumers keep a copy."""

    type: ClassVar[str] = "hlm.framework.questionnaire.published.v1"
    source: ClassVar[str] = "framework-svc"

    questionnaire_id: UUID
    key: Key
    version: int = Field(ge=1)
    name: Text
    purpose: QuestionnairePurpose
    framework_key: Key
    framework_version: int = Field(ge=1)
    instructions: Text
    dimensions: list[QuestionnaireDimension] = Field(min_length=1)
    items: list[QuestionnaireItem] = Field(min_length=1)
    # The performance scale's points are the rating levels, 1 Essential ... 4 Exemplary.
    performance_scale: list[ScalePoint] = Field(min_length=2)
    not_observed_label: Text | None = Field(
        description="The label of the 'not observed' answer; null when raters must rate every item."
    )
    importance_scale: list[ScalePoint] = Field(min_length=2)
    importance_questions: list[ImportanceQuestion]
    published_at: AwareDatetime

    @model_validator(mode="after")
    def _check_references(self) -> QuestionnairePublishedV1:
        problems: list[str] = []
        problems += duplicates("dimension key", (d.key for d in self.dimensions))
        problems += duplicates("dimension position", (d.position for d in self.dimensions))
        problems += duplicates("item key", (i.key for i in self.items))
        problems += duplicates("item position", (i.position for i in self.items))
        problems += duplicates("performance scale value", (p.value for p in self.performance_scale))
        problems += duplicates("importance scale value", (p.value for p in self.importance_scale))
        problems += duplicates(
            "importance question for dimension", (q.dimension_key for q in self.importance_questions)
        )
        known = {d.key for d in self.dimensions}
        for item in self.items:
            if item.dimension_key not in known:
                problems.append(f"item {item.key!r} names unknown dimension {item.dimension_key!r}")
        for question in self.importance_questions:
            if question.dimension_key not in known:
                problems.append(f"importance question names unknown dimension {question.dimension_key!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self
