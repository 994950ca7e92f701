# Generated from framework-svc's OpenAPI document by `make gateway-models` (scripts/gateway_models.py):
# do not edit; generate again when the service's API changes.

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, RootModel


class CostDoc(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    amount: Annotated[str, Field(title="Amount")]
    currency: Annotated[str, Field(pattern="^[A-Z]{3}$", title="Currency")] = "GBP"


class Audience(StrEnum):
    all = "all"
    core = "core"
    senior = "senior"


class FrameworkCounts(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    descriptors: Annotated[int, Field(title="Descriptors")]
    dimensions: Annotated[int, Field(title="Dimensions")]
    elements: Annotated[int, Field(title="Elements")]
    indicators: Annotated[int, Field(title="Indicators")]
    stages: Annotated[int, Field(title="Stages")]


class FrameworkSummary(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    dimension_label: Annotated[str, Field(title="Dimension Label")]
    key: Annotated[str, Field(title="Key")]
    latest_published_at: Annotated[AwareDatetime | None, Field(title="Latest Published At")]
    latest_version: Annotated[int, Field(title="Latest Version")]
    name: Annotated[str, Field(title="Name")]


class DimensionLabel(StrEnum):
    dimension = "dimension"
    domain = "domain"


class ImportanceQuestion(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    dimension_key: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Dimension Key")]
    text: Annotated[str, Field(min_length=1, pattern="\\S", title="Text")]


class Outcome(StrEnum):
    created = "created"
    replaced = "replaced"
    unchanged = "unchanged"


class IndicatorDoc(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    stage: Annotated[int, Field(ge=1, le=10, title="Stage")]
    text: Annotated[str, Field(title="Text")]


class QuestionnaireDimension(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    key: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Key")]
    name: Annotated[str, Field(min_length=1, pattern="\\S", title="Name")]
    position: Annotated[int, Field(description="1-based order of display.", ge=1, title="Position")]


class QuestionnaireItem(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    dimension_key: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Dimension Key")]
    key: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Key")]
    position: Annotated[
        int,
        Field(
            description="1-based order of display within the questionnaire.",
            ge=1,
            title="Position",
        ),
    ]
    text: Annotated[str, Field(min_length=1, pattern="\\S", title="Text")]


class QuestionnairePurpose(StrEnum):
    self_assessment = "self_assessment"
    feedback_360 = "feedback_360"


class RatingLevelDoc(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    description: Annotated[str, Field(title="Description")]
    key: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Key")]
    name: Annotated[str, Field(title="Name")]
    value: Annotated[int, Field(ge=1, le=10, title="Value")]


class ResourceAudience(StrEnum):
    all_staff = "all_staff"
    clinicians = "clinicians"
    managers = "managers"
    senior_leaders = "senior_leaders"


class ResourceFormat(StrEnum):
    document = "document"
    web_page = "web_page"
    video = "video"
    podcast = "podcast"
    online_interactive = "online_interactive"
    virtual_live = "virtual_live"
    in_person = "in_person"
    blended = "blended"


class ResourceKind(StrEnum):
    reading = "reading"
    e_learning = "e_learning"
    course = "course"
    programme = "programme"
    coaching = "coaching"
    mentoring = "mentoring"
    tool = "tool"


class DurationMinutes(RootModel[int]):
    root: Annotated[int, Field(ge=1, le=2147483647, title="Duration Minutes")]


class Link(RootModel[str]):
    root: Annotated[str, Field(pattern="^https?://[^\\s/]+\\S*$", title="Link")]


class Year(RootModel[int]):
    root: Annotated[int, Field(ge=1900, le=2100, title="Year")]


class ResourceRef(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    key: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Key")]
    version: Annotated[int, Field(ge=1, le=2147483647, title="Version")]


class ResourceRefs(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    resources: Annotated[list[ResourceRef], Field(max_length=500, min_length=1, title="Resources")]


class ScalePoint(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    label: Annotated[str, Field(min_length=1, pattern="\\S", title="Label")]
    value: Annotated[int, Field(ge=1, le=4, title="Value")]


class StageDoc(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    description: Annotated[str, Field(title="Description")]
    name: Annotated[str, Field(title="Name")]
    number: Annotated[int, Field(ge=1, le=10, title="Number")]


class FromLevel(RootModel[str]):
    root: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$")]


class TargetDoc(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    dimension: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Dimension")]
    framework: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Framework")] = "hlm"
    from_levels: Annotated[list[FromLevel] | None, Field(title="From Levels")] = None


class ValidationError(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    ctx: Annotated[dict[str, Any] | None, Field(title="Context")] = None
    input: Annotated[Any | None, Field(title="Input")] = None
    loc: Annotated[list[str | int], Field(title="Location")]
    msg: Annotated[str, Field(title="Message")]
    type: Annotated[str, Field(title="Error Type")]


class VersionStatus(StrEnum):
    draft = "draft"
    published = "published"
    retired = "retired"


class VersionSummary(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    id: Annotated[UUID, Field(title="Id")]
    key: Annotated[str, Field(title="Key")]
    name: Annotated[str, Field(title="Name")]
    published_at: Annotated[AwareDatetime | None, Field(title="Published At")]
    replaced_by: Annotated[int | None, Field(title="Replaced By")] = None
    retired_at: Annotated[AwareDatetime | None, Field(title="Retired At")]
    status: VersionStatus
    version: Annotated[int, Field(title="Version")]


class ElementDoc(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    descriptors: Annotated[list[str], Field(min_length=1, title="Descriptors")]
    indicators: Annotated[list[IndicatorDoc] | None, Field(title="Indicators")] = None
    key: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Key")]
    name: Annotated[str, Field(title="Name")]


class FrameworkList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[FrameworkSummary], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` for the next page; null on the last page.",
            title="Next Cursor",
        ),
    ] = None


class HTTPValidationError(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    detail: Annotated[list[ValidationError] | None, Field(title="Detail")] = None


class Imported(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    key: Annotated[str, Field(title="Key")]
    outcome: Annotated[Outcome, Field(title="Outcome")]
    status: VersionStatus
    version: Annotated[int, Field(title="Version")]


class QuestionnaireOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    dimensions: Annotated[list[QuestionnaireDimension], Field(title="Dimensions")]
    framework_key: Annotated[str, Field(title="Framework Key")]
    framework_version: Annotated[int, Field(title="Framework Version")]
    id: Annotated[UUID, Field(title="Id")]
    importance_questions: Annotated[list[ImportanceQuestion], Field(title="Importance Questions")]
    importance_scale: Annotated[list[ScalePoint], Field(title="Importance Scale")]
    instructions: Annotated[str, Field(title="Instructions")]
    items: Annotated[list[QuestionnaireItem], Field(title="Items")]
    key: Annotated[str, Field(title="Key")]
    name: Annotated[str, Field(title="Name")]
    not_observed_label: Annotated[str | None, Field(title="Not Observed Label")]
    performance_scale: Annotated[list[ScalePoint], Field(title="Performance Scale")]
    published_at: Annotated[AwareDatetime | None, Field(title="Published At")]
    purpose: QuestionnairePurpose
    replaced_by: Annotated[UUID | None, Field(title="Replaced By")] = None
    retired_at: Annotated[AwareDatetime | None, Field(title="Retired At")]
    status: VersionStatus
    version: Annotated[int, Field(title="Version")]


class ResourceOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    audiences: Annotated[list[ResourceAudience], Field(min_length=1, title="Audiences")]
    authors: Annotated[list[str] | None, Field(title="Authors")] = None
    cost: CostDoc | None = None
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    description: Annotated[str, Field(title="Description")]
    duration_minutes: Annotated[DurationMinutes | None, Field(title="Duration Minutes")] = None
    format: ResourceFormat
    key: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Key")]
    kind: ResourceKind
    link: Annotated[Link | None, Field(title="Link")] = None
    provider: Annotated[str | None, Field(title="Provider")] = None
    published_at: Annotated[AwareDatetime | None, Field(title="Published At")]
    replaced_by: Annotated[int | None, Field(title="Replaced By")] = None
    retired_at: Annotated[AwareDatetime | None, Field(title="Retired At")]
    serves: Annotated[list[TargetDoc], Field(min_length=1, title="Serves")]
    status: VersionStatus
    title: Annotated[str, Field(title="Title")]
    version: Annotated[int, Field(ge=1, le=2147483647, title="Version")] = 1
    year: Annotated[Year | None, Field(title="Year")] = None


class VersionList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[VersionSummary], Field(title="Items")]


class DimensionDoc(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    audience: Annotated[Audience, Field(title="Audience")] = Audience.all
    elements: Annotated[list[ElementDoc] | None, Field(title="Elements")] = None
    key: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Key")]
    name: Annotated[str, Field(title="Name")]
    not_yet_behaviours: Annotated[list[str] | None, Field(title="Not Yet Behaviours")] = None
    reflective_questions: Annotated[list[str] | None, Field(title="Reflective Questions")] = None
    summary: Annotated[str, Field(title="Summary")]
    what_it_is_not: Annotated[str | None, Field(title="What It Is Not")] = None
    why_it_matters: Annotated[str | None, Field(title="Why It Matters")] = None


class FrameworkTree(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    counts: FrameworkCounts
    dimension_label: Annotated[DimensionLabel, Field(title="Dimension Label")] = DimensionLabel.dimension
    dimensions: Annotated[list[DimensionDoc], Field(min_length=1, title="Dimensions")]
    id: Annotated[UUID, Field(title="Id")]
    key: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Key")]
    kind: Annotated[Literal["framework"], Field(title="Kind")] = "framework"
    name: Annotated[str, Field(title="Name")]
    published_at: Annotated[AwareDatetime | None, Field(title="Published At")]
    rating_levels: Annotated[list[RatingLevelDoc] | None, Field(title="Rating Levels")] = None
    stages: Annotated[list[StageDoc] | None, Field(title="Stages")] = None
    status: VersionStatus
    summary: Annotated[str, Field(title="Summary")]
    version: Annotated[int, Field(ge=1, le=2147483647, title="Version")]


class ImportResult(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[Imported], Field(title="Items")]


class QuestionnaireList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[QuestionnaireOut], Field(title="Items")]


class ResourceList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[ResourceOut], Field(title="Items")]
    next_cursor: Annotated[str | None, Field(title="Next Cursor")] = None
