from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, func, select
from sqlalchemy.orm import aliased, selectinload

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


# The one definition of a framework's latest version: its published version with no published version
# numbered above it. The catalogue list and the read of one framework both filter on it, so the list never
# names a version that ``GET /v1/frameworks/{key}`` does not serve (a retired or draft version numbered
# above the published one, or a framework that has none published).
_newer = aliased(FrameworkVersion)
IS_LATEST_PUBLISHED: ColumnElement[bool] = and_(
    FrameworkVersion.status == VersionStatus.PUBLISHED,
    ~exists().where(
        _newer.framework_id == FrameworkVersion.framework_id,
        _newer.status == VersionStatus.PUBLISHED,
        _newer.number > FrameworkVersion.number,
    ),
)

_VERSION_REF = select(FrameworkVersion.id, FrameworkVersion.status, FrameworkVersion.published_at).join(
    FrameworkVersion.framework
)
_LATEST_PUBLISHED = _VERSION_REF.where(Framework.key == bindparam("key"), IS_LATEST_PUBLISHED)
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

    async def lock(self, *, key: str | None = None, id: uuid.UUID | None = None) -> None:
        """Take the framework's row lock: every change to which of its versions and questionnaires are
        published holds it, so the rules that count them (never none left in use) see each other's work."""
        condition = Framework.key == key if id is None else Framework.id == id
        await self.session.execute(select(Framework.id).where(condition).with_for_update())


class FrameworkVersionRepository(RepositoryBase[FrameworkVersion]):
    model = FrameworkVersion

    def _by_key(self, key: str) -> Select[FrameworkVersion]:
        return select(FrameworkVersion).join(FrameworkVersion.framework).where(Framework.key == key)

    async def get(
        self, key: str, number: int, *, visible: Sequence[VersionStatus], for_update: bool = False
    ) -> FrameworkVersion | None:
        """One version by number, without its tree."""
        statement = self._by_key(key).where(FrameworkVersion.status.in_(visible), FrameworkVersion.number == number)
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

    async def list_latest_published(self, *, after_key: str | None, limit: int) -> Sequence[FrameworkVersion]:
        """The latest published version of each framework that has one, ordered by framework key."""
        statement = (
            select(FrameworkVersion)
            .join(FrameworkVersion.framework)
            .where(IS_LATEST_PUBLISHED)
            .order_by(Framework.key)
            .limit(limit)
            .options(selectinload(FrameworkVersion.framework))
        )
        if after_key is not None:
            statement = statement.where(Framework.key > after_key)
        return await self.get_all(statement)

    async def list_latest_published_outlines(self) -> Sequence[FrameworkVersion]:
        """The latest published version of every framework with its dimensions and rating levels: what
        other parts of the catalogue (development resources) may refer to."""
        return await self.get_all(
            select(FrameworkVersion)
            .join(FrameworkVersion.framework)
            .where(IS_LATEST_PUBLISHED)
            .order_by(Framework.key)
            .options(
                selectinload(FrameworkVersion.framework),
                selectinload(FrameworkVersion.dimensions),
                selectinload(FrameworkVersion.rating_levels),
            )
        )

    async def count_published(self, framework_id: uuid.UUID) -> int:
        statement = select(func.count()).where(
            FrameworkVersion.framework_id == framework_id, FrameworkVersion.status == VersionStatus.PUBLISHED
        )
        return (await self.session.execute(statement)).scalar_one()
