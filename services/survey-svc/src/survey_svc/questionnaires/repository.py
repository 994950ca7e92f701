from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.dialects.postgresql import insert

from hlm_contracts import QuestionnairePublishedV1, QuestionnairePurpose
from hlm_kit.repository import RepositoryBase
from survey_svc.questionnaires.models import Questionnaire


class QuestionnaireRepository(RepositoryBase[Questionnaire]):
    model = Questionnaire

    async def add_snapshot(self, data: QuestionnairePublishedV1) -> bool:
        """Keep ``data``; False when that questionnaire was kept before (a published one never changes)."""
        result = await self.session.execute(
            insert(Questionnaire)
            .values(
                id=data.questionnaire_id,
                key=data.key,
                version=data.version,
                purpose=data.purpose.value,
                framework_key=data.framework_key,
                framework_version=data.framework_version,
                name=data.name,
                published_at=data.published_at,
                document=data.model_dump(mode="json"),
            )
            .on_conflict_do_nothing()
            .returning(Questionnaire.id)
        )
        return result.scalar_one_or_none() is not None

    async def list(
        self, *, purpose: QuestionnairePurpose | None = None, framework_key: str | None = None
    ) -> Sequence[Questionnaire]:
        statement = self.select().order_by(Questionnaire.key, Questionnaire.version)
        if purpose is not None:
            statement = statement.where(Questionnaire.purpose == purpose.value)
        if framework_key is not None:
            statement = statement.where(Questionnaire.framework_key == framework_key)
        return await self.get_all(statement)

    async def latest_for_framework(self, framework_key: str) -> Questionnaire | None:
        statement = (
            self.select()
            .where(Questionnaire.framework_key == framework_key)
            .order_by(Questionnaire.framework_version.desc(), Questionnaire.published_at.desc())
            .limit(1)
        )
        return await self.get_one_or_none(statement)
