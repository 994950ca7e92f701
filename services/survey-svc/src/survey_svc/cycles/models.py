"""Assessment cycles: a participant's self-assessment or 360, pinned to one questionnaire version."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from hlm_kit.idempotency import IdempotencyColumns
from survey_svc.database import Base
from survey_svc.teams.models import TeamCycle


class CycleStatus(StrEnum):
    DRAFT = "draft"  # being prepared: self answers, nominations
    AWAITING_APPROVAL = "awaiting_approval"  # the line manager has to approve the nominations
    OPEN = "open"  # raters are answering
    CLOSED = "closed"  # no further response is accepted (until extended, while no report is released)


class ApprovalDecision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


class CloseReason(StrEnum):
    PARTICIPANT = "participant"
    CLOSING_DATE = "closing_date"
    SELF_ASSESSMENT_SUBMITTED = "self_assessment_submitted"


class Cycle(IdempotencyColumns, Base):
    __tablename__ = "cycle"
    __table_args__ = (
        CheckConstraint("kind IN ('self_assessment', 'feedback_360', 'team_360')", name="kind"),
        CheckConstraint("status IN ('draft', 'awaiting_approval', 'open', 'closed')", name="status"),
        CheckConstraint("(kind = 'team_360') = (team_cycle_id IS NOT NULL)", name="team_member"),
        CheckConstraint("release_mode IN ('coached', 'direct')", name="release_mode"),
        CheckConstraint(
            "min_line_manager >= 1 AND min_peer >= 1 AND min_direct_report >= 1 AND min_other >= 1"
            " AND min_others_total >= 1",
            name="thresholds",
        ),
        # A retried create with the same Idempotency-Key finds the cycle the first attempt made.
        UniqueConstraint("participant_id", "idempotency_key"),
        # A self-assessment is turned into a 360 once.
        UniqueConstraint("converted_from_cycle_id"),
        # The closing task looks for open cycles past their closing date.
        Index("ix_cycle_due", "closes_at", postgresql_where=text("status = 'open'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, default=CycleStatus.DRAFT)
    participant_id: Mapped[str] = mapped_column(Text, index=True)
    participant_name: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text)
    region: Mapped[str] = mapped_column(Text)
    questionnaire_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("questionnaire.id"), index=True)
    # The wording the participant answers in (first person) when it differs from the raters'.
    self_questionnaire_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("questionnaire.id"))
    team_cycle_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(TeamCycle.id), index=True)
    release_mode: Mapped[str] = mapped_column(Text, default="coached")
    requires_approval: Mapped[bool] = mapped_column(default=False)
    approval_decision: Mapped[str | None] = mapped_column(Text)
    approval_note: Mapped[str | None] = mapped_column(Text)
    approval_decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    min_line_manager: Mapped[int] = mapped_column(Integer)
    min_peer: Mapped[int] = mapped_column(Integer)
    min_direct_report: Mapped[int] = mapped_column(Integer)
    min_other: Mapped[int] = mapped_column(Integer)
    min_others_total: Mapped[int] = mapped_column(Integer)
    self_draft: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    close_reason: Mapped[str | None] = mapped_column(Text)
    report_released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    converted_from_cycle_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cycle.id", ondelete="SET NULL"))
    # Stamped by the process, not the transaction: listings page by it, newest first.
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: datetime.now(UTC), server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class FeedbackSession(Base):
    """A feedback session booked with a facilitator for a cycle (from facilitator-svc's events)."""

    __tablename__ = "feedback_session"

    booking_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    cycle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[str] = mapped_column(Text, index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
