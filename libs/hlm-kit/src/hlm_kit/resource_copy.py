"""A service's own copy of the published development resources, fed by
``hlm.framework.resources.published.v1``.

framework-svc publishes the whole published set after every change. A service that points people to
resources keeps the latest set in three tables of its own schema (declared here on its MetaData, created
by its own migration) and replaces them whole with each newer set, so it never asks framework-svc anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import PublishedResource, ResourcesPublishedV1

log = structlog.get_logger(__name__)

# The set's one row.
ONLY_SET = 1


@dataclass(frozen=True, slots=True)
class ResourceCopyTables:
    """The three tables of one service's copy."""

    # When the set the copy holds was changed at framework-svc. One row: every set locks it first, so
    # two sets apply one after the other and an older set that arrives late never replaces a newer one.
    resource_set: Table
    # A published resource as framework-svc announced it in the latest set.
    resource: Table
    # A dimension (HLM) or domain (LF2011) a resource serves, and the levels it helps people move on from.
    resource_target: Table


def resource_copy_tables(metadata: MetaData) -> ResourceCopyTables:
    """Declare ``resource_set``, ``resource`` and ``resource_target`` in the service's schema."""
    resource_set = Table(
        "resource_set",
        metadata,
        Column("id", SmallInteger, primary_key=True),
        # Null until a set has arrived.
        Column("changed_at", DateTime(timezone=True)),
        CheckConstraint("id = 1", name="one_row"),
    )
    resource = Table(
        "resource",
        metadata,
        Column("key", Text, primary_key=True),
        Column("version", Integer, nullable=False),
        Column("title", Text, nullable=False),
        Column("kind", Text, nullable=False),
        Column("link", Text),
        # The event's entry whole (description, provider, format, cost, audiences ...), for what the
        # service may show of it later.
        Column("document", JSONB, nullable=False),
    )
    resource_target = Table(
        "resource_target",
        metadata,
        Column("resource_key", Text, ForeignKey(resource.c.key, ondelete="CASCADE"), primary_key=True),
        Column("framework_key", Text, primary_key=True),
        Column("dimension_key", Text, primary_key=True),
        # Level keys (``essential`` ... ``exemplary``); empty: any level.
        Column("from_levels", ARRAY(Text), nullable=False),
        Index("ix_resource_target_framework_key_dimension_key", "framework_key", "dimension_key"),
    )
    return ResourceCopyTables(resource_set=resource_set, resource=resource, resource_target=resource_target)


@dataclass(frozen=True, slots=True)
class PublishedEntry:
    """A resource of the copy, as a page names and links to it."""

    key: str
    title: str
    kind: str
    link: str | None


@dataclass(frozen=True, slots=True)
class ServingResource:
    """A resource of the copy serving one dimension: what a page links to, and from which levels."""

    key: str
    title: str
    kind: str
    link: str | None
    dimension_key: str
    # Level keys; empty: any level.
    from_levels: tuple[str, ...]


class ResourceCopyRepository:
    """The queries of a service's copy, on the tables :func:`resource_copy_tables` declared for it."""

    def __init__(self, session: AsyncSession, tables: ResourceCopyTables) -> None:
        self.session = session
        self.tables = tables

    async def replace_if_newer(self, data: ResourcesPublishedV1) -> bool:
        """Replace the copy with the set unless the copy is as new or newer: sets may arrive out of order.
        Whether it was replaced."""
        held = await self.lock_set()
        if held is not None and held >= data.changed_at:
            log.info("older set of resources ignored", changed_at=data.changed_at.isoformat(), held=held.isoformat())
            return False
        await self.replace_all(data.resources, data.changed_at)
        return True

    async def lock_set(self) -> datetime | None:
        """When the set the copy holds was changed (``None`` before the first), its row locked for this
        transaction (created empty before the first set)."""
        resource_set = self.tables.resource_set
        await self.session.execute(
            upsert(resource_set).values(id=ONLY_SET).on_conflict_do_nothing(index_elements=["id"])
        )
        result = await self.session.execute(
            select(resource_set.c.changed_at).where(resource_set.c.id == ONLY_SET).with_for_update()
        )
        changed_at: datetime | None = result.scalar_one()
        return changed_at

    async def replace_all(self, resources: Sequence[PublishedResource], changed_at: datetime) -> None:
        """Replace the whole copy with ``resources`` (the caller holds the set's lock)."""
        tables = self.tables
        await self.session.execute(delete(tables.resource))  # their targets go with them (ON DELETE CASCADE)
        if resources:
            await self.session.execute(
                insert(tables.resource),
                [
                    {
                        "key": r.key,
                        "version": r.version,
                        "title": r.title,
                        "kind": r.kind.value,
                        "link": r.link,
                        "document": r.model_dump(mode="json"),
                    }
                    for r in resources
                ],
            )
        # A resource naming one dimension twice is kept as one target: any level if either says so.
        levels: dict[tuple[str, str, str], list[str]] = {}
        for r in resources:
            for t in r.serves:
                target = (r.key, t.framework_key, t.dimension_key)
                if target not in levels:
                    levels[target] = list(t.from_levels)
                elif levels[target] and t.from_levels:
                    levels[target] += [level for level in t.from_levels if level not in levels[target]]
                else:
                    levels[target] = []
        targets = [
            {"resource_key": key, "framework_key": framework, "dimension_key": dimension, "from_levels": from_levels}
            for (key, framework, dimension), from_levels in levels.items()
        ]
        if targets:
            await self.session.execute(insert(tables.resource_target), targets)
        await self.session.execute(
            update(tables.resource_set).where(tables.resource_set.c.id == ONLY_SET).values(changed_at=changed_at)
        )

    async def published(self, keys: Iterable[str]) -> dict[str, PublishedEntry]:
        """The resources of the copy among ``keys`` (those published now), by key."""
        resource = self.tables.resource
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        result = await self.session.execute(
            select(resource.c.key, resource.c.title, resource.c.kind, resource.c.link).where(resource.c.key.in_(wanted))
        )
        return {row.key: PublishedEntry(key=row.key, title=row.title, kind=row.kind, link=row.link) for row in result}

    async def serving(self, framework_key: str, dimension_keys: Iterable[str]) -> list[ServingResource]:
        """The resources serving any of ``dimension_keys`` of ``framework_key``, one per dimension served,
        by resource key."""
        resource, target = self.tables.resource, self.tables.resource_target
        result = await self.session.execute(
            select(
                resource.c.key,
                resource.c.title,
                resource.c.kind,
                resource.c.link,
                target.c.dimension_key,
                target.c.from_levels,
            )
            .join(target, target.c.resource_key == resource.c.key)
            .where(target.c.framework_key == framework_key, target.c.dimension_key.in_(list(dimension_keys)))
            .order_by(resource.c.key)
        )
        return [
            ServingResource(
                key=row.key,
                title=row.title,
                kind=row.kind,
                link=row.link,
                dimension_key=row.dimension_key,
                from_levels=tuple(row.from_levels),
            )
            for row in result
        ]
