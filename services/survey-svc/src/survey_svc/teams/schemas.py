from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from survey_svc.cycles.schemas import Name


class TeamCycleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name


class TeamCycleOut(BaseModel):
    id: UUID
    name: str
    organisation: str
    region: str
    created_at: datetime
    members: int
    members_by_status: dict[str, int]
