from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status

from framework_svc.document_format import format_of, parse_document
from framework_svc.documents_endpoint import document_openapi, export_body
from framework_svc.resources import service as resource_service
from framework_svc.resources.documents import ResourcesDocument
from framework_svc.resources.repository import ResourceFilter
from framework_svc.resources.schemas import ImportResult, ResourceList, ResourceOut, ResourceRefs
from framework_svc.versioning import VersionStatus
from hlm_contracts import ResourceAudience, ResourceKind
from hlm_kit.auth import Admin, CurrentPrincipal
from hlm_kit.db import Session
from hlm_kit.edge import PositiveInt32
from hlm_kit.pagination import Cursor, Limit

router = APIRouter(prefix="/v1/resources", tags=["resources"])


@router.get("", response_model=ResourceList)
async def list_resources(
    session: Session,
    principal: CurrentPrincipal,
    limit: Limit,
    dimension: Annotated[str | None, Query(description="key of a dimension (HLM) or domain (LF2011) served")] = None,
    framework: Annotated[str | None, Query(description="key of the framework whose dimensions are served")] = None,
    kind: ResourceKind | None = None,
    audience: Annotated[
        ResourceAudience | None, Query(description="resources for this audience, and those for all staff")
    ] = None,
    status: Annotated[
        VersionStatus, Query(description="draft and retired: academy_admin only")
    ] = VersionStatus.PUBLISHED,
    cursor: Cursor = None,
) -> ResourceList:
    where = ResourceFilter(status=status, dimension=dimension, framework=framework, kind=kind, audience=audience)
    return await resource_service.list_resources(session, principal, where, cursor=cursor, limit=limit)


@router.get("/export", summary="Export resources as the document the loader reads")
async def export(
    session: Session,
    _: Admin,
    status: VersionStatus = VersionStatus.PUBLISHED,
    format: Literal["yaml", "json"] = "yaml",
) -> Response:
    body, media_type = export_body(await resource_service.export(session, status), format)
    return Response(body, media_type=media_type)


@router.get("/{key}", response_model=ResourceOut)
async def get(
    session: Session,
    principal: CurrentPrincipal,
    key: str,
    version: Annotated[PositiveInt32 | None, Query(description="defaults to the published version")] = None,
) -> ResourceOut:
    return await resource_service.get(session, principal, key, version)


@router.post(
    "",
    response_model=ImportResult,
    openapi_extra=document_openapi(ResourcesDocument),
    summary="Import a resources document as drafts",
)
async def create(request: Request, response: Response, session: Session, _: Admin) -> ImportResult:
    raw = parse_document(await request.body(), format_of(request.headers.get("content-type")))
    result = await resource_service.import_document(session, await resource_service.validate(session, raw))
    if any(item.outcome == "created" for item in result.items):
        response.status_code = status.HTTP_201_CREATED
    return result


@router.post("/publish", response_model=ResourceList, summary="Publish draft versions, announced as one event")
async def publish(session: Session, _: Admin, body: ResourceRefs) -> ResourceList:
    return await resource_service.publish(session, body.resources)


@router.post("/retire", response_model=ResourceList, summary="Retire published versions, announced as one event")
async def retire(session: Session, _: Admin, body: ResourceRefs) -> ResourceList:
    return await resource_service.retire(session, body.resources)
