"""Rules of framework versions: import as draft, publish, retire, read, export."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from cachetools import LRUCache
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from framework_svc.frameworks.documents import (
    KEY_PATTERN,
    DimensionDoc,
    ElementDoc,
    FrameworkDocument,
    IndicatorDoc,
    RatingLevelDoc,
    StageDoc,
)
from framework_svc.frameworks.exceptions import (
    FrameworkInUse,
    FrameworkNotFound,
    InvalidReplacement,
    InvalidTransition,
    VersionNotChangeable,
)
from framework_svc.frameworks.models import (
    Descriptor,
    Dimension,
    Element,
    FrameworkVersion,
    Indicator,
    NotYetBehaviour,
    RatingLevel,
    ReflectiveQuestion,
    Stage,
)
from framework_svc.frameworks.repository import FrameworkRepository, FrameworkVersionRepository, VersionRef
from framework_svc.frameworks.schemas import (
    FrameworkCounts,
    FrameworkList,
    FrameworkSummary,
    FrameworkTree,
    VersionSummary,
)
from framework_svc.questionnaires.repository import QuestionnaireRepository
from framework_svc.versioning import VersionStatus, version_id
from hlm_kit.auth import Principal, Role
from hlm_kit.http_cache import Representation
from hlm_kit.pagination import PlainCursor

# Frameworks are listed in order of key, and the cursor is the last key itself: the gateway hands each
# framework's key to its clients as the framework's position in the list.
FRAMEWORK_CURSOR = PlainCursor(KEY_PATTERN)

PUBLIC_STATUSES = (VersionStatus.PUBLISHED, VersionStatus.RETIRED)
ALL_STATUSES = tuple(VersionStatus)

# Published and retired versions never change, so their rendered JSON is kept. The key carries the
# publication time too: should a version ever be removed and published afresh under the same id
# (a restored backup), the new publication can never be served from the old entry.
_rendered: LRUCache[tuple[object, VersionStatus, object], Representation] = LRUCache(maxsize=64)


def visible_statuses(principal: Principal) -> Sequence[VersionStatus]:
    """Drafts are work in progress of an academy's administrators; everyone else sees the rest."""
    return ALL_STATUSES if principal.has_role(Role.ACADEMY_ADMIN) else PUBLIC_STATUSES


async def list_frameworks(session: AsyncSession, *, cursor: str | None, limit: int) -> FrameworkList:
    """Frameworks that have a published version, each with the one ``get_version`` serves by default.

    A framework with only drafts or only retired versions is not listed, for anyone: its default read
    answers 404, and an admin finds its drafts under its versions."""
    versions = await FrameworkVersionRepository(session).list_latest_published(
        after_key=FRAMEWORK_CURSOR.decode(cursor), limit=limit + 1
    )
    page, next_cursor = FRAMEWORK_CURSOR.page(versions, limit, key=lambda v: v.framework.key)
    items = [
        FrameworkSummary(
            key=v.framework.key,
            name=v.name,
            dimension_label=v.dimension_label,
            latest_version=v.number,
            latest_published_at=v.published_at,
        )
        for v in page
    ]
    return FrameworkList(items=items, next_cursor=next_cursor)


async def list_versions(session: AsyncSession, principal: Principal, key: str) -> list[VersionSummary]:
    versions = await FrameworkVersionRepository(session).list_versions(key, visible=visible_statuses(principal))
    if not versions:
        raise FrameworkNotFound(f"no framework {key!r}")
    return [summarise(v) for v in versions]


async def get_version(session: AsyncSession, principal: Principal, key: str, number: int | None) -> VersionRef:
    version = await FrameworkVersionRepository(session).find_ref(key, number, visible=visible_statuses(principal))
    if version is None:
        if number is None:
            raise FrameworkNotFound(f"framework {key!r} has no published version")
        raise FrameworkNotFound(f"no version {number} of framework {key!r}")
    return version


async def render_tree(session: AsyncSession, version: VersionRef) -> Representation:
    """The whole tree of ``version`` as JSON bytes with their ETag and response headers (cached once
    immutable)."""
    is_immutable = version.status != VersionStatus.DRAFT
    cache_key = (version.id, version.status, version.published_at)
    if is_immutable and (hit := _rendered.get(cache_key)):
        return hit
    tree = await FrameworkVersionRepository(session).get_tree(version.id)
    assert tree is not None
    body = to_tree(tree).model_dump_json().encode()
    rendered = Representation(body)
    if is_immutable:
        _rendered[cache_key] = rendered
    return rendered


async def get_document(session: AsyncSession, key: str, number: int) -> FrameworkDocument:
    repository = FrameworkVersionRepository(session)
    version = await repository.get(key, number, visible=ALL_STATUSES)
    if version is None:
        raise FrameworkNotFound(f"no version {number} of framework {key!r}")
    tree = await repository.get_tree(version.id)
    assert tree is not None
    return to_document(tree)


async def import_document(session: AsyncSession, document: FrameworkDocument) -> tuple[VersionSummary, bool]:
    """Store ``document`` as a draft; return it and whether it replaced an earlier draft. Refused (and
    nothing of it kept) when the version is published or retired, or a draft that questionnaires use.

    A draft may be re-imported as often as its author likes; a published or retired version may not.
    """
    framework = await FrameworkRepository(session).get_or_create(document.key)
    versions = FrameworkVersionRepository(session)
    existing = await versions.get(document.key, document.version, visible=ALL_STATUSES, for_update=True)
    if existing is not None:
        if existing.status != VersionStatus.DRAFT:
            raise VersionNotChangeable(
                f"version {document.version} of {document.key!r} is {existing.status.value}; "
                "import the change as a new version"
            )
        try:
            async with session.begin_nested():
                await session.delete(existing)
                await session.flush()
        except IntegrityError as exc:
            # Only rows that point at the draft (questionnaires built on it, their items) stop its deletion.
            raise VersionNotChangeable(
                f"version {document.version} of {document.key!r} is a draft that questionnaires are built on; "
                "import them on another version first, or import the change as a new version"
            ) from exc
    version = build_version(document, framework_id=framework.id)
    try:
        async with session.begin_nested():
            session.add(version)
            await session.flush()
    except IntegrityError as exc:
        raise VersionNotChangeable(f"version {document.version} of {document.key!r} was changed concurrently") from exc
    await session.refresh(version, ["framework"])
    return summarise(version), existing is not None


async def publish(session: AsyncSession, key: str, number: int) -> VersionSummary:
    version = await _locked(session, key, number)
    if version.status == VersionStatus.RETIRED:
        raise InvalidTransition(f"version {number} of {key!r} is retired and cannot be published again")
    if version.status == VersionStatus.DRAFT:
        version.status, version.published_at = VersionStatus.PUBLISHED, datetime.now(UTC)
        await session.flush()
    return summarise(version)


async def retire(session: AsyncSession, key: str, number: int, *, replaced_by: int | None = None) -> VersionSummary:
    """Retire a published version, naming (optionally) the newer published version that replaces it.

    The only published version of a framework that published questionnaires use is not retired: cycles
    are opened on those questionnaires and read their framework, so it would leave them with none. A
    change is a new version, so the way out is to publish the new version first, then retire this one.
    """
    await FrameworkRepository(session).lock(key=key)
    version = await _locked(session, key, number)
    if version.status == VersionStatus.DRAFT:
        raise InvalidTransition(f"version {number} of {key!r} is a draft: delete or publish it instead")
    if version.status == VersionStatus.PUBLISHED:
        if replaced_by is not None:
            await _check_replacement(session, version, replaced_by)
        else:
            await _check_not_last_in_use(session, version)
        version.status, version.retired_at = VersionStatus.RETIRED, datetime.now(UTC)
        version.replaced_by = replaced_by
        await session.flush()
    return summarise(version)


async def _check_replacement(session: AsyncSession, version: FrameworkVersion, replaced_by: int) -> None:
    key, number = version.framework.key, version.number
    replacement = await FrameworkVersionRepository(session).get(key, replaced_by, visible=ALL_STATUSES)
    if replacement is None or replacement.status != VersionStatus.PUBLISHED or replaced_by <= number:
        found = f"is {replacement.status.value}" if replacement else "does not exist"
        raise InvalidReplacement(
            f"version {replaced_by} of {key!r} {found}: the replacement of version {number} must be a newer "
            f"published version of {key!r}; publish it first"
        )


async def _check_not_last_in_use(session: AsyncSession, version: FrameworkVersion) -> None:
    if await FrameworkVersionRepository(session).count_published(version.framework_id) > 1:
        return
    in_use = await QuestionnaireRepository(session).published_for_framework(version.framework_id)
    if in_use:
        key = version.framework.key
        names = ", ".join(f"{q.key!r} v{q.version}" for q in in_use)
        raise FrameworkInUse(
            f"version {version.number} of {key!r} is its only published version and published questionnaires "
            f"use {key!r} ({names}): retiring it would leave no published {key!r} to open cycles on. Publish a "
            f"replacement version first, then retire this one (naming it with replaced_by=N)"
        )


async def _locked(session: AsyncSession, key: str, number: int) -> FrameworkVersion:
    version = await FrameworkVersionRepository(session).get(key, number, visible=ALL_STATUSES, for_update=True)
    if version is None:
        raise FrameworkNotFound(f"no version {number} of framework {key!r}")
    return version


def summarise(version: FrameworkVersion) -> VersionSummary:
    return VersionSummary(
        id=version.id,
        key=version.framework.key,
        version=version.number,
        status=version.status,
        name=version.name,
        created_at=version.created_at,
        published_at=version.published_at,
        retired_at=version.retired_at,
        replaced_by=version.replaced_by,
    )


def build_version(document: FrameworkDocument, *, framework_id: object) -> FrameworkVersion:
    """The rows of a framework version, built from its (already validated) document."""
    return FrameworkVersion(
        id=version_id("framework", document.key, document.version),
        framework_id=framework_id,
        number=document.version,
        status=VersionStatus.DRAFT,
        name=document.name,
        summary=document.summary,
        dimension_label=document.dimension_label,
        rating_levels=[
            RatingLevel(value=r.value, key=r.key, name=r.name, description=r.description)
            for r in document.rating_levels
        ],
        stages=[Stage(number=s.number, name=s.name, description=s.description) for s in document.stages],
        dimensions=[
            Dimension(
                key=d.key,
                position=position,
                name=d.name,
                summary=d.summary,
                why_it_matters=d.why_it_matters,
                what_it_is_not=d.what_it_is_not,
                audience=d.audience,
                reflective_questions=[
                    ReflectiveQuestion(position=i, text=t) for i, t in enumerate(d.reflective_questions, 1)
                ],
                not_yet_behaviours=[NotYetBehaviour(position=i, text=t) for i, t in enumerate(d.not_yet_behaviours, 1)],
                elements=[
                    Element(
                        key=e.key,
                        position=e_position,
                        name=e.name,
                        descriptors=[Descriptor(position=i, text=t) for i, t in enumerate(e.descriptors, 1)],
                        indicators=[Indicator(stage_number=i.stage, text=i.text) for i in e.indicators],
                    )
                    for e_position, e in enumerate(d.elements, 1)
                ],
            )
            for position, d in enumerate(document.dimensions, 1)
        ],
    )


def to_document(version: FrameworkVersion) -> FrameworkDocument:
    return FrameworkDocument(
        key=version.framework.key,
        version=version.number,
        name=version.name,
        summary=version.summary,
        dimension_label=version.dimension_label,
        rating_levels=[
            RatingLevelDoc(value=r.value, key=r.key, name=r.name, description=r.description)
            for r in version.rating_levels
        ],
        stages=[StageDoc(number=s.number, name=s.name, description=s.description) for s in version.stages],
        dimensions=[
            DimensionDoc(
                key=d.key,
                name=d.name,
                summary=d.summary,
                why_it_matters=d.why_it_matters,
                what_it_is_not=d.what_it_is_not,
                audience=d.audience,
                reflective_questions=[q.text for q in d.reflective_questions],
                not_yet_behaviours=[b.text for b in d.not_yet_behaviours],
                elements=[
                    ElementDoc(
                        key=e.key,
                        name=e.name,
                        descriptors=[x.text for x in e.descriptors],
                        indicators=[IndicatorDoc(stage=i.stage_number, text=i.text) for i in e.indicators],
                    )
                    for e in d.elements
                ],
            )
            for d in version.dimensions
        ],
    )


def to_tree(version: FrameworkVersion) -> FrameworkTree:
    document = to_document(version)
    elements = [e for d in document.dimensions for e in d.elements]
    return FrameworkTree(
        **document.model_dump(),
        id=version.id,
        status=version.status,
        published_at=version.published_at,
        counts=FrameworkCounts(
            dimensions=len(document.dimensions),
            elements=len(elements),
            descriptors=sum(len(e.descriptors) for e in elements),
            stages=len(document.stages),
            indicators=sum(len(e.indicators) for e in elements),
        ),
    )
