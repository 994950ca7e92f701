"""What report-svc knows of a cycle and its responses, as survey-svc's events told it.

Events may arrive in any order (a response before its cycle's opening, a close before the last
response), so a cycle row is created by whichever event names it first and filled in as the others come.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from report_svc.database import Base


class Cycle(Base):
    __tablename__ = "cycle"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # Filled by cycle.opened; null until it arrives.
    kind: Mapped[str | None] = mapped_column(Text)
    participant_id: Mapped[str | None] = mapped_column(Text, index=True)
    organisation: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    questionnaire_id: Mapped[uuid.UUID | None]
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    thresholds: Mapped[dict[str, int] | None] = mapped_column(JSONB)
    release_mode: Mapped[str | None] = mapped_column(Text)
    team_cycle_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Filled by cycle.closed: raters submitted per group, which the report waits to have all of, and
    # raters invited per group, which the report's cover shows beside them.
    submitted: Mapped[dict[str, int] | None] = mapped_column(JSONB)
    invited: Mapped[dict[str, int] | None] = mapped_column(JSONB)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Response(Base):
    """A submitted response: the group it was given in, never the rater."""

    __tablename__ = "response"
    __table_args__ = (Index(None, "cycle_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    cycle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"))
    rater_group: Mapped[str] = mapped_column(Text)
    answers: Mapped[dict[str, int | None]] = mapped_column(JSONB)
    importance: Mapped[dict[str, int]] = mapped_column(JSONB)
    comments: Mapped[dict[str, str]] = mapped_column(JSONB)


class ErasedParticipant(Base):
    """A participant whose data was erased, by a SHA-256 of their id, so a late event about them (or
    about one of their cycles) stores nothing again."""

    __tablename__ = "erased_participant"

    participant_hash: Mapped[str] = mapped_column(Text, primary_key=True)


class ErasedCycle(Base):
    __tablename__ = "erased_cycle"

    cycle_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
