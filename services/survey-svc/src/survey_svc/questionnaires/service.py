"""The service's own copy of every published questionnaire, and read access to it."""

from __future__ import annotations

from uuid import UUID

import structlog
from cachetools import LRUCache
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import QuestionnairePublishedV1, QuestionnairePurpose
from hlm_kit.messaging.envelope import CloudEvent
from survey_svc.questionnaires.exceptions import QuestionnaireNotFound
from survey_svc.questionnaires.models import Questionnaire
from survey_svc.questionnaires.repository import QuestionnaireRepository
from survey_svc.questionnaires.schemas import QuestionnaireList, QuestionnaireOut, QuestionnaireSummary
from survey_svc.responses import answers as answer_rules
from survey_svc.responses.answers import AnswerKeys, GivenKeys

log = structlog.get_logger(__name__)

# A published questionnaire never changes, so its parsed form, and the keys answers are checked against,
# can be kept for the life of the process.
_parsed: LRUCache[UUID, QuestionnairePublishedV1] = LRUCache(maxsize=256)
_answer_keys: LRUCache[UUID, AnswerKeys] = LRUCache(maxsize=256)
# The same keys by the items a questionnaire asks: a complete response names them all, so a rater's submit
# finds the questionnaires it answers by its own items, however many questionnaires the process has read.
_by_items: dict[frozenset[str], dict[UUID, AnswerKeys]] = {}


async def on_published(session: AsyncSession, data: QuestionnairePublishedV1, event: CloudEvent) -> None:
    """Handler of ``hlm.framework.questionnaire.published.v1``: keep the snapshot (once)."""
    if await QuestionnaireRepository(session).add_snapshot(data):
        log.info("questionnaire snapshot kept", questionnaire_id=str(data.questionnaire_id), key=data.key)


async def get_document(session: AsyncSession, id: UUID) -> QuestionnairePublishedV1:
    """The published questionnaire ``id`` as its event carried it; 404 when it was never received."""
    if (cached := _parsed.get(id)) is not None:
        return cached
    questionnaire = await QuestionnaireRepository(session).get_by_id(id)
    if questionnaire is None:
        raise QuestionnaireNotFound(f"no published questionnaire {id}")
    return parse(questionnaire)


def completely_answered(answers: GivenKeys) -> list[UUID]:
    """The questionnaires this process has read (``answer_keys``) that ``answers`` answer completely and
    rightly, by ``answer_rules.check``'s rules: for a caller that must know it before storing, holding no
    session. A questionnaire not read yet is not among them."""
    return answer_rules.complete_for(_by_items.get(answers.items, {}), answers)


async def answer_keys(session: AsyncSession, id: UUID) -> AnswerKeys:
    """The keys of the published questionnaire ``id`` that answers are checked against; 404 when it was
    never received."""
    if (cached := _answer_keys.get(id)) is not None:
        return cached
    keys = _answer_keys[id] = AnswerKeys.of(await get_document(session, id))
    if sum(map(len, _by_items.values())) >= _answer_keys.maxsize:
        _by_items.clear()  # bounded as the keys are; they come back as answers are checked
    _by_items.setdefault(keys.item_set, {})[id] = keys
    return keys


def parse(questionnaire: Questionnaire) -> QuestionnairePublishedV1:
    document = _parsed.get(questionnaire.id)
    if document is None:
        document = QuestionnairePublishedV1.model_validate(questionnaire.document)
        _parsed[questionnaire.id] = document
    return document


async def get(session: AsyncSession, id: UUID) -> QuestionnaireOut:
    return to_out(await get_document(session, id))


async def list_questionnaires(
    session: AsyncSession, *, purpose: QuestionnairePurpose | None, framework_key: str | None
) -> QuestionnaireList:
    found = await QuestionnaireRepository(session).list(purpose=purpose, framework_key=framework_key)
    return QuestionnaireList(
        items=[
            QuestionnaireSummary(
                id=q.id,
                key=q.key,
                version=q.version,
                name=q.name,
                purpose=QuestionnairePurpose(q.purpose),
                framework_key=q.framework_key,
                framework_version=q.framework_version,
                items=len(q.document["items"]),
                published_at=q.published_at,
            )
            for q in found
        ]
    )


async def dimension_names(session: AsyncSession, framework_key: str) -> dict[str, str] | None:
    """The dimensions (key -> name, in order) of the latest version of ``framework_key`` this service
    has received with a questionnaire, or None when it has received none."""
    latest = await QuestionnaireRepository(session).latest_for_framework(framework_key)
    if latest is None:
        return None
    return {d.key: d.name for d in sorted(parse(latest).dimensions, key=lambda d: d.position)}


def to_out(document: QuestionnairePublishedV1) -> QuestionnaireOut:
    return QuestionnaireOut(id=document.questionnaire_id, **document.model_dump(exclude={"questionnaire_id"}))
