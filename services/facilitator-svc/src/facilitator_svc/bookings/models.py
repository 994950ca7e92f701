"""Bookings of slots. The database, not the service, keeps a facilitator from being booked twice at once."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Computed,
    DateTime,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import INT8RANGE, TSTZRANGE, ExcludeConstraint, Range
from sqlalchemy.orm import Mapped, mapped_column

from facilitator_svc.database import Base
from facilitator_svc.slots.models import KNOWN_KIND_SQL
from hlm_kit.idempotency import IdempotencyColumns


class BookingStatus(StrEnum):
    HELD = "held"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    EXPIRED = "expired"


# The statuses that occupy the facilitator's time (a held slot only until its hold expires).
OCCUPYING = (BookingStatus.HELD, BookingStatus.CONFIRMED, BookingStatus.COMPLETED)
# The statuses a participant may still move away from.
OPEN = (BookingStatus.HELD, BookingStatus.CONFIRMED)
_OCCUPYING_SQL = "status IN ('held', 'confirmed', 'completed')"


class Booking(IdempotencyColumns, Base):
    __tablename__ = "booking"
    __table_args__ = (
        ForeignKeyConstraint(
            ["facilitator_id", "facilitator_number"],
            ["facilitator.id", "facilitator.number"],
            name="fk_booking_facilitator",
        ),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        CheckConstraint("status <> 'held' OR hold_expires_at IS NOT NULL", name="hold_expires"),
        CheckConstraint(KNOWN_KIND_SQL, name="known_kind"),
        # Coaching and mentoring are the participant's own, not a cycle's: only feedback names a cycle.
        CheckConstraint("kind = 'feedback' OR cycle_id IS NULL", name="cycle_only_for_feedback"),
        # Two occupying bookings of one facilitator never overlap, whatever the number of replicas.
        ExcludeConstraint(
            ("facilitator_key", "&&"),
            ("during", "&&"),
            using="gist",
            where=text(_OCCUPYING_SQL),
            name="ex_booking_facilitator_during",
        ),
        # One open session per participant and cycle: moving it is a reschedule, not a second booking.
        Index(
            "uq_booking_participant_cycle",
            "participant_id",
            "cycle_id",
            unique=True,
            postgresql_where=text("status IN ('held', 'confirmed') AND cycle_id IS NOT NULL"),
        ),
        UniqueConstraint("booked_by", "idempotency_key"),
        # With what a match's count of a month's occupying bookings tests, so that the count reads the index
        # alone (migration 0009).
        Index(None, "facilitator_id", "starts_at", postgresql_include=["status", "hold_expires_at"]),
        Index(None, "participant_id"),
        Index(None, "cycle_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    facilitator_id: Mapped[uuid.UUID] = mapped_column()
    facilitator_number: Mapped[int] = mapped_column(BigInteger)
    slot_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("slot.id", ondelete="SET NULL"), index=True)
    # Null once the participant's data has been erased.
    participant_id: Mapped[str | None] = mapped_column(Text)
    participant_organisation: Mapped[str | None] = mapped_column(Text)
    participant_region: Mapped[str | None] = mapped_column(Text)
    cycle_id: Mapped[uuid.UUID | None] = mapped_column()
    mode: Mapped[str] = mapped_column(Text)
    # The slot's kind (vocabulary.SessionKind): a booking stays the kind of session it was made as.
    kind: Mapped[str] = mapped_column(Text, server_default="feedback")
    venue: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[BookingStatus] = mapped_column(
        Enum(
            BookingStatus,
            name="status",
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    hold_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    booked_by: Mapped[str | None] = mapped_column(Text)
    allocation_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_by: Mapped[str | None] = mapped_column(Text)
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    facilitator_key: Mapped[Range[int]] = mapped_column(
        INT8RANGE, Computed("int8range(facilitator_number, facilitator_number, '[]')", persisted=True)
    )
    during: Mapped[Range[datetime]] = mapped_column(
        TSTZRANGE, Computed("tstzrange(starts_at, ends_at, '[)')", persisted=True)
    )
