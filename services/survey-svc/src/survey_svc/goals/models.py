"""Development goals with reminder dates, private to their author."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ARRAY, CheckConstraint, Date, DateTime, Index, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from survey_svc.database import Base


class GoalStatus(StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class Goal(Base):
    __tablename__ = "goal"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'achieved', 'dropped')", name="status"),
        Index("ix_goal_author_id_remind_on", "author_id", "remind_on"),
        UniqueConstraint("author_id", "idempotency_key"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    author_id: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    dimension_keys: Mapped[list[str]] = mapped_column(ARRAY(Text))
    target_on: Mapped[date | None] = mapped_column(Date)
    remind_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(Text, default=GoalStatus.ACTIVE)
    idempotency_key: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
