"""Events produced by framework-svc."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import AwareDatetime, Field, StringConstraints, model_validator

from hlm_contracts.base import EventData, EventPart, Key, Text, duplicates
from hlm_contracts.enums import QuestionnairePurpose, ResourceAudience, ResourceFormat, ResourceKind


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


class ResourceCost(EventPart):
    """What a resource costs a learner or their employer; an amount of 0 means free."""

    amount: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = Field(description="ISO 4217 code.")


class ResourceTarget(EventPart):
    """A dimension (HLM) or domain (LF2011) a resource develops, and the levels it helps people move from."""

    framework_key: Key
    dimension_key: Key
    from_levels: list[Key] = Field(
        description="Rating level keys of the framework (HLM: essential ... exemplary); empty for any level."
    )


class PublishedResource(EventPart):
    """One published development resource, as consumers show it beside a dimension."""

    key: Key
    version: int = Field(ge=1)
    title: Text
    kind: ResourceKind
    description: Text
    provider: Text | None
    authors: list[Text] = Field(description="For a publication, its authors as cited; empty otherwise.")
    year: int | None = Field(description="For a publication, its year.")
    link: str | None = Field(description="Where to find it (an absolute http(s) URL), when it is online.")
    format: ResourceFormat
    duration_minutes: int | None = Field(ge=1)
    cost: ResourceCost | None = Field(description="Null when the provider does not state it.")
    audiences: list[ResourceAudience] = Field(min_length=1)
    serves: list[ResourceTarget] = Field(min_length=1)
    published_at: AwareDatetime


class ResourcesPublishedV1(EventData):
    """The set of published development resources changed (some were published or retired).

    The event carries the whole published set, not the change: a consumer replaces its copy with it,
    and ignores an event whose `changed_at` is older than the copy it holds (events may arrive out of order).
    """

    type: ClassVar[str] = "hlm.framework.resources.published.v1"
    source: ClassVar[str] = "framework-svc"

    resources: list[PublishedResource]
    changed_at: AwareDatetime

    @model_validator(mode="after")
    def _check_keys(self) -> ResourcesPublishedV1:
        # At most one version of a resource is published at a time.
        problems = duplicates("resource key", (r.key for r in self.resources))
        if problems:
            raise ValueError("; ".join(problems))
        return self
