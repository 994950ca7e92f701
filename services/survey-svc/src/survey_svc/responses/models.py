"""Submitted responses: the participant's own (group ``self``) and each rater's."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from survey_svc.database import Base


class Response(Base):
    __tablename__ = "response"
    __table_args__ = (
        CheckConstraint(
            "rater_group IN ('self', 'line_manager', 'peer', 'direct_report', 'other')", name="rater_group"
        ),
        CheckConstraint("(rater_group = 'self') = (invitation_id IS NULL)", name="self_has_no_invitation"),
        # Submitted once: a second submission of one invitation, even at the same instant, is refused by
        # the database, not by a check that two requests could both pass.
        Index("uq_response_invitation_id", "invitation_id", unique=True),
        Index("uq_response_self", "cycle_id", unique=True, postgresql_where=text("rater_group = 'self'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    cycle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"))
    rater_group: Mapped[str] = mapped_column(Text)
    answers: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    importance: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    comments: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
