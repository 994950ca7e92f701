"""Rules of development resources: import as drafts, publish (with its event), retire, read, export."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from framework_svc.database import outbox
from framework_svc.documents_endpoint import validate_document
from framework_svc.frameworks.documents import KEY_PATTERN
from framework_svc.frameworks.exceptions import InvalidTransition, VersionNotChangeable
from framework_svc.frameworks.repository import FrameworkVersionRepository
from framework_svc.frameworks.service import ALL_STATUSES, visible_statuses
from framework_svc.resources.documents import (
    CATALOGUE,
    CostDoc,
    PublishedFramework,
    ResourceDoc,
    ResourcesDocument,
    TargetDoc,
)
from framework_svc.resources.exceptions import ResourceNotFound
from framework_svc.resources.models import Resource, ResourceTarget
from framework_svc.resources.repository import ResourceFilter, ResourceRepository
from framework_svc.resources.schemas import Imported, ImportResult, ResourceList, ResourceOut, ResourceRef
from framework_svc.versioning import VersionStatus, version_id
from hlm_contracts import PublishedResource, ResourceCost, ResourcesPublishedV1
from hlm_contracts import ResourceTarget as TargetData
from hlm_kit.auth import Principal, Role
from hlm_kit.errors import Forbidden
from hlm_kit.pagination import BadCursor, PlainCursor

# The subject of every resources event: the event is about the published set, not one resource.
EVENT_SUBJECT = "resources"


async def published_catalogue(session: AsyncSession) -> dict[str, PublishedFramework]:
    """What resources may name: each framework's latest published version, its dimensions and levels."""
    versions = await FrameworkVersionRepository(session).list_latest_published_outlines()
    return {
        v.framework.key: PublishedFramework(
            key=v.framework.key,
            dimensions=frozenset(d.key for d in v.dimensions),
            levels=tuple(r.key for r in v.rating_levels),
        )
        for v in versions
    }


async def validate(session: AsyncSession, raw: Any) -> ResourcesDocument:
    """Validate a parsed document against the published catalogue; 422 listing every problem."""
    return validate_document(raw, ResourcesDocument, context={CATALOGUE: await published_catalogue(session)})


async def import_document(session: AsyncSession, document: ResourcesDocument) -> ImportResult:
    """Store each resource of ``document`` as a draft; all or nothing.

    A draft is overwritten as often as its author likes. A published or retired version is left alone
    when the document carries it unchanged (an export imported again), and refused when it differs:
    a change is a new version.
    """
    repository = ResourceRepository(session)
    existing = {
        doc.key: await repository.get(doc.key, doc.version, visible=ALL_STATUSES, for_update=True)
        for doc in document.resources
    }
    changed = [
        f"resource {doc.key} v{doc.version} is {found.status.value} with different content"
        for doc in document.resources
        if (found := existing[doc.key]) is not None
        and found.status != VersionStatus.DRAFT
        and to_document_entry(found) != doc
    ]
    if changed:
        raise VersionNotChangeable(f"{'; '.join(changed)}: a change is a new version of the resource")
    items: list[Imported] = []
    try:
        async with session.begin_nested():
            for doc in document.resources:
                found = existing[doc.key]
                if found is not None and (found.status != VersionStatus.DRAFT or to_document_entry(found) == doc):
                    items.append(Imported(key=doc.key, version=doc.version, status=found.status, outcome="unchanged"))
                    continue
                if found is not None:
                    await session.delete(found)
                    await session.flush()
                session.add(build_resource(doc))
                outcome = "created" if found is None else "replaced"
                items.append(Imported(key=doc.key, version=doc.version, status=VersionStatus.DRAFT, outcome=outcome))
            await session.flush()
    except IntegrityError as exc:
        raise VersionNotChangeable("a resource of the document was imported concurrently; try again") from exc
    return ImportResult(items=items)


async def publish(session: AsyncSession, refs: Sequence[ResourceRef]) -> ResourceList:
    """Publish drafts; each retires the published version of its resource that it replaces. The whole
    published set is announced in one event, written in the same transaction."""
    repository = ResourceRepository(session)
    await repository.lock_publications()
    now, changed, resources = datetime.now(UTC), False, []
    for ref in refs:
        resource = await _locked(repository, ref)
        if resource.status == VersionStatus.RETIRED:
            raise InvalidTransition(f"resource {ref.key!r} v{ref.version} is retired and cannot be published again")
        if resource.status == VersionStatus.DRAFT:
            current = await repository.get_published(ref.key, for_update=True)
            if current is not None:
                if current.version > ref.version:
                    raise InvalidTransition(
                        f"resource {ref.key!r} v{current.version} is published: an older version cannot replace it"
                    )
                current.status, current.retired_at, current.replaced_by = VersionStatus.RETIRED, now, ref.version
                # Retired before the new version is published: the database holds one published version.
                await session.flush()
            resource.status, resource.published_at = VersionStatus.PUBLISHED, now
            await session.flush()
            changed = True
        resources.append(resource)
    return await _finish(session, repository, resources, changed=changed, at=now)


async def retire(session: AsyncSession, refs: Sequence[ResourceRef]) -> ResourceList:
    """Retire published resources: reports and journals stop pointing to them."""
    repository = ResourceRepository(session)
    await repository.lock_publications()
    now, changed, resources = datetime.now(UTC), False, []
    for ref in refs:
        resource = await _locked(repository, ref)
        if resource.status == VersionStatus.DRAFT:
            raise InvalidTransition(f"resource {ref.key!r} v{ref.version} is a draft: publish it or import over it")
        if resource.status == VersionStatus.PUBLISHED:
            resource.status, resource.retired_at = VersionStatus.RETIRED, now
            changed = True
        resources.append(resource)
    return await _finish(session, repository, resources, changed=changed, at=now)


async def _finish(
    session: AsyncSession, repository: ResourceRepository, resources: list[Resource], *, changed: bool, at: datetime
) -> ResourceList:
    if changed:
        await session.flush()
        published = await repository.list_by_status(VersionStatus.PUBLISHED)
        await outbox.add(session, published_event(published, changed_at=at), subject=EVENT_SUBJECT)
    return ResourceList(items=[to_out(r) for r in resources])


async def _locked(repository: ResourceRepository, ref: ResourceRef) -> Resource:
    resource = await repository.get(ref.key, ref.version, visible=ALL_STATUSES, for_update=True)
    if resource is None:
        raise ResourceNotFound(f"no version {ref.version} of resource {ref.key!r}")
    return resource


def _check_may_see(principal: Principal, status: VersionStatus) -> None:
    if status != VersionStatus.PUBLISHED and not principal.has_role(Role.ACADEMY_ADMIN):
        raise Forbidden(f"only academy administrators list {status.value} resources")


# The list is ordered by key and version, and its cursor is the last item's ``key:version`` as it stands:
# the gateway gives each of its edges that cursor. Checked like any other (keys hold no colon).
RESOURCE_CURSOR = PlainCursor(KEY_PATTERN.removesuffix("$") + r":[1-9][0-9]{0,9}$")


def _after(cursor: str | None) -> tuple[str, int] | None:
    decoded = RESOURCE_CURSOR.decode(cursor)
    if decoded is None:
        return None
    key, _, version = decoded.rpartition(":")
    if int(version) >= 2**31:
        raise BadCursor()
    return key, int(version)


async def list_resources(
    session: AsyncSession, principal: Principal, where: ResourceFilter, *, cursor: str | None, limit: int
) -> ResourceList:
    _check_may_see(principal, where.status)
    found = await ResourceRepository(session).list_filtered(where, after=_after(cursor), limit=limit + 1)
    page, next_cursor = RESOURCE_CURSOR.page(found, limit, key=lambda r: f"{r.key}:{r.version}")
    return ResourceList(items=[to_out(r) for r in page], next_cursor=next_cursor)


async def get(session: AsyncSession, principal: Principal, key: str, version: int | None) -> ResourceOut:
    repository = ResourceRepository(session)
    if version is None:
        resource = await repository.get_published(key)
        if resource is None:
            raise ResourceNotFound(f"resource {key!r} has no published version")
    else:
        resource = await repository.get(key, version, visible=visible_statuses(principal))
        if resource is None:
            raise ResourceNotFound(f"no version {version} of resource {key!r}")
    return to_out(resource)


async def export(session: AsyncSession, status: VersionStatus) -> ResourcesDocument:
    resources = await ResourceRepository(session).list_by_status(status)
    if not resources:
        raise ResourceNotFound(f"no {status.value} resources to export")
    return ResourcesDocument(resources=[to_document_entry(r) for r in resources])


def build_resource(doc: ResourceDoc) -> Resource:
    return Resource(
        id=version_id("resource", doc.key, doc.version),
        key=doc.key,
        version=doc.version,
        status=VersionStatus.DRAFT,
        title=doc.title,
        kind=doc.kind.value,
        description=doc.description,
        provider=doc.provider,
        authors=list(doc.authors),
        year=doc.year,
        link=doc.link,
        format=doc.format.value,
        duration_minutes=doc.duration_minutes,
        cost_amount=doc.cost.amount if doc.cost else None,
        cost_currency=doc.cost.currency if doc.cost else None,
        audiences=[a.value for a in doc.audiences],
        targets=[
            ResourceTarget(
                position=position, framework_key=t.framework, dimension_key=t.dimension, from_levels=list(t.from_levels)
            )
            for position, t in enumerate(doc.serves, 1)
        ],
    )


def _entry_fields(resource: Resource) -> dict[str, Any]:
    cost = None
    if resource.cost_amount is not None and resource.cost_currency is not None:
        cost = CostDoc(amount=resource.cost_amount, currency=resource.cost_currency)
    return {
        "key": resource.key,
        "version": resource.version,
        "title": resource.title,
        "kind": resource.kind,
        "description": resource.description,
        "provider": resource.provider,
        "authors": list(resource.authors),
        "year": resource.year,
        "link": resource.link,
        "format": resource.format,
        "duration_minutes": resource.duration_minutes,
        "cost": cost,
        "audiences": list(resource.audiences),
        "serves": [
            TargetDoc(framework=t.framework_key, dimension=t.dimension_key, from_levels=list(t.from_levels))
            for t in resource.targets
        ],
    }


def to_document_entry(resource: Resource) -> ResourceDoc:
    return ResourceDoc.model_validate(_entry_fields(resource))


def to_out(resource: Resource) -> ResourceOut:
    return ResourceOut.model_validate(
        {
            **_entry_fields(resource),
            "status": resource.status,
            "created_at": resource.created_at,
            "published_at": resource.published_at,
            "retired_at": resource.retired_at,
            "replaced_by": resource.replaced_by,
        }
    )


def published_event(resources: Sequence[Resource], *, changed_at: datetime) -> ResourcesPublishedV1:
    """The whole published set, as consumers keep it beside their dimensions."""
    return ResourcesPublishedV1(
        resources=[
            PublishedResource(
                key=r.key,
                version=r.version,
                title=r.title,
                kind=r.kind,
                description=r.description,
                provider=r.provider,
                authors=list(r.authors),
                year=r.year,
                link=r.link,
                format=r.format,
                duration_minutes=r.duration_minutes,
                cost=ResourceCost(amount=r.cost_amount, currency=r.cost_currency)
                if r.cost_amount is not None and r.cost_currency is not None
                else None,
                audiences=list(r.audiences),
                serves=[
                    TargetData(framework_key=t.framework_key, dimension_key=t.dimension_key, from_levels=t.from_levels)
                    for t in r.targets
                ],
                published_at=r.published_at or changed_at,
            )
            for r in resources
        ],
        changed_at=changed_at,
    )
