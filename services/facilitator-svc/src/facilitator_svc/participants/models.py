"""What this service learns about participants from survey-svc and report-svc, and nothing more."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from facilitator_svc.database import Base


class ParticipantCycle(Base):
    """An assessment cycle that opened: whose it is, and their organisation and region at the time."""

    __tablename__ = "participant_cycle"

    cycle_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    participant_id: Mapped[str] = mapped_column(Text, index=True)
    organisation: Mapped[str] = mapped_column(Text)
    region: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RaterConflict(Base):
    """A participant's rater, known only by the keyed hash of their email: that person never facilitates
    this participant's sessions."""

    __tablename__ = "rater_conflict"

    participant_id: Mapped[str] = mapped_column(Text, primary_key=True)
    email_hash: Mapped[str] = mapped_column(Text, primary_key=True, index=True)
    cycle_id: Mapped[uuid.UUID] = mapped_column()
    nominated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ParticipantReport(Base):
    """A report that is ready: in a coached release the booked facilitator releases it at the session."""

    __tablename__ = "participant_report"

    report_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    cycle_id: Mapped[uuid.UUID] = mapped_column(index=True)
    participant_id: Mapped[str] = mapped_column(Text, index=True)
    ready_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
