from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status

from framework_svc.documents_endpoint import document_openapi, export_body, read_document
from framework_svc.frameworks import service as framework_service
from framework_svc.frameworks.documents import FrameworkDocument
from framework_svc.frameworks.published import Published, PublishedFrameworks
from framework_svc.frameworks.schemas import FrameworkList, FrameworkTree, VersionList, VersionSummary
from framework_svc.versioning import VersionStatus
from hlm_kit.auth import Admin, CurrentPrincipal
from hlm_kit.db import Session, Sessionmaker
from hlm_kit.edge import PositiveInt32
from hlm_kit.http_cache import MemoryRead
from hlm_kit.pagination import Cursor, Limit

router = APIRouter(prefix="/v1/frameworks", tags=["frameworks"])
ReplacedBy = Annotated[
    PositiveInt32 | None, Query(description="the newer published version that replaces the retired one (recorded)")
]


@router.get("", response_model=FrameworkList)
async def list_frameworks(
    session: Session,
    principal: CurrentPrincipal,
    limit: Limit,
    cursor: Cursor = None,
) -> FrameworkList:
    return await framework_service.list_frameworks(session, cursor=cursor, limit=limit)


@router.get("/{key}", response_model=FrameworkTree, responses={304: {"description": "Not modified"}})
async def get(
    request: Request,
    principal: CurrentPrincipal,
    published: Published,
    sessionmaker: Sessionmaker,
    key: str,
    version: Annotated[PositiveInt32 | None, Query(description="defaults to the latest published version")] = None,
) -> Response:
    # The catalogue's hot path: a version this process already rendered costs no database round trip, no
    # encoding and no header building, and a conditional request for it compares two strings. Only a miss
    # opens a session.
    rendered = published.get(key, version)
    if rendered is None:
        generation = published.generation
        async with sessionmaker() as session:
            found = await framework_service.get_version(session, principal, key, version)
            rendered = await framework_service.render_tree(session, found)
        if found.status != VersionStatus.DRAFT:
            published.put(generation, key, version, rendered)
    return rendered.respond(request)


def memory_reads(published: PublishedFrameworks) -> list[MemoryRead]:
    """A read of a framework's latest published version that this process holds is answered before routing
    (what :func:`get` would answer from ``published``, without resolving its dependencies)."""
    return [MemoryRead.of(router, get, lambda _caller, params: published.get(params["key"], None))]


@router.get("/{key}/versions", response_model=VersionList)
async def list_versions(session: Session, principal: CurrentPrincipal, key: str) -> VersionList:
    return VersionList(items=await framework_service.list_versions(session, principal, key))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=VersionSummary,
    openapi_extra=document_openapi(FrameworkDocument),
    summary="Import a framework document as a draft version",
)
async def create(request: Request, response: Response, session: Session, _: Admin) -> VersionSummary:
    document = await read_document(request, FrameworkDocument)
    summary, replaced = await framework_service.import_document(session, document)
    if replaced:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/v1/frameworks/{summary.key}?version={summary.version}"
    return summary


@router.post("/{key}/versions/{version}/publish", response_model=VersionSummary)
async def publish(session: Session, published: Published, _: Admin, key: str, version: PositiveInt32) -> VersionSummary:
    published.invalidate_on_commit(session)
    return await framework_service.publish(session, key, version)


@router.post("/{key}/versions/{version}/retire", response_model=VersionSummary)
async def retire(
    session: Session,
    published: Published,
    _: Admin,
    key: str,
    version: PositiveInt32,
    replaced_by: ReplacedBy = None,
) -> VersionSummary:
    published.invalidate_on_commit(session)
    return await framework_service.retire(session, key, version, replaced_by=replaced_by)


@router.get("/{key}/versions/{version}/export", summary="Export a version as the document the loader reads")
async def export(
    session: Session,
    _: Admin,
    key: str,
    version: PositiveInt32,
    format: Literal["yaml", "json"] = "yaml",
) -> Response:
    document = await framework_service.get_document(session, key, version)
    body, media_type = export_body(document, format)
    return Response(body, media_type=media_type)
