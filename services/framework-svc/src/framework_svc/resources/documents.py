"""The resources document: a set of development resources, imported, exported and shipped as one file.

Each resource names the dimensions (HLM) or domains (LF2011) it develops and, for each, the rating levels
it helps people move on from. Those names are checked against the published catalogue while the rest of
the document is validated, so an author sees every problem, with its location, in one answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import Field, ModelWrapValidatorHandler, StringConstraints, ValidationInfo, model_validator

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
from hlm_contracts import ResourceAudience, ResourceFormat, ResourceKind
from hlm_kit.edge import NulFreeStr, PositiveInt32

Title = Annotated[NulFreeStr, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
# Kept as written (no URL normalisation), so an exported document is the one that was imported.
Link = Annotated[NulFreeStr, StringConstraints(pattern=r"^https?://[^\s/]+\S*$", max_length=2000)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]

# The context key under which the published catalogue is passed to validation.
CATALOGUE = "catalogue"


@dataclass(frozen=True, slots=True)
class PublishedFramework:
    """What a resource may name of a framework: its latest published version's dimensions and levels."""

    key: str
    dimensions: frozenset[str]
    levels: tuple[str, ...]


class CostDoc(DocumentModel):
    """What taking the resource up costs; an amount of 0 means it is free."""

    amount: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    currency: Currency = "GBP"


class TargetDoc(DocumentModel):
    framework: Key = "hlm"
    dimension: Key
    # Rating level keys of the framework (HLM: essential, proficient, strong, exemplary); none for any level.
    from_levels: list[Key] = Field(default_factory=list)


class ResourceDoc(DocumentModel):
    key: Key
    version: PositiveInt32 = 1
    title: Title
    kind: ResourceKind
    description: Text
    provider: Name | None = None
    authors: list[Name] = Field(default_factory=list)
    year: int | None = Field(default=None, ge=1900, le=2100)
    link: Link | None = None
    format: ResourceFormat
    duration_minutes: PositiveInt32 | None = None
    cost: CostDoc | None = None
    audiences: list[ResourceAudience] = Field(min_length=1)
    serves: list[TargetDoc] = Field(min_length=1)


class ResourcesDocument(DocumentModel):
    kind: Literal["resources"] = "resources"
    resources: list[ResourceDoc] = Field(min_length=1)

    @model_validator(mode="wrap")
    @classmethod
    def _check_references(cls, data: Any, handler: ModelWrapValidatorHandler[Self], info: ValidationInfo) -> Self:
        catalogue = (info.context or {}).get(CATALOGUE)
        document: Self = validate_whole(cls, data, handler, lambda part: resources_problems(part, catalogue))
        return document


def resources_problems(
    document: Any, catalogue: Mapping[str, PublishedFramework] | None = None
) -> list[ReferenceProblem]:
    """One version of each resource per document, each dimension once per resource, and (given the
    published catalogue) only dimensions and levels that exist."""
    resources = entries(document, "resources")
    problems = duplicates(
        "resources",
        ((("resources", i, "key"), field_of(r, "key")) for i, r in resources),
        message="more than one entry for resource {key}: a document holds one version of each resource",
    )
    for i, resource in resources:
        targets = entries(resource, "serves")
        problems += duplicates(
            "serves",
            (
                (("resources", i, "serves", j, "dimension"), f"{field_of(t, 'framework') or 'hlm'}:{d}")
                for j, t in targets
                if isinstance(d := field_of(t, "dimension"), str)
            ),
            message="the resource names {key} more than once",
        )
        if catalogue is not None:
            for j, target in targets:
                problems += _target_problems(("resources", i, "serves", j), target, catalogue)
    return problems


def _target_problems(
    loc: tuple[str | int, ...], target: Any, catalogue: Mapping[str, PublishedFramework]
) -> list[ReferenceProblem]:
    framework_key = field_of(target, "framework") or "hlm"
    if not isinstance(framework_key, str):
        return []
    framework = catalogue.get(framework_key)
    if framework is None:
        known = ", ".join(sorted(catalogue)) or "none"
        return [
            ((*loc, "framework"), "unknown_reference", f"no published framework {framework_key!r} (published: {known})")
        ]
    problems: list[ReferenceProblem] = []
    dimension = field_of(target, "dimension")
    if isinstance(dimension, str) and dimension not in framework.dimensions:
        problems.append(
            ((*loc, "dimension"), "unknown_reference", f"unknown dimension {dimension!r} of {framework_key!r}")
        )
    for k, level in entries(target, "from_levels"):
        if isinstance(level, str) and level not in framework.levels:
            named = ", ".join(framework.levels) or f"none: {framework_key!r} has no rating levels"
            problems.append(
                (
                    (*loc, "from_levels", k),
                    "unknown_reference",
                    f"unknown level {level!r} of {framework_key!r} ({named})",
                )
            )
    return problems
