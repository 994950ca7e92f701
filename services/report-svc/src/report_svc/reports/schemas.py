from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from hlm_kit.pagination import Page


class ReportSummaryOut(BaseModel):
    """A report without its content: who it is about, its state and whether it is released.

    ``state`` is ``ready`` or ``insufficient_responses`` (then the content's ``insufficient`` says why and
    how many responses are missing); ``status`` is ``awaiting_release``, ``released`` or ``not_produced``.
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


class ReportOut(ReportSummaryOut):
    """A report: who it is about, whether it is released, and its latest version's content.

    A ready 360's content also has ``resources``: for each of its priority areas and blind spots (by
    dimension key), the published development resources of that dimension (``key``, ``title``, ``kind``,
    ``link``) for any level or for moving on from the level others place it at; taken from the current
    published set when the report is read.
    """

    content: dict[str, Any]


class ReportList(Page[ReportOut]):
    """The answer of ``GET /v1/reports``: the reports asked for by id, or a page of the caller's list
    (``next_cursor`` is always null for a read by ids)."""


class ReportSummaryList(Page[ReportSummaryOut]):
    """The answer of ``GET /v1/reports?view=summary``: the same reports, without their content."""


class PartnerReportPage(Page[ReportOut]):
    pass
