"""Training courses, who is on them, e-learning assessment results and interest in train-the-trainer."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from facilitator_svc.database import Base


class CourseKind(StrEnum):
    # The one-day course after the e-learning: grants the facilitator level.
    FACILITATOR_TRAINING = "facilitator_training"
    # For experienced facilitators who will deliver facilitator training: grants the trainer level.
    TRAIN_THE_TRAINER = "train_the_trainer"


class EnrolmentStatus(StrEnum):
    ENROLLED = "enrolled"
    WAITING = "waiting"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"


def text_enum(enum: type[StrEnum], name: str) -> Enum:
    """A text column limited to the enum's values by a check constraint (no Postgres enum type to migrate)."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )


class TrainingCourse(Base):
    __tablename__ = "training_course"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        CheckConstraint("mode IN ('in_person', 'video')", name="mode_known"),
        Index(None, "region", "starts_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[CourseKind] = mapped_column(text_enum(CourseKind, "kind"))
    title: Mapped[str] = mapped_column(Text)
    region: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(Text)
    capacity: Mapped[int] = mapped_column(Integer)
    trainer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("facilitator.id"), index=True)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TrainingEnrolment(Base):
    __tablename__ = "training_enrolment"
    __table_args__ = (
        # One live enrolment per person and course, whoever asks for it.
        Index(
            "uq_training_enrolment_course_email",
            "course_id",
            text("lower(email)"),
            unique=True,
            postgresql_where=text("status <> 'withdrawn'"),
        ),
        CheckConstraint("status <> 'completed' OR attended", name="completed_attended"),
        Index(None, "course_id", "status", "number"),
        Index("ix_training_enrolment_email", text("lower(email)")),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # The order of arrival: enrolments are written under the course's row lock, so this is the order in
    # which they were decided, and the waiting list moves up in it.
    number: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("training_course.id", ondelete="CASCADE"))
    # The register entry, when the person has one; someone new to facilitation is named by email until
    # they complete facilitator training and are added to the register.
    facilitator_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("facilitator.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text)
    status: Mapped[EnrolmentStatus] = mapped_column(text_enum(EnrolmentStatus, "status"))
    enrolled_by: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    placed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the person moved up from the waiting list: the academy tells them (facilitator-svc sends no mail).
    promoted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attended: Mapped[bool | None] = mapped_column(Boolean)
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_by: Mapped[str | None] = mapped_column(Text)


class ElearningAssessment(Base):
    """One result of the e-learning module's assessment, as an administrator enters it."""

    __tablename__ = "elearning_assessment"
    __table_args__ = (
        CheckConstraint("score BETWEEN 0 AND 100", name="score_percent"),
        CheckConstraint("pass_mark BETWEEN 0 AND 100", name="pass_mark_percent"),
        Index("ix_elearning_assessment_email", text("lower(email)")),
        Index(None, "region", "recorded_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    region: Mapped[str] = mapped_column(Text)
    score: Mapped[int] = mapped_column(Integer)
    # The pass mark in force when the result was entered: a later change of the setting does not undo a pass.
    pass_mark: Mapped[int] = mapped_column(Integer)
    is_passed: Mapped[bool] = mapped_column(Boolean)
    assessed_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TrainerInterest(Base):
    """An accredited facilitator's expression of interest in train-the-trainer."""

    __tablename__ = "trainer_interest"
    __table_args__ = (Index(None, "region", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    facilitator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("facilitator.id"), unique=True)
    region: Mapped[str] = mapped_column(Text)
    statement: Mapped[str | None] = mapped_column(Text)
    delivered_sessions: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
