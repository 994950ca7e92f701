from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ReportOut(BaseModel):
    """A report: who it is about, whether it is released, and its latest version's content.

    ``state`` is ``ready`` or ``insufficient_responses`` (then ``content.insufficient`` says why and how
    many responses are missing); ``status`` is ``awaiting_release``, ``released`` or ``not_produced``.
    """

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    cycle_id: uuid.UUID
    participant_id: str
    organisation: str
    kind: str
    state: str
    status: str
    release_mode: str
    version: int
    released_at: datetime | None
    released_by: str | None
    updated_at: datetime
    content: dict[str, Any]


class ReportList(BaseModel):
    items: list[ReportOut]


class PartnerReportPage(BaseModel):
    items: list[ReportOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
