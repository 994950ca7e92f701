"""Group reports as the app shows them to academy administrators and partners, and the typed refusal
of a group too small to keep its members anonymous. Individual reports are ``journey.types.Report``."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from functools import partial
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON

from hlm_gateway.problems import refusal_code, refused_as
from hlm_gateway.upstream.report import GroupReportOut
from hlm_kit.errors import Problem


@strawberry.enum(description="What a group report covers: a team 360, an organisation or a region.")
class GroupScope(Enum):
    TEAM = "team"
    ORGANISATION = "organisation"
    REGION = "region"


@strawberry.type(
    description=(
        "Figures over every participant of a team, organisation or region: only what their individual "
        "reports already publish, and never over fewer participants than the platform's minimum."
    )
)
class GroupReport:
    id: strawberry.ID
    scope: GroupScope
    scope_value: str = strawberry.field(description="The team cycle id, organisation code or region.")
    questionnaire_id: strawberry.ID
    closed_from: datetime | None
    closed_to: datetime | None
    participant_count: int
    created_at: datetime
    content: JSON


@strawberry.enum(description="Why no group report was issued.")
class GroupTooSmallReason(Enum):
    TOO_FEW = strawberry.enum_value("too_few", description="Fewer participants than the minimum.")
    TOO_CLOSE_TO_ISSUED = strawberry.enum_value(
        "too_close_to_issued",
        description=(
            "The participants differ from those of a group report already issued by too few, or would "
            "single someone out together with issued ones: comparing the reports would expose individuals."
        ),
    )


@strawberry.type(
    description=(
        "No group report was issued: it would cover too few participants, or differ from one already "
        "issued by too few, so comparing the two would expose individuals. ``reason`` says which."
    )
)
class GroupTooSmall:
    reason: GroupTooSmallReason
    message: str


GroupReportResult = Annotated[GroupReport | GroupTooSmall, strawberry.union("GroupReportResult")]


def group_report_from(data: GroupReportOut) -> GroupReport:
    return GroupReport(
        id=strawberry.ID(str(data.id)),
        scope=GroupScope(data.scope),
        scope_value=data.scope_value,
        questionnaire_id=strawberry.ID(str(data.questionnaire_id)),
        closed_from=data.closed_from,
        closed_to=data.closed_to,
        participant_count=data.participant_count,
        created_at=data.created_at,
        content=cast(JSON, data.content),
    )


def group_too_small_from(problem: Problem) -> GroupTooSmall:
    # report-svc refuses a group report with 409 for these two reasons only, told apart by the problem type.
    reason = (
        GroupTooSmallReason.TOO_CLOSE_TO_ISSUED
        if refusal_code(problem) == "group-too-close-to-issued"
        else GroupTooSmallReason.TOO_FEW
    )
    return refused_as(
        partial(GroupTooSmall, reason=reason), problem, fallback="too few participants for a group report"
    )


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
