"""Mail waiting to go out. Rows are written in the transaction that decides a mail is due (a cycle
opens, a rater is added, a reminder is asked for, a goal's reminder date comes) and sent by the mail
worker afterwards, so a slow or failing mail server never fails or slows the request, and nothing is
mailed for a change that rolled back."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, Integer, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from survey_svc.database import Base


class MailKind(StrEnum):
    INVITATION = "invitation"
    REMINDER = "reminder"
    APPROVAL_REQUEST = "approval_request"
    GOAL_REMINDER = "goal_reminder"


class MailJob(Base):
    __tablename__ = "mail_job"
    __table_args__ = (
        CheckConstraint("kind IN ('invitation', 'reminder', 'approval_request', 'goal_reminder')", name="kind"),
        # A rater's mail is about an invitation; a goal's reminder about the goal, and nothing else.
        CheckConstraint(
            "(kind = 'goal_reminder') = (goal_id IS NOT NULL) AND (goal_id IS NULL) = (invitation_id IS NOT NULL)",
            name="recipient",
        ),
        Index("ix_mail_job_due", "next_attempt_at", "id", postgresql_where=text("sent_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    invitation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"), index=True)
    # Deleting the goal (or erasing its author) takes its pending reminder with it.
    goal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
