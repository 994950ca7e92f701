"""Development goals with reminder dates, private to their author."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ARRAY, CheckConstraint, Date, DateTime, ForeignKey, Index, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column

from hlm_kit.idempotency import IdempotencyColumns
from survey_svc.database import Base


class GoalStatus(StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class Goal(IdempotencyColumns, Base):
    __tablename__ = "goal"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'achieved', 'dropped')", name="status"),
        Index("ix_goal_author_id_remind_on", "author_id", "remind_on"),
        UniqueConstraint("author_id", "idempotency_key"),
        # The reminder task looks for active goals whose reminder is armed and whose date has come.
        Index(
            "ix_goal_reminder_armed",
            "remind_on",
            postgresql_where=text("status = 'active' AND remind_email IS NOT NULL AND reminder_queued_at IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    author_id: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    dimension_keys: Mapped[list[str]] = mapped_column(ARRAY(Text))
    target_on: Mapped[date | None] = mapped_column(Date)
    remind_on: Mapped[date | None] = mapped_column(Date)
    # Where the reminder is mailed, set when the author asks for reminders by mail: the verified address of
    # their token (`email` with `email_verified: true`) at the goal's latest write, never one typed in.
    # Null: the reminder is only listed for the app to show.
    remind_email: Mapped[str | None] = mapped_column(Text)
    # When the mail for the current reminder date was queued. Cleared when the date changes (the reminder
    # is armed again), so each reminder date is mailed once.
    reminder_queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(Text, default=GoalStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class GoalResource(Base):
    """A development resource its author saved to the goal: what they mean to read, take or try towards it.
    One row per resource and goal (saving it again changes nothing); it goes with the goal.

    No foreign key to the copy of the published resources: that copy is replaced whole by each newer set,
    and a resource retired since it was saved stays on the goal, shown as retired under the title and kind
    it had when it was saved."""

    __tablename__ = "goal_resource"

    goal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(Goal.id, ondelete="CASCADE"), primary_key=True)
    resource_key: Mapped[str] = mapped_column(Text, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
