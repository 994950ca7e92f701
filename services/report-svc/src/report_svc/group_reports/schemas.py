from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Scope = Literal["team", "organisation", "region"]


class GroupReportQuery(BaseModel):
    """What a group report covers: a team 360 (its team cycle id), an organisation or a region, one
    questionnaire, and optionally the period its cycles closed in."""

    scope: Scope
    value: str = Field(min_length=1, max_length=200, description="team cycle id, organisation code or region")
    questionnaire_id: uuid.UUID
    closed_from: AwareDatetime | None = None
    closed_to: AwareDatetime | None = None


class GroupReportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    scope: str
    scope_value: str
    questionnaire_id: uuid.UUID
    closed_from: datetime | None
    closed_to: datetime | None
    participant_count: int
    created_at: datetime
    content: dict[str, Any]
