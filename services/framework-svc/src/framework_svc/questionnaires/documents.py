"""The questionnaire document: an instrument built on one published framework version."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, ModelWrapValidatorHandler, model_validator

from framework_svc.frameworks.documents import (
    DocumentModel,
    Key,
    Name,
    ReferenceProblem,
    Text,
    duplicates,
    entries,
    field_of,
    validate_whole,
)
from hlm_kit.edge import PositiveInt32


class FrameworkRef(DocumentModel):
    key: Key
    version: PositiveInt32


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
    version: PositiveInt32
    name: Name
    purpose: Literal["self_assessment", "feedback_360"]
    framework: FrameworkRef
    instructions: Text
    performance_scale: PerformanceScaleDoc
    importance_scale: list[ScalePointDoc] = Field(min_length=2)
    items: list[ItemDoc] = Field(min_length=1)
    importance_questions: list[ImportanceQuestionDoc] = Field(min_length=1)

    @model_validator(mode="wrap")
    @classmethod
    def _check_keys(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        document: Self = validate_whole(cls, data, handler, questionnaire_problems)
        return document


def questionnaire_problems(document: Any) -> list[ReferenceProblem]:
    """Item keys must be unique, and a dimension has at most one importance question."""
    items = entries(document, "items")
    questions = entries(document, "importance_questions")
    problems = duplicates("items", ((("items", i, "key"), field_of(item, "key")) for i, item in items))
    problems += duplicates(
        "importance_questions",
        ((("importance_questions", i, "dimension"), field_of(q, "dimension")) for i, q in questions),
        message="more than one importance question for dimension {key}",
    )
    return problems
