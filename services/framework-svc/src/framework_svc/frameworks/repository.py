from __future__ import annotations

from collections.abc import Sequence

from hlm_kit.repository import RepositoryBase
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from framework_svc.frameworks.models import Dimension, Element, Framework, FrameworkVersion
from framework_svc.versioning import VersionStatus

# The whole tree in one statement per level; never one query per dimension or element.
_TREE = (
    selectinload(FrameworkVersion.framework),
    selectinload(FrameworkVersion.rating_levels),
    selectinload(FrameworkVersion.stages),
    selectinload(FrameworkVersion.dimensions).selectinload(Dimension.reflective_questions),
    selectinload(FrameworkVersion.dimensions).selectinload(Dimension.not_yet_behaviours),
    selectinload(FrameworkVersion.dimensions)
    .selectinload(Dimension.elements)
    .selectinload(Element.descriptors),
    selectinload(FrameworkVersion.dimensions)
    .selectinload(Dimension.elements)
    .selectinload(Element.indicators),
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

    async def get_tree(self, version_id: object) -> FrameworkVersion | None:
        return await self.get_one_or_none(
            select(FrameworkVersion).where(FrameworkVersion.id == version_id).options(*_TREE)
        )

    async def list_versions(
        self, key: str, *, visible: Sequence[VersionStatus]
    ) -> Sequence[FrameworkVersion]:
        return await self.get_all(
            self._by_key(key)
            .where(FrameworkVersion.status.in_(visible))
            .order_by(FrameworkVersion.number)
            .options(selectinload(FrameworkVersion.framework))
        )

    async def list_latest(
        self, *, visible: Sequence[VersionStatus], after_key: str | None, limit: int
    ) -> Sequence[FrameworkVersion]:
        """The newest visible version of each framework, ordered by framework key."""
        ranked = (
            select(
                FrameworkVersion.id,
                func.row_number()
                .over(partition_by=FrameworkVersion.framework_id, order_by=FrameworkVersion.number.desc())
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
