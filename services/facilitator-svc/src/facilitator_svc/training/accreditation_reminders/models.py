from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from facilitator_svc.database import Base
from facilitator_svc.training.models import text_enum
from facilitator_svc.vocabulary import AccreditationLevel


class AccreditationReminder(Base):
    """A reminder that fell due: ``days_before`` days ahead of the accreditation that lapses on ``expires_on``."""

    __tablename__ = "accreditation_reminder"
    __table_args__ = (
        # Once per accreditation (a renewal moves expires_on, so the renewed one is reminded afresh) and
        # reminder point, whichever replica gets there first.
        UniqueConstraint("facilitator_id", "expires_on", "days_before"),
        CheckConstraint("days_before > 0", name="days_before_positive"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    facilitator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("facilitator.id"))
    level: Mapped[AccreditationLevel] = mapped_column(text_enum(AccreditationLevel, "level"))
    expires_on: Mapped[date] = mapped_column(Date)
    days_before: Mapped[int] = mapped_column(Integer)
    recorded_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
