"""Cohort allocations: a job that assigns a whole cohort at once, its result, and its confirmation."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator_svc.database import Base
from hlm_kit.idempotency import IdempotencyColumns


class AllocationStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    # Solved: the result waits for the admin's review.
    PROPOSED = "proposed"
    FAILED = "failed"
    CONFIRMED = "confirmed"
    DISCARDED = "discarded"


class Allocation(IdempotencyColumns, Base):
    __tablename__ = "allocation"
    __table_args__ = (
        UniqueConstraint("requested_by", "idempotency_key"),
        CheckConstraint("progress BETWEEN 0 AND 1", name="progress_range"),
        CheckConstraint("window_ends_at > window_starts_at", name="window_order"),
        # The worker looks for queued jobs, and for running ones whose worker went quiet.
        Index(None, "status", "created_at", postgresql_where=text("status IN ('queued', 'running')")),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    region: Mapped[str] = mapped_column(Text, index=True)
    requested_by: Mapped[str] = mapped_column(Text)
    status: Mapped[AllocationStatus] = mapped_column(
        Enum(
            AllocationStatus,
            name="status",
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    progress: Mapped[float] = mapped_column(Float, server_default=text("0"))
    stage: Mapped[str] = mapped_column(Text, server_default="queued")
    window_starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    window_ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # How the cohort's costs were weighed, and anything else the run was asked for.
    options: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    participant_count: Mapped[int] = mapped_column(Integer)
    assigned_count: Mapped[int | None] = mapped_column(Integer)
    objective_cost: Mapped[int | None] = mapped_column(BigInteger)
    solve_seconds: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_by: Mapped[str | None] = mapped_column(Text)

    participants: Mapped[list[AllocationParticipant]] = relationship(
        order_by="AllocationParticipant.position", cascade="all, delete-orphan", passive_deletes=True
    )


class AllocationParticipant(Base):
    """One member of the cohort: what was asked for them, where the solver put them and why."""

    __tablename__ = "allocation_participant"
    __table_args__ = (UniqueConstraint("allocation_id", "position"),)

    allocation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocation.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[str] = mapped_column(Text, primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    organisation: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    cycle_id: Mapped[uuid.UUID | None] = mapped_column()
    preferences: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    facilitator_id: Mapped[uuid.UUID | None] = mapped_column()
    slot_id: Mapped[uuid.UUID | None] = mapped_column()
    mode: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cost: Mapped[int | None] = mapped_column(Integer)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    unassigned_reason: Mapped[str | None] = mapped_column(Text)
    booking_id: Mapped[uuid.UUID | None] = mapped_column()
    booking_error: Mapped[str | None] = mapped_column(Text)
