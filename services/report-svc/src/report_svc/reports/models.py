from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, ForeignKey, ForeignKeyConstraint, Index, LargeBinary, Numeric, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from report_svc.database import Base


class Report(Base):
    """A participant's report of one cycle: its latest version, and who may read it yet.

    ``status`` is ``awaiting_release`` while a coached report waits for the facilitator, ``released``
    once the participant may read it, and ``not_produced`` while too few responses allow no 360 report
    (the content then says why and how many are missing).
    """

    __tablename__ = "report"
    __table_args__ = (
        Index(None, "updated_at", "id"),
        # A region's group report; a partner's pull (released reports, oldest change first).
        Index(None, "region", "closed_at"),
        Index(None, "organisation", "updated_at", "id", postgresql_where=text("status = 'released'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    cycle_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    participant_id: Mapped[str] = mapped_column(Text, index=True)
    organisation: Mapped[str] = mapped_column(Text, index=True)
    region: Mapped[str] = mapped_column(Text)
    team_cycle_id: Mapped[uuid.UUID | None]
    kind: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    release_mode: Mapped[str] = mapped_column(Text)
    version: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    released_by: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ReportVersion(Base):
    """Every version a report has had, kept so a rebuilt report never silently rewrites what was read."""

    __tablename__ = "report_version"

    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ReportPdf(Base):
    """A report version's PDF, rendered on its first download and served from here after: a version's
    content never changes, and a render costs seconds of CPU. A new version is a new row; the row goes
    with its version (and so with the report, when a participant is erased)."""

    __tablename__ = "report_pdf"
    __table_args__ = (
        ForeignKeyConstraint(
            ["report_id", "version"], [ReportVersion.report_id, ReportVersion.version], ondelete="CASCADE"
        ),
    )

    report_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    etag: Mapped[str] = mapped_column(Text)
    rendered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PublishedScore(Base):
    """One published figure of a ready 360 report (a dimension's score for self, ``others`` or a group
    shown on its own), kept apart so group reports aggregate only what individual reports already
    publish, in the database."""

    __tablename__ = "published_score"
    # A group report's members are the reports that publish figures of its questionnaire (one look per
    # report, answered from the index); their figures are then read by report (the primary key).
    __table_args__ = (Index(None, "report_id", "questionnaire_id"),)

    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), primary_key=True)
    dimension_key: Mapped[str] = mapped_column(Text, primary_key=True)
    rater_group: Mapped[str] = mapped_column(Text, primary_key=True)
    score: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    level: Mapped[str] = mapped_column(Text)
    questionnaire_id: Mapped[uuid.UUID]
    organisation: Mapped[str] = mapped_column(Text)
    region: Mapped[str] = mapped_column(Text)
    team_cycle_id: Mapped[uuid.UUID | None]
    closed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
