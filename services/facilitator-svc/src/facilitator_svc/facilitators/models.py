"""The register: one row per trained facilitator."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    Enum,
    Float,
    Identity,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from facilitator_svc.database import Base
from facilitator_svc.vocabulary import AccreditationLevel, FacilitatorStatus


def enum_column(enum: type[AccreditationLevel] | type[FacilitatorStatus], name: str) -> Enum:
    """A text column limited to the enum's values by a check constraint (no Postgres enum type to migrate)."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )


class Facilitator(Base):
    __tablename__ = "facilitator"
    __table_args__ = (
        # The pair is what slots and bookings reference: their exclusion constraints need the number.
        UniqueConstraint("id", "number"),
        CheckConstraint("capacity_per_month >= 0", name="capacity_not_negative"),
        CheckConstraint("accreditation_expires_on >= accreditation_trained_on", name="accreditation_dates"),
        CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="coordinates_together"),
        CheckConstraint("latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180", name="coordinates_range"),
        CheckConstraint("cardinality(modes) > 0", name="some_mode"),
        Index("uq_facilitator_email", text("lower(email)"), unique=True),
        Index(None, "region", "name"),
        # The public register reads listed, active facilitators in order of id, mostly within a region:
        # the partial index holds only those, so a search costs what the register shows, whatever the
        # number of unlisted or inactive rows.
        Index(
            "ix_facilitator_register",
            "region",
            "id",
            postgresql_where=text("is_listed AND status = 'active'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # A small integer twin of the id: the booking exclusion constraint compares it with a built-in range
    # operator, so it needs no extension the service's role may not create.
    number: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    # The `sub` of the facilitator's own account, when they have one: it lets them manage their slots.
    subject: Mapped[str | None] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(Text)
    email_hash: Mapped[str] = mapped_column(Text, index=True)
    phone: Mapped[str | None] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text)
    region: Mapped[str] = mapped_column(Text)
    accreditation_level: Mapped[AccreditationLevel] = mapped_column(enum_column(AccreditationLevel, "level"))
    accreditation_trained_on: Mapped[date] = mapped_column(Date)
    accreditation_expires_on: Mapped[date] = mapped_column(Date)
    status: Mapped[FacilitatorStatus] = mapped_column(enum_column(FacilitatorStatus, "status"))
    capacity_per_month: Mapped[int] = mapped_column(Integer)
    modes: Mapped[list[str]] = mapped_column(ARRAY(Text))
    languages: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    # Each language's base ("cy" of "cy-GB"), which matching compares (a regional variant counts alike):
    # kept by the database, so a match tests membership instead of splitting every code of every row.
    language_bases: Mapped[list[str]] = mapped_column(
        ARRAY(Text), Computed("facilitator.language_bases(languages)", persisted=True), deferred=True
    )
    specialisms: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    conflict_organisations: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    conflict_participants: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    # The facilitator's own choices for the public register: whether they are on it at all, which fields
    # of their entry it shows, and the kinds of session they offer through it.
    is_listed: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    published_fields: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{region,modes,session_kinds}")
    session_kinds: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{feedback}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # When the latest slot the facilitator offers starts, NULL while they offer none: a match leaves out on
    # this row alone whoever has nothing at or after the window's start, before any walk of their slots,
    # through its index rather than a read of the whole register.
    # Written by the database only (migration 0010: a trigger per statement writing slots, in its own
    # transaction), never by the service.
    last_slot_starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True, deferred=True)
