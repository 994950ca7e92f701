"""The observation journal of the HLM app: behaviours a person saw, private to their author."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ARRAY, Date, DateTime, Index, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from hlm_kit.idempotency import IdempotencyColumns
from survey_svc.database import Base


class Observation(IdempotencyColumns, Base):
    __tablename__ = "observation"
    __table_args__ = (
        Index("ix_observation_author_id_observed_on", "author_id", "observed_on", "id"),
        UniqueConstraint("author_id", "idempotency_key"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    author_id: Mapped[str] = mapped_column(Text)
    observed_on: Mapped[date] = mapped_column(Date)
    context: Mapped[str] = mapped_column(Text)
    what_happened: Mapped[str] = mapped_column(Text)
    dimension_keys: Mapped[list[str]] = mapped_column(ARRAY(Text))
    reflection: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
