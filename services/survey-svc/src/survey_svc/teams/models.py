"""Team 360s: several participants' 360 cycles run together for a group report."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from hlm_kit.idempotency import IdempotencyColumns
from survey_svc.database import Base


class TeamCycle(IdempotencyColumns, Base):
    """A team 360: several participants' 360 cycles run together for a group report."""

    __tablename__ = "team_cycle"
    __table_args__ = (
        # A retried create with the same Idempotency-Key finds the team cycle the first attempt made.
        UniqueConstraint("created_by", "idempotency_key"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text)
    region: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(Text, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
