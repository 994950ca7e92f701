"""Rules of questionnaires: import against a framework version, publish (with its event), retire."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from framework_svc.database import outbox
from framework_svc.documents_endpoint import reference_errors
from framework_svc.frameworks import service as framework_service
from framework_svc.frameworks.exceptions import (
    FrameworkInUse,
    InvalidReplacement,
    InvalidTransition,
    VersionNotChangeable,
)
from framework_svc.frameworks.repository import FrameworkRepository, FrameworkVersionRepository
from framework_svc.questionnaires.documents import (
    FrameworkRef,
    ImportanceQuestionDoc,
    ItemDoc,
    PerformanceScaleDoc,
    QuestionnaireDocument,
    ScalePointDoc,
)
from framework_svc.questionnaires.exceptions import FrameworkNotPublished, QuestionnaireNotFound
from framework_svc.questionnaires.models import (
    ImportanceQuestion,
    Questionnaire,
    QuestionnaireItem,
    ScalePoint,
)
from framework_svc.questionnaires.repository import QuestionnaireRepository
from framework_svc.questionnaires.schemas import QuestionnaireOut
from framework_svc.versioning import VersionStatus, version_id
from hlm_contracts import QuestionnairePublishedV1
from hlm_contracts.framework import ImportanceQuestion as ImportanceQuestionData
from hlm_contracts.framework import QuestionnaireDimension
from hlm_contracts.framework import QuestionnaireItem as ItemData
from hlm_contracts.framework import ScalePoint as ScaleData
from hlm_kit.auth import Principal


async def get(session: AsyncSession, principal: Principal, id: UUID) -> QuestionnaireOut:
    visible = framework_service.visible_statuses(principal)
    questionnaire = await QuestionnaireRepository(session).get_whole(id, visible=visible)
    if questionnaire is None:
        raise QuestionnaireNotFound(f"no questionnaire {id}")
    return to_out(questionnaire)


async def get_many(session: AsyncSession, principal: Principal, ids: Sequence[UUID]) -> list[QuestionnaireOut]:
    """The visible questionnaires among ``ids``, in the order asked; unknown ids are left out."""
    visible = framework_service.visible_statuses(principal)
    found = {q.id: q for q in await QuestionnaireRepository(session).get_many(ids, visible=visible)}
    return [to_out(found[i]) for i in dict.fromkeys(ids) if i in found]


async def list_for_framework(
    session: AsyncSession, principal: Principal, framework_key: str | None
) -> list[QuestionnaireOut]:
    visible = framework_service.visible_statuses(principal)
    return [
        to_out(q) for q in await QuestionnaireRepository(session).list_for_framework(framework_key, visible=visible)
    ]


async def get_document(session: AsyncSession, id: UUID) -> QuestionnaireDocument:
    questionnaire = await QuestionnaireRepository(session).get_whole(id, visible=tuple(VersionStatus))
    if questionnaire is None:
        raise QuestionnaireNotFound(f"no questionnaire {id}")
    return to_document(questionnaire)


async def import_document(session: AsyncSession, document: QuestionnaireDocument) -> tuple[QuestionnaireOut, bool]:
    """Store ``document`` as a draft after checking it against its framework version."""
    framework_version = await FrameworkVersionRepository(session).get(
        document.framework.key, document.framework.version, visible=tuple(VersionStatus)
    )
    if framework_version is None:
        reference_errors(
            [
                (
                    ["framework"],
                    f"no version {document.framework.version} of framework {document.framework.key!r}",
                )
            ]
        )
        raise AssertionError("unreachable")
    tree = await FrameworkVersionRepository(session).get_tree(framework_version.id)
    assert tree is not None
    dimensions = {d.key: d for d in tree.dimensions}
    problems: list[tuple[list[str | int], str]] = [
        (["items", i, "dimension"], f"unknown dimension {item.dimension!r} in {document.framework.key}")
        for i, item in enumerate(document.items)
        if item.dimension not in dimensions
    ]
    problems += [
        (["importance_questions", i, "dimension"], f"unknown dimension {q.dimension!r}")
        for i, q in enumerate(document.importance_questions)
        if q.dimension not in dimensions
    ]
    asked = {q.dimension for q in document.importance_questions}
    problems += [
        (["importance_questions"], f"no importance question for dimension {key!r}")
        for key in dimensions
        if key not in asked
    ]
    problems += [
        (["items"], f"no item for dimension {key!r}")
        for key in dimensions
        if key not in {item.dimension for item in document.items}
    ]
    reference_errors(problems)

    id = version_id("questionnaire", document.key, document.version)
    repository = QuestionnaireRepository(session)
    existing = await repository.get_whole(id, visible=tuple(VersionStatus), for_update=True)
    if existing is not None:
        if existing.status != VersionStatus.DRAFT:
            raise VersionNotChangeable(
                f"version {document.version} of questionnaire {document.key!r} is {existing.status.value}; "
                "import the change as a new version"
            )
        await session.delete(existing)
        await session.flush()
    questionnaire = Questionnaire(
        id=id,
        key=document.key,
        version=document.version,
        framework_version_id=framework_version.id,
        status=VersionStatus.DRAFT,
        name=document.name,
        purpose=document.purpose,
        instructions=document.instructions,
        not_observed_label=document.performance_scale.not_observed_label,
        items=[
            QuestionnaireItem(
                key=item.key, position=position, text=item.text, dimension_id=dimensions[item.dimension].id
            )
            for position, item in enumerate(document.items, 1)
        ],
        scale_points=[
            ScalePoint(scale="performance", value=p.value, label=p.label) for p in document.performance_scale.points
        ]
        + [ScalePoint(scale="importance", value=p.value, label=p.label) for p in document.importance_scale],
        importance_questions=[
            ImportanceQuestion(position=position, text=q.text, dimension_id=dimensions[q.dimension].id)
            for position, q in enumerate(document.importance_questions, 1)
        ],
    )
    try:
        async with session.begin_nested():
            session.add(questionnaire)
            await session.flush()
    except IntegrityError as exc:
        raise VersionNotChangeable(f"questionnaire {document.key!r} was changed concurrently") from exc
    stored = await repository.get_whole(id, visible=tuple(VersionStatus))
    assert stored is not None
    return to_out(stored), existing is not None


async def publish(session: AsyncSession, id: UUID) -> QuestionnaireOut:
    """Publish a draft; the questionnaire.published event is written in the same transaction."""
    questionnaire = await _locked(session, id)
    if questionnaire.status == VersionStatus.RETIRED:
        raise InvalidTransition(f"questionnaire {id} is retired and cannot be published again")
    if questionnaire.status == VersionStatus.DRAFT:
        framework_version = questionnaire.framework_version
        # Under the framework's lock, and read again: a retirement of this framework version that
        # committed meanwhile must be seen, or the questionnaire would be published on a retired version.
        await FrameworkRepository(session).lock(id=framework_version.framework_id)
        await session.refresh(framework_version, ["status"])
        if framework_version.status != VersionStatus.PUBLISHED:
            raise FrameworkNotPublished(
                f"framework {framework_version.framework.key!r} version {framework_version.number} "
                f"is {framework_version.status.value}; publish it first"
            )
        questionnaire.status, questionnaire.published_at = VersionStatus.PUBLISHED, datetime.now(UTC)
        await outbox.add(session, published_event(questionnaire), subject=str(questionnaire.id))
        await session.flush()
    return to_out(questionnaire)


async def retire(session: AsyncSession, id: UUID, *, replaced_by: UUID | None = None) -> QuestionnaireOut:
    """Retire a published questionnaire, naming (optionally) the published one that replaces it.

    The last published questionnaire of a framework is not retired: it would leave the framework with
    none to open cycles on. Publish its replacement first, then retire this one.
    """
    questionnaire = await _locked(session, id)
    if questionnaire.status == VersionStatus.DRAFT:
        raise InvalidTransition(f"questionnaire {id} is a draft: publish it or import over it instead")
    if questionnaire.status == VersionStatus.PUBLISHED:
        framework_version = questionnaire.framework_version
        await FrameworkRepository(session).lock(id=framework_version.framework_id)
        repository = QuestionnaireRepository(session)
        in_use = [q for q in await repository.published_for_framework(framework_version.framework_id) if q.id != id]
        if replaced_by is not None and replaced_by not in {q.id for q in in_use}:
            raise InvalidReplacement(
                f"questionnaire {replaced_by} is not a published questionnaire of "
                f"{framework_version.framework.key!r} other than {id}: publish the replacement first"
            )
        if not in_use:
            key = framework_version.framework.key
            raise FrameworkInUse(
                f"questionnaire {questionnaire.key!r} v{questionnaire.version} is the last published questionnaire "
                f"of {key!r}: retiring it would leave {key!r} with none to open cycles on. Publish a replacement "
                f"first, then retire this one (naming it with replaced_by=<id>)"
            )
        questionnaire.status, questionnaire.retired_at = VersionStatus.RETIRED, datetime.now(UTC)
        questionnaire.replaced_by_id = replaced_by
        await session.flush()
    return to_out(questionnaire)


async def _locked(session: AsyncSession, id: UUID) -> Questionnaire:
    questionnaire = await QuestionnaireRepository(session).get_whole(id, visible=tuple(VersionStatus), for_update=True)
    if questionnaire is None:
        raise QuestionnaireNotFound(f"no questionnaire {id}")
    return questionnaire


def to_out(questionnaire: Questionnaire) -> QuestionnaireOut:
    data = published_event(questionnaire, published_at=questionnaire.published_at or questionnaire.created_at)
    return QuestionnaireOut(
        id=questionnaire.id,
        status=questionnaire.status,
        created_at=questionnaire.created_at,
        published_at=questionnaire.published_at,
        retired_at=questionnaire.retired_at,
        replaced_by=questionnaire.replaced_by_id,
        **data.model_dump(exclude={"questionnaire_id", "published_at"}),
    )


def published_event(questionnaire: Questionnaire, *, published_at: datetime | None = None) -> QuestionnairePublishedV1:
    """The whole questionnaire as consumers keep it: items, scales, and the framework's dimensions."""
    version = questionnaire.framework_version
    return QuestionnairePublishedV1(
        questionnaire_id=questionnaire.id,
        key=questionnaire.key,
        version=questionnaire.version,
        name=questionnaire.name,
        purpose=questionnaire.purpose,
        framework_key=version.framework.key,
        framework_version=version.number,
        instructions=questionnaire.instructions,
        dimensions=[QuestionnaireDimension(key=d.key, name=d.name, position=d.position) for d in version.dimensions],
        items=[
            ItemData(key=i.key, dimension_key=i.dimension.key, text=i.text, position=i.position)
            for i in questionnaire.items
        ],
        performance_scale=[
            ScaleData(value=p.value, label=p.label) for p in questionnaire.scale_points if p.scale == "performance"
        ],
        not_observed_label=questionnaire.not_observed_label,
        importance_scale=[
            ScaleData(value=p.value, label=p.label) for p in questionnaire.scale_points if p.scale == "importance"
        ],
        importance_questions=[
            ImportanceQuestionData(dimension_key=q.dimension.key, text=q.text)
            for q in questionnaire.importance_questions
        ],
        published_at=published_at or questionnaire.published_at or datetime.now(UTC),
    )


def to_document(questionnaire: Questionnaire) -> QuestionnaireDocument:
    version = questionnaire.framework_version
    return QuestionnaireDocument(
        key=questionnaire.key,
        version=questionnaire.version,
        name=questionnaire.name,
        purpose=questionnaire.purpose,
        framework=FrameworkRef(key=version.framework.key, version=version.number),
        instructions=questionnaire.instructions,
        performance_scale=PerformanceScaleDoc(
            points=[
                ScalePointDoc(value=p.value, label=p.label)
                for p in questionnaire.scale_points
                if p.scale == "performance"
            ],
            not_observed_label=questionnaire.not_observed_label,
        ),
        importance_scale=[
            ScalePointDoc(value=p.value, label=p.label) for p in questionnaire.scale_points if p.scale == "importance"
        ],
        items=[ItemDoc(key=i.key, dimension=i.dimension.key, text=i.text) for i in questionnaire.items],
        importance_questions=[
            ImportanceQuestionDoc(dimension=q.dimension.key, text=q.text) for q in questionnaire.importance_questions
        ],
    )
