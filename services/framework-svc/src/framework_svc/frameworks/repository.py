from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import selectinload

from framework_svc.frameworks.models import Dimension, Element, Framework, FrameworkVersion
from framework_svc.versioning import VersionStatus
from hlm_kit.repository import RepositoryBase

# The whole tree in one statement per level; never one query per dimension or element.
_TREE = (
    selectinload(FrameworkVersion.framework),
    selectinload(FrameworkVersion.rating_levels),
    selectinload(FrameworkVersion.stages),
    selectinload(FrameworkVersion.dimensions).selectinload(Dimension.reflective_questions),
    selectinload(FrameworkVersion.dimensions).selectinload(Dimension.not_yet_behaviours),
    selectinload(FrameworkVersion.dimensions).selectinload(Dimension.elements).selectinload(Element.descriptors),
    selectinload(FrameworkVersion.dimensions).selectinload(Dimension.elements).selectinload(Element.indicators),
)


@dataclass(frozen=True, slots=True)
class VersionRef:
    id: uuid.UUID
    status: VersionStatus
    published_at: datetime | None


_VERSION_REF = select(FrameworkVersion.id, FrameworkVersion.status, FrameworkVersion.published_at).join(
    FrameworkVersion.framework
)
_LATEST_PUBLISHED = (
    _VERSION_REF.where(Framework.key == bindparam("key"), FrameworkVersion.status == VersionStatus.PUBLISHED)
    .order_by(FrameworkVersion.number.desc())
    .limit(1)
)
_BY_NUMBER = _VERSION_REF.where(
    Framework.key == bindparam("key"),
    FrameworkVersion.number == bindparam("number"),
    FrameworkVersion.status.in_(bindparam("visible", expanding=True)),
)


class FrameworkRepository(RepositoryBase[Framework]):
    model = Framework

    async def get_by_key(self, key: str) -> Framework | None:
        return await self.get_one_or_none(select(Framework).where(Framework.key == key))

    async def get_or_create(self, key: str) -> Framework:
        framework = await self.get_by_key(key)
        return framework or await self.add(Framework(key=key))


class FrameworkVersionRepository(RepositoryBase[FrameworkVersion]):
    model = FrameworkVersion

    def _by_key(self, key: str) -> Select[FrameworkVersion]:
        return select(FrameworkVersion).join(FrameworkVersion.framework).where(Framework.key == key)

    async def get(
        self, key: str, number: int | None, *, visible: Sequence[VersionStatus], for_update: bool = False
    ) -> FrameworkVersion | None:
        """One version (the latest published when ``number`` is None), without its tree."""
        statement = self._by_key(key).where(FrameworkVersion.status.in_(visible))
        if number is None:
            statement = statement.where(FrameworkVersion.status == VersionStatus.PUBLISHED)
            statement = statement.order_by(FrameworkVersion.number.desc()).limit(1)
        else:
            statement = statement.where(FrameworkVersion.number == number)
        if for_update:
            statement = statement.with_for_update(of=FrameworkVersion)
        return await self.get_one_or_none(statement.options(selectinload(FrameworkVersion.framework)))

    async def find_ref(self, key: str, number: int | None, *, visible: Sequence[VersionStatus]) -> VersionRef | None:
        """The identity of one version (the latest published when ``number`` is None): the hot path of
        every catalogue read, so one prepared statement on the session's connection, no ORM objects."""
        connection = await self.session.connection()
        if number is None:
            result = await connection.execute(_LATEST_PUBLISHED, {"key": key})
        else:
            result = await connection.execute(_BY_NUMBER, {"key": key, "number": number, "visible": list(visible)})
        row = result.one_or_none()
        return VersionRef(row.id, row.status, row.published_at) if row else None

    async def get_tree(self, version_id: object) -> FrameworkVersion | None:
        return await self.get_one_or_none(
            select(FrameworkVersion).where(FrameworkVersion.id == version_id).options(*_TREE)
        )

    async def list_versions(self, key: str, *, visible: Sequence[VersionStatus]) -> Sequence[FrameworkVersion]:
        return await self.get_all(
            self._by_key(key)
            .where(FrameworkVersion.status.in_(visible))
            .order_by(FrameworkVersion.number)
            .options(selectinload(FrameworkVersion.framework))
        )

    async def list_latest(
        self, *, visible: Sequence[VersionStatus], after_key: str | None, limit: int
    ) -> Sequence[FrameworkVersion]:
        """The latest version of each framework, ordered by framework key: the newest published one,
        as ``get`` serves it, or the newest visible one where none is published."""
        # A retired (or draft) version numbered above the published one is not the latest: listing it
        # would send a client to a version that ``GET /v1/frameworks/{key}`` does not serve.
        ranked = (
            select(
                FrameworkVersion.id,
                func.row_number()
                .over(
                    partition_by=FrameworkVersion.framework_id,
                    order_by=(
                        (FrameworkVersion.status == VersionStatus.PUBLISHED).desc(),
                        FrameworkVersion.number.desc(),
                    ),
                )
                .label("rank"),
            )
            .where(FrameworkVersion.status.in_(visible))
            .subquery()
        )
        statement = (
            select(FrameworkVersion)
            .join(ranked, (ranked.c.id == FrameworkVersion.id) & (ranked.c.rank == 1))
            .join(FrameworkVersion.framework)
            .order_by(Framework.key)
            .limit(limit)
            .options(selectinload(FrameworkVersion.framework))
        )
        if after_key is not None:
            statement = statement.where(Framework.key > after_key)
        return await self.get_all(statement)
