from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from report_svc.database import Base


class GroupReport(Base):
    """A group report as issued, with the reports it was built over, so that no later group report can
    differ from it by too few participants (see ``group_reports.service``)."""

    __tablename__ = "group_report"
    __table_args__ = (Index(None, "scope", "scope_value"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(Text)
    scope_value: Mapped[str] = mapped_column(Text)
    questionnaire_id: Mapped[uuid.UUID]
    closed_from: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_to: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    member_report_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(UUID(as_uuid=True)))
    participant_count: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)
    issued_to: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
