"""The framework document: the one format an academy imports, exports and the catalogue loader reads.

A document describes one version of one framework. It is validated whole before anything is stored, and
every problem is reported at once, with its location, so an author can fix a file in one pass.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,62}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class DocumentModel(BaseModel):
    # Unknown fields are an author's typo far more often than an intent: refuse them.
    model_config = ConfigDict(extra="forbid", frozen=True)


class RatingLevelDoc(DocumentModel):
    value: int = Field(ge=1, le=10)
    key: Key
    name: Name
    description: Text


class StageDoc(DocumentModel):
    number: int = Field(ge=1, le=10)
    name: Name
    description: Text


class IndicatorDoc(DocumentModel):
    stage: int = Field(ge=1, le=10)
    text: Text


class ElementDoc(DocumentModel):
    key: Key
    name: Name
    descriptors: list[Text] = Field(min_length=1)
    indicators: list[IndicatorDoc] = Field(default_factory=list)


class DimensionDoc(DocumentModel):
    key: Key
    name: Name
    summary: Text
    why_it_matters: Text | None = None
    what_it_is_not: Text | None = None
    # Who the dimension is written for, where a framework draws that line (LF2011: core or senior).
    audience: Literal["all", "core", "senior"] = "all"
    reflective_questions: list[Text] = Field(default_factory=list)
    not_yet_behaviours: list[Text] = Field(default_factory=list)
    elements: list[ElementDoc] = Field(default_factory=list)


class FrameworkDocument(DocumentModel):
    kind: Literal["framework"] = "framework"
    key: Key
    version: int = Field(ge=1)
    name: Name
    summary: Text
    # What the framework calls its top-level parts: HLM has dimensions, LF2011 has domains.
    dimension_label: Literal["dimension", "domain"] = "dimension"
    rating_levels: list[RatingLevelDoc] = Field(default_factory=list)
    stages: list[StageDoc] = Field(default_factory=list)
    dimensions: list[DimensionDoc] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_references(self) -> FrameworkDocument:
        problems: list[str] = []
        problems += _duplicates("dimensions", [d.key for d in self.dimensions])
        problems += _duplicates("elements", [e.key for d in self.dimensions for e in d.elements])
        problems += _duplicates("stages", [str(s.number) for s in self.stages])
        problems += _duplicates("rating_levels", [str(r.value) for r in self.rating_levels])
        problems += _duplicates("rating_levels", [r.key for r in self.rating_levels])
        stage_numbers = {s.number for s in self.stages}
        for dimension in self.dimensions:
            for element in dimension.elements:
                seen: set[int] = set()
                for indicator in element.indicators:
                    if indicator.stage not in stage_numbers:
                        problems.append(
                            f"element {element.key!r}: indicator names unknown stage {indicator.stage}"
                        )
                    if indicator.stage in seen:
                        problems.append(
                            f"element {element.key!r}: more than one indicator for stage {indicator.stage}"
                        )
                    seen.add(indicator.stage)
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _duplicates(what: str, keys: list[str]) -> list[str]:
    seen: set[str] = set()
    repeated = sorted({k for k in keys if k in seen or seen.add(k)})  # type: ignore[func-returns-value]
    return [f"duplicate key {k!r} in {what}" for k in repeated]
