from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from framework_svc.frameworks.models import Framework, FrameworkVersion
from framework_svc.questionnaires.models import Questionnaire
from framework_svc.versioning import VersionStatus
from hlm_kit.repository import RepositoryBase

_WHOLE = (
    selectinload(Questionnaire.framework_version).selectinload(FrameworkVersion.framework),
    selectinload(Questionnaire.framework_version).selectinload(FrameworkVersion.dimensions),
    selectinload(Questionnaire.items),
    selectinload(Questionnaire.scale_points),
    selectinload(Questionnaire.importance_questions),
)


class QuestionnaireRepository(RepositoryBase[Questionnaire]):
    model = Questionnaire

    def _visible(self, visible: Sequence[VersionStatus]) -> Select[Questionnaire]:
        return select(Questionnaire).where(Questionnaire.status.in_(visible)).options(*_WHOLE)

    async def get_whole(
        self, id: UUID, *, visible: Sequence[VersionStatus], for_update: bool = False
    ) -> Questionnaire | None:
        statement = self._visible(visible).where(Questionnaire.id == id)
        if for_update:
            statement = statement.with_for_update(of=Questionnaire)
        return await self.get_one_or_none(statement)

    async def get_many(self, ids: Sequence[UUID], *, visible: Sequence[VersionStatus]) -> Sequence[Questionnaire]:
        return await self.get_all(self._visible(visible).where(Questionnaire.id.in_(ids)))

    async def list_for_framework(
        self, framework_key: str | None, *, visible: Sequence[VersionStatus]
    ) -> Sequence[Questionnaire]:
        statement = self._visible(visible).order_by(Questionnaire.key, Questionnaire.version)
        if framework_key is not None:
            statement = (
                statement.join(Questionnaire.framework_version)
                .join(FrameworkVersion.framework)
                .where(Framework.key == framework_key)
            )
        return await self.get_all(statement)

    async def published_for_framework(self, framework_id: UUID) -> Sequence[Questionnaire]:
        """The published questionnaires built on any version of the framework: what keeps it in use."""
        return await self.get_all(
            select(Questionnaire)
            .join(Questionnaire.framework_version)
            .where(FrameworkVersion.framework_id == framework_id, Questionnaire.status == VersionStatus.PUBLISHED)
            .order_by(Questionnaire.key, Questionnaire.version)
        )
