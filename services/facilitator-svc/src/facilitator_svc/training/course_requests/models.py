from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from facilitator_svc.database import Base
from facilitator_svc.training.models import text_enum
from hlm_kit.idempotency import IdempotencyColumns


class CourseRequestStatus(StrEnum):
    REQUESTED = "requested"
    SCHEDULED = "scheduled"
    DECLINED = "declined"


class CourseRequest(IdempotencyColumns, Base):
    """An organisation asks its academy for a facilitator training course for its own staff."""

    __tablename__ = "course_request"
    __table_args__ = (
        UniqueConstraint("requested_by", "idempotency_key"),
        CheckConstraint("staff_count > 0", name="staff_count_positive"),
        CheckConstraint("preferred_to >= preferred_from", name="preferred_dates_in_order"),
        CheckConstraint("preferred_mode IS NULL OR preferred_mode IN ('in_person', 'video')", name="mode_known"),
        # The answer and what it needs travel together: a scheduled request names its course, a declined
        # one its reason, an open one neither.
        CheckConstraint("(status = 'scheduled') = (course_id IS NOT NULL)", name="scheduled_names_course"),
        CheckConstraint("(status = 'declined') = (decline_reason IS NOT NULL)", name="declined_gives_reason"),
        CheckConstraint("(status = 'requested') = (decided_at IS NULL)", name="decided_when_answered"),
        Index(None, "region", "requested_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation: Mapped[str] = mapped_column(Text, index=True)
    region: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str] = mapped_column(Text)
    contact_email: Mapped[str] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(Text)
    preferred_from: Mapped[date] = mapped_column(Date)
    preferred_to: Mapped[date] = mapped_column(Date)
    preferred_mode: Mapped[str | None] = mapped_column(Text)
    staff_count: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[CourseRequestStatus] = mapped_column(text_enum(CourseRequestStatus, "status"))
    requested_by: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # One request, one course: a course made for an organisation answers that request alone.
    course_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("training_course.id"), unique=True)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
