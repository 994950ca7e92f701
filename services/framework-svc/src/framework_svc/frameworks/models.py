"""Tables of a framework version's tree: dimensions (or domains), elements, descriptors, stages,
indicators (element x stage), reflective questions, not-yet behaviours and rating levels."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Enum, ForeignKey, Integer, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from framework_svc.database import Base
from framework_svc.versioning import VersionStatus

STATUS_ENUM = Enum(
    VersionStatus, name="version_status", values_callable=lambda e: [m.value for m in e], schema="framework"
)


class Framework(Base):
    __tablename__ = "framework"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    key: Mapped[str] = mapped_column(Text, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    versions: Mapped[list[FrameworkVersion]] = relationship(
        back_populates="framework", order_by="FrameworkVersion.number"
    )


class FrameworkVersion(Base):
    __tablename__ = "framework_version"
    __table_args__ = (UniqueConstraint("framework_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    framework_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[VersionStatus] = mapped_column(STATUS_ENUM, default=VersionStatus.DRAFT)
    name: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    dimension_label: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The number of the published version of the same framework named, at retirement, to take its place.
    replaced_by: Mapped[int | None] = mapped_column(Integer)

    framework: Mapped[Framework] = relationship(back_populates="versions")
    dimensions: Mapped[list[Dimension]] = relationship(
        order_by="Dimension.position", cascade="all, delete-orphan", passive_deletes=True
    )
    rating_levels: Mapped[list[RatingLevel]] = relationship(
        order_by="RatingLevel.value", cascade="all, delete-orphan", passive_deletes=True
    )
    stages: Mapped[list[Stage]] = relationship(
        order_by="Stage.number", cascade="all, delete-orphan", passive_deletes=True
    )


class RatingLevel(Base):
    __tablename__ = "rating_level"
    __table_args__ = (UniqueConstraint("framework_version_id", "value"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    framework_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("framework_version.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)


class Stage(Base):
    __tablename__ = "stage"
    __table_args__ = (UniqueConstraint("framework_version_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    framework_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("framework_version.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)


class Dimension(Base):
    """A dimension (HLM) or domain (LF2011): the top level of a framework, in its published order."""

    __tablename__ = "dimension"
    __table_args__ = (
        UniqueConstraint("framework_version_id", "key"),
        UniqueConstraint("framework_version_id", "position"),
        CheckConstraint("audience IN ('all', 'core', 'senior')", name="audience"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    framework_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("framework_version.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    why_it_matters: Mapped[str | None] = mapped_column(Text)
    what_it_is_not: Mapped[str | None] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(Text, default="all")

    reflective_questions: Mapped[list[ReflectiveQuestion]] = relationship(
        order_by="ReflectiveQuestion.position", cascade="all, delete-orphan", passive_deletes=True
    )
    not_yet_behaviours: Mapped[list[NotYetBehaviour]] = relationship(
        order_by="NotYetBehaviour.position", cascade="all, delete-orphan", passive_deletes=True
    )
    elements: Mapped[list[Element]] = relationship(
        order_by="Element.position", cascade="all, delete-orphan", passive_deletes=True
    )


class ReflectiveQuestion(Base):
    __tablename__ = "reflective_question"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dimension_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dimension.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class NotYetBehaviour(Base):
    """A behaviour seen when someone is not yet demonstrating a domain."""

    __tablename__ = "not_yet_behaviour"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dimension_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dimension.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class Element(Base):
    __tablename__ = "element"
    __table_args__ = (UniqueConstraint("dimension_id", "key"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dimension_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dimension.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)

    descriptors: Mapped[list[Descriptor]] = relationship(
        order_by="Descriptor.position", cascade="all, delete-orphan", passive_deletes=True
    )
    indicators: Mapped[list[Indicator]] = relationship(
        order_by="Indicator.stage_number", cascade="all, delete-orphan", passive_deletes=True
    )


class Descriptor(Base):
    __tablename__ = "descriptor"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    element_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("element.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class Indicator(Base):
    """The typical behaviour of an element at one stage of leadership context."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("element_id", "stage_number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    element_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("element.id", ondelete="CASCADE"))
    stage_number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
