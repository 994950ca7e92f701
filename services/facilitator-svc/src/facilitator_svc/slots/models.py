"""Availability: the sessions a facilitator offers, each bookable by one participant."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Computed,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, INT8RANGE, TSTZRANGE, ExcludeConstraint, Range
from sqlalchemy.orm import Mapped, mapped_column

from facilitator_svc.database import Base

# The session kinds (vocabulary.SessionKind), as the database checks them on slots and bookings.
KNOWN_KIND_SQL = "kind IN ('feedback', 'coaching', 'mentoring')"


class Slot(Base):
    __tablename__ = "slot"
    __table_args__ = (
        ForeignKeyConstraint(
            ["facilitator_id", "facilitator_number"],
            ["facilitator.id", "facilitator.number"],
            name="fk_slot_facilitator",
            ondelete="CASCADE",
        ),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("cardinality(modes) > 0", name="some_mode"),
        CheckConstraint(KNOWN_KIND_SQL, name="known_kind"),
        # A facilitator cannot offer two sessions at once, of whatever kind.
        ExcludeConstraint(("facilitator_key", "&&"), ("during", "&&"), using="gist", name="ex_slot_facilitator_during"),
        # With what a match's walk to a facilitator's earliest free session tests on each slot, so that the
        # walk reads the index alone (migration 0009).
        Index(None, "facilitator_id", "starts_at", postgresql_include=["kind", "modes", "busy_until"]),
        Index(None, "starts_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    facilitator_id: Mapped[uuid.UUID] = mapped_column()
    facilitator_number: Mapped[int] = mapped_column(BigInteger)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    modes: Mapped[list[str]] = mapped_column(ARRAY(Text))
    venue: Mapped[str | None] = mapped_column(Text)
    # What the session is: a 360 feedback session, or coaching or mentoring (vocabulary.SessionKind).
    kind: Mapped[str] = mapped_column(Text, server_default="feedback")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Until when an occupying booking holds the slot's time: '-infinity' while nothing does, a hold's
    # expiry, 'infinity' once confirmed or completed; the slot is free at ``now`` when ``busy_until <=
    # now``. Written by the database only (migration 0008: triggers on slot and booking, in the booking's
    # own transaction), so whether a slot is free is read from its row, not from the facilitator's
    # history of bookings. A hold runs out with the clock and no write, which the comparison with now
    # takes into account.
    busy_until: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("'-infinity'"), deferred=True
    )
    facilitator_key: Mapped[Range[int]] = mapped_column(
        INT8RANGE, Computed("int8range(facilitator_number, facilitator_number, '[]')", persisted=True)
    )
    during: Mapped[Range[datetime]] = mapped_column(
        TSTZRANGE, Computed("tstzrange(starts_at, ends_at, '[)')", persisted=True)
    )
