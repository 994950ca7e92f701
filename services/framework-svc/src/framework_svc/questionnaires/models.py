"""Questionnaires: the instruments raters and participants answer, built on one framework version."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from framework_svc.database import Base
from framework_svc.frameworks.models import STATUS_ENUM, Dimension, FrameworkVersion
from framework_svc.versioning import VersionStatus


class Questionnaire(Base):
    __tablename__ = "questionnaire"
    __table_args__ = (
        UniqueConstraint("key", "version"),
        CheckConstraint("purpose IN ('self_assessment', 'feedback_360')", name="purpose"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    framework_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("framework_version.id"), index=True)
    status: Mapped[VersionStatus] = mapped_column(STATUS_ENUM, default=VersionStatus.DRAFT)
    name: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text)
    instructions: Mapped[str] = mapped_column(Text)
    not_observed_label: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The published questionnaire of the same framework named, at retirement, to take its place.
    replaced_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("questionnaire.id"))

    framework_version: Mapped[FrameworkVersion] = relationship()
    items: Mapped[list[QuestionnaireItem]] = relationship(
        order_by="QuestionnaireItem.position", cascade="all, delete-orphan", passive_deletes=True
    )
    scale_points: Mapped[list[ScalePoint]] = relationship(
        order_by="[ScalePoint.scale, ScalePoint.value]", cascade="all, delete-orphan", passive_deletes=True
    )
    importance_questions: Mapped[list[ImportanceQuestion]] = relationship(
        order_by="ImportanceQuestion.position", cascade="all, delete-orphan", passive_deletes=True
    )


class QuestionnaireItem(Base):
    """A behaviour statement, mapped to one dimension of the questionnaire's framework version."""

    __tablename__ = "questionnaire_item"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "key"),
        UniqueConstraint("questionnaire_id", "position"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    questionnaire_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("questionnaire.id", ondelete="CASCADE"))
    dimension_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dimension.id"), index=True)
    key: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    dimension: Mapped[Dimension] = relationship(lazy="joined")


class ScalePoint(Base):
    __tablename__ = "scale_point"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "scale", "value"),
        CheckConstraint("scale IN ('performance', 'importance')", name="scale"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    questionnaire_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("questionnaire.id", ondelete="CASCADE"))
    scale: Mapped[str] = mapped_column(Text)
    value: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(Text)


class ImportanceQuestion(Base):
    """How important a dimension is for the participant's role: one per dimension."""

    __tablename__ = "importance_question"
    __table_args__ = (UniqueConstraint("questionnaire_id", "dimension_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    questionnaire_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("questionnaire.id", ondelete="CASCADE"))
    dimension_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dimension.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    dimension: Mapped[Dimension] = relationship(lazy="joined")
