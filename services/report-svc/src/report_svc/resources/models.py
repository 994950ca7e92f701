from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, CheckConstraint, DateTime, ForeignKey, Index, SmallInteger, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from report_svc.database import Base


class ResourceSet(Base):
    """When the published set of development resources this copy holds was changed at framework-svc.

    One row: every ``resources.published`` event locks it first, so two events apply one after the other
    and an older set that arrives late never replaces a newer one."""

    __tablename__ = "resource_set"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    # Null until a set has arrived.
    changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Resource(Base):
    """A published development resource, as framework-svc announced it in the latest set."""

    __tablename__ = "resource"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(Text)
    # The event's entry whole (description, provider, format, cost, audiences ...), for what reports
    # may show of it later.
    document: Mapped[dict[str, Any]] = mapped_column(JSONB)
    targets: Mapped[list[ResourceTarget]] = relationship(
        back_populates="resource", cascade="all, delete-orphan", passive_deletes=True
    )


class ResourceTarget(Base):
    """A dimension (HLM) or domain (LF2011) a resource serves, and the levels it helps people move on from."""

    __tablename__ = "resource_target"
    __table_args__ = (Index("ix_resource_target_framework_key_dimension_key", "framework_key", "dimension_key"),)

    resource_key: Mapped[str] = mapped_column(ForeignKey("resource.key", ondelete="CASCADE"), primary_key=True)
    framework_key: Mapped[str] = mapped_column(Text, primary_key=True)
    dimension_key: Mapped[str] = mapped_column(Text, primary_key=True)
    # Level keys (``essential`` ... ``exemplary``); empty: any level.
    from_levels: Mapped[list[str]] = mapped_column(ARRAY(Text))
    resource: Mapped[Resource] = relationship(back_populates="targets")
