"""Group reports as the app shows them to academy administrators and partners, and the typed refusal
of a group too small to keep its members anonymous. Individual reports are ``journey.types.Report``."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from hlm_gateway.problems import refusal_message


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


@strawberry.type(
    description=(
        "No group report was issued: it would cover too few participants, or differ from one already "
        "issued by too few, so comparing the two would expose individuals. ``message`` says which."
    )
)
class GroupTooSmall:
    message: str


GroupReportResult = Annotated[GroupReport | GroupTooSmall, strawberry.union("GroupReportResult")]


def group_report_from(data: dict[str, Any]) -> GroupReport:
    return GroupReport(
        id=strawberry.ID(data["id"]),
        scope=GroupScope(data["scope"]),
        scope_value=data["scope_value"],
        questionnaire_id=strawberry.ID(data["questionnaire_id"]),
        closed_from=_datetime(data.get("closed_from")),
        closed_to=_datetime(data.get("closed_to")),
        participant_count=data["participant_count"],
        created_at=datetime.fromisoformat(data["created_at"]),
        content=data["content"],
    )


def group_too_small_from(problem: dict[str, Any]) -> GroupTooSmall:
    return GroupTooSmall(message=refusal_message(problem, "too few participants for a group report"))


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
