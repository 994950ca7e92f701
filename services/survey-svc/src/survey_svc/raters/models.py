"""Raters a participant nominated, and the hashes of the tokens that open their questionnaire."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, LargeBinary, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from survey_svc.database import Base


class InvitationStatus(StrEnum):
    INVITED = "invited"  # may open, draft and submit while the cycle is open
    SUBMITTED = "submitted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # the participant took the nomination back


class Invitation(Base):
    """One rater nominated in one cycle. This row is the only link between a rater and their answers;
    it never leaves the service."""

    __tablename__ = "invitation"
    __table_args__ = (
        CheckConstraint("rater_group IN ('line_manager', 'peer', 'direct_report', 'other')", name="rater_group"),
        CheckConstraint("status IN ('invited', 'submitted', 'declined', 'withdrawn')", name="status"),
        # One live nomination per address and cycle; a withdrawn one may be nominated again.
        Index(
            "uq_invitation_cycle_id_email",
            "cycle_id",
            text("lower(email)"),
            unique=True,
            postgresql_where=text("status <> 'withdrawn'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    cycle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    rater_group: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, default=InvitationStatus.INVITED)
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    draft_saved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    nominated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InvitationToken(Base):
    """The SHA-256 of a token mailed to a rater. The token itself is never stored: each mail carries a
    fresh one, and every token of an invitation works until the invitation ends."""

    __tablename__ = "invitation_token"

    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    invitation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"), index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
