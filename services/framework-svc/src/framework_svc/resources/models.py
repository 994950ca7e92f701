"""Development resources and the dimensions (or domains) each one develops."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from framework_svc.database import Base
from framework_svc.frameworks.models import STATUS_ENUM
from framework_svc.versioning import VersionStatus
from hlm_contracts import ResourceAudience, ResourceFormat, ResourceKind


def _one_of(column: str, values: type[ResourceKind | ResourceFormat]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


AUDIENCES = ", ".join(repr(a.value) for a in ResourceAudience)


class Resource(Base):
    """One version of a resource. A published version never changes: a change is a new version, and
    publishing it retires the one it replaces, so at most one version of a resource is published."""

    __tablename__ = "resource"
    __table_args__ = (
        UniqueConstraint("key", "version"),
        CheckConstraint(_one_of("kind", ResourceKind), name="kind"),
        CheckConstraint(_one_of("format", ResourceFormat), name="format"),
        CheckConstraint(f"cardinality(audiences) > 0 AND audiences <@ ARRAY[{AUDIENCES}]::text[]", name="audiences"),
        CheckConstraint("(cost_amount IS NULL) = (cost_currency IS NULL)", name="cost"),
        Index("ix_resource_published_key", "key", unique=True, postgresql_where=text("status = 'published'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[VersionStatus] = mapped_column(STATUS_ENUM, default=VersionStatus.DRAFT)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    provider: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    year: Mapped[int | None] = mapped_column(Integer)
    link: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str] = mapped_column(Text)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    cost_amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    cost_currency: Mapped[str | None] = mapped_column(Text)
    audiences: Mapped[list[str]] = mapped_column(ARRAY(Text))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The version of the same resource whose publication retired this one.
    replaced_by: Mapped[int | None] = mapped_column(Integer)

    targets: Mapped[list[ResourceTarget]] = relationship(
        order_by="ResourceTarget.position", cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )


class ResourceTarget(Base):
    """A dimension or domain the resource develops, by key: keys stay the same across framework versions,
    so a resource keeps pointing at its dimension when the framework is republished."""

    __tablename__ = "resource_target"
    __table_args__ = (UniqueConstraint("resource_id", "framework_key", "dimension_key"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    resource_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resource.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    framework_key: Mapped[str] = mapped_column(Text)
    dimension_key: Mapped[str] = mapped_column(Text, index=True)
    from_levels: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
