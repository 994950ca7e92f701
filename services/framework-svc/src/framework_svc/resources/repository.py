from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select, tuple_

from framework_svc.resources.models import Resource, ResourceTarget
from framework_svc.versioning import VersionStatus
from hlm_contracts import ResourceAudience
from hlm_kit.db import hold_lock
from hlm_kit.repository import RepositoryBase

# Publications of resources take this transaction-scoped lock one after another: each writes the whole
# published set as its event, so one that read the set before another committed would publish a stale set.
_PUBLICATION_LOCK = "framework-svc resource publication"


@dataclass(frozen=True, slots=True)
class ResourceFilter:
    status: VersionStatus = VersionStatus.PUBLISHED
    dimension: str | None = None
    framework: str | None = None
    kind: str | None = None
    audience: ResourceAudience | None = None


class ResourceRepository(RepositoryBase[Resource]):
    model = Resource

    async def get(
        self, key: str, version: int, *, visible: Sequence[VersionStatus], for_update: bool = False
    ) -> Resource | None:
        statement = select(Resource).where(
            Resource.key == key, Resource.version == version, Resource.status.in_(visible)
        )
        if for_update:
            statement = statement.with_for_update(of=Resource)
        return await self.get_one_or_none(statement)

    async def get_published(self, key: str, *, for_update: bool = False) -> Resource | None:
        statement = select(Resource).where(Resource.key == key, Resource.status == VersionStatus.PUBLISHED)
        if for_update:
            statement = statement.with_for_update(of=Resource)
        return await self.get_one_or_none(statement)

    async def list_filtered(
        self, where: ResourceFilter, *, after: tuple[str, int] | None, limit: int
    ) -> Sequence[Resource]:
        statement = (
            select(Resource)
            .where(Resource.status == where.status)
            .order_by(Resource.key, Resource.version)
            .limit(limit)
        )
        if after is not None:
            statement = statement.where(tuple_(Resource.key, Resource.version) > tuple_(*after))
        if where.kind is not None:
            statement = statement.where(Resource.kind == where.kind)
        if where.audience is not None:
            # A resource for all staff is for managers, clinicians and senior leaders too.
            wanted = sorted({where.audience.value, ResourceAudience.ALL_STAFF.value})
            statement = statement.where(Resource.audiences.overlap(wanted))
        if where.dimension is not None or where.framework is not None:
            serves = exists().where(ResourceTarget.resource_id == Resource.id)
            if where.dimension is not None:
                serves = serves.where(ResourceTarget.dimension_key == where.dimension)
            if where.framework is not None:
                serves = serves.where(ResourceTarget.framework_key == where.framework)
            statement = statement.where(serves)
        return await self.get_all(statement)

    async def list_by_status(self, status: VersionStatus) -> Sequence[Resource]:
        return await self.get_all(
            select(Resource).where(Resource.status == status).order_by(Resource.key, Resource.version)
        )

    async def lock_publications(self) -> None:
        await hold_lock(self.session, _PUBLICATION_LOCK)
