"""Questionnaires as framework-svc published them; the report reads dimensions and items from here."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import QuestionnairePublishedV1
from report_svc.questionnaires.models import Questionnaire
from report_svc.scoring import inputs


async def store(session: AsyncSession, data: QuestionnairePublishedV1) -> None:
    """Keep a copy of a published questionnaire; a published version never changes, so the first copy stays."""
    await session.execute(
        insert(Questionnaire)
        .values(
            id=data.questionnaire_id,
            key=data.key,
            version=data.version,
            name=data.name,
            framework_key=data.framework_key,
            framework_version=data.framework_version,
            document=data.model_dump(mode="json"),
        )
        .on_conflict_do_nothing(index_elements=["id"])
    )


async def get(session: AsyncSession, questionnaire_id: uuid.UUID | None) -> Questionnaire | None:
    if questionnaire_id is None:
        return None
    return await session.get(Questionnaire, questionnaire_id)


def for_scoring(questionnaire: Questionnaire) -> inputs.Questionnaire:
    document: dict[str, Any] = questionnaire.document
    return inputs.Questionnaire(
        dimensions=tuple(inputs.Dimension(d["key"], d["name"], d["position"]) for d in document["dimensions"]),
        items=tuple(inputs.Item(i["key"], i["dimension_key"], i["text"], i["position"]) for i in document["items"]),
    )
