"""Snapshots of published questionnaires, kept from framework-svc's questionnaire.published events."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from survey_svc.database import Base


class Questionnaire(Base):
    """A published questionnaire as the event carried it. Published versions never change, so the
    whole document is kept as it came and read as one value."""

    __tablename__ = "questionnaire"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(Text)
    framework_key: Mapped[str] = mapped_column(Text)
    framework_version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    document: Mapped[dict[str, Any]] = mapped_column(JSONB)
