# Generated from report-svc's OpenAPI document by `make gateway-models` (scripts/gateway_models.py):
# do not edit; generate again when the service's API changes.

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class ConsentOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    granted_at: Annotated[AwareDatetime, Field(title="Granted At")]
    organisation: Annotated[str, Field(title="Organisation")]
    participant_id: Annotated[str, Field(title="Participant Id")]


class GroupReportOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    closed_from: Annotated[AwareDatetime | None, Field(title="Closed From")]
    closed_to: Annotated[AwareDatetime | None, Field(title="Closed To")]
    content: Annotated[dict[str, Any], Field(title="Content")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    id: Annotated[UUID, Field(title="Id")]
    participant_count: Annotated[int, Field(title="Participant Count")]
    questionnaire_id: Annotated[UUID, Field(title="Questionnaire Id")]
    scope: Annotated[str, Field(title="Scope")]
    scope_value: Annotated[str, Field(title="Scope Value")]


class ProgressOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    content: Annotated[dict[str, Any], Field(title="Content")]
    participant_id: Annotated[str, Field(title="Participant Id")]
    report_id: Annotated[UUID, Field(title="Report Id")]
    since_report_id: Annotated[UUID, Field(title="Since Report Id")]


class ReportOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    content: Annotated[dict[str, Any], Field(title="Content")]
    cycle_id: Annotated[UUID, Field(title="Cycle Id")]
    id: Annotated[UUID, Field(title="Id")]
    kind: Annotated[str, Field(title="Kind")]
    organisation: Annotated[str, Field(title="Organisation")]
    participant_id: Annotated[str, Field(title="Participant Id")]
    release_mode: Annotated[str, Field(title="Release Mode")]
    released_at: Annotated[AwareDatetime | None, Field(title="Released At")]
    released_by: Annotated[str | None, Field(title="Released By")]
    state: Annotated[str, Field(title="State")]
    status: Annotated[str, Field(title="Status")]
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    version: Annotated[int, Field(title="Version")]


class ReportSummaryOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    cycle_id: Annotated[UUID, Field(title="Cycle Id")]
    id: Annotated[UUID, Field(title="Id")]
    kind: Annotated[str, Field(title="Kind")]
    organisation: Annotated[str, Field(title="Organisation")]
    participant_id: Annotated[str, Field(title="Participant Id")]
    release_mode: Annotated[str, Field(title="Release Mode")]
    released_at: Annotated[AwareDatetime | None, Field(title="Released At")]
    released_by: Annotated[str | None, Field(title="Released By")]
    state: Annotated[str, Field(title="State")]
    status: Annotated[str, Field(title="Status")]
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    version: Annotated[int, Field(title="Version")]


class ValidationError(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    ctx: Annotated[dict[str, Any] | None, Field(title="Context")] = None
    input: Annotated[Any | None, Field(title="Input")] = None
    loc: Annotated[list[str | int], Field(title="Location")]
    msg: Annotated[str, Field(title="Message")]
    type: Annotated[str, Field(title="Error Type")]


class HTTPValidationError(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    detail: Annotated[list[ValidationError] | None, Field(title="Detail")] = None


class PartnerReportPage(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[ReportOut], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` for the next page; null on the last page.",
            title="Next Cursor",
        ),
    ] = None


class ReportList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[ReportOut], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` for the next page; null on the last page.",
            title="Next Cursor",
        ),
    ] = None


class ReportSummaryList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[ReportSummaryOut], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` for the next page; null on the last page.",
            title="Next Cursor",
        ),
    ] = None
