"""The questionnaire document: an instrument built on one published framework version."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from framework_svc.frameworks.documents import DocumentModel, Key, Name, Text


class FrameworkRef(DocumentModel):
    key: Key
    version: int = Field(ge=1)


class ScalePointDoc(DocumentModel):
    # Both scales run from 1 to 4, the four levels of the performance scale.
    value: int = Field(ge=1, le=4)
    label: Name


class PerformanceScaleDoc(DocumentModel):
    points: list[ScalePointDoc] = Field(min_length=2)
    # Raters may say they have not seen the behaviour; such an answer is left out of every score.
    not_observed_label: Name | None = "Not observed"


class ItemDoc(DocumentModel):
    key: Key
    dimension: Key
    text: Text


class ImportanceQuestionDoc(DocumentModel):
    dimension: Key
    text: Text


class QuestionnaireDocument(DocumentModel):
    kind: Literal["questionnaire"] = "questionnaire"
    key: Key
    version: int = Field(ge=1)
    name: Name
    purpose: Literal["self_assessment", "feedback_360"]
    framework: FrameworkRef
    instructions: Text
    performance_scale: PerformanceScaleDoc
    importance_scale: list[ScalePointDoc] = Field(min_length=2)
    items: list[ItemDoc] = Field(min_length=1)
    importance_questions: list[ImportanceQuestionDoc] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_keys(self) -> QuestionnaireDocument:
        problems: list[str] = []
        item_keys = [i.key for i in self.items]
        for key in sorted({k for k in item_keys if item_keys.count(k) > 1}):
            problems.append(f"duplicate key {key!r} in items")
        dims = [q.dimension for q in self.importance_questions]
        for key in sorted({k for k in dims if dims.count(k) > 1}):
            problems.append(f"more than one importance question for dimension {key!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self
