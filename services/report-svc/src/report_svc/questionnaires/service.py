"""Questionnaires as framework-svc published them; the report reads dimensions and items from here."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import QuestionnairePublishedV1
from hlm_kit.db import hold_lock
from report_svc.questionnaires.models import Questionnaire
from report_svc.scoring import inputs


async def lock_arrival(session: AsyncSession, questionnaire_id: uuid.UUID, *, arriving: bool) -> None:
    """Order a questionnaire's arrival against the cycles that start using it, until this transaction ends.

    The questionnaire and a cycle naming it come on different queues. Handled at the same moment, neither
    sees the other's uncommitted row: the cycle finds no questionnaire to build with, the questionnaire
    finds no cycle waiting for it, and the report is never built. The questionnaire's arrival
    (``arriving``) takes this lock exclusively and a cycle naming the questionnaire takes it shared, each
    before any cycle's lock, so whichever commits second sees the first's work.
    """
    await hold_lock(session, f"report-svc questionnaire arrival {questionnaire_id}", shared=not arriving)


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


def for_scoring(document: dict[str, Any]) -> inputs.Questionnaire:
    """A stored questionnaire's document as scoring reads it."""
    return inputs.Questionnaire(
        dimensions=tuple(inputs.Dimension(d["key"], d["name"], d["position"]) for d in document["dimensions"]),
        items=tuple(inputs.Item(i["key"], i["dimension_key"], i["text"], i["position"]) for i in document["items"]),
    )
