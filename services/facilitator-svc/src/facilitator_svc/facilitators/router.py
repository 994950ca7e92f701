from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import StringConstraints

from facilitator_svc.clock import Now
from facilitator_svc.config import AppSettings
from facilitator_svc.csv_files import CSV_MEDIA_TYPE, read_body
from facilitator_svc.facilitators import register_csv
from facilitator_svc.facilitators import service as facilitator_service
from facilitator_svc.facilitators.schemas import (
    FacilitatorIn,
    FacilitatorList,
    FacilitatorOut,
    FacilitatorPatch,
    ImportResult,
    SpecialismList,
    SpecialismOut,
)
from facilitator_svc.vocabulary import SPECIALISMS, FacilitatorStatus
from hlm_kit.auth import Admin, AdminOrFacilitator, CurrentPrincipal
from hlm_kit.db import Session
from hlm_kit.pagination import Cursor, Ids, page_limit

router = APIRouter(tags=["register"])


@router.get("/v1/specialisms", response_model=SpecialismList, summary="The specialisms a facilitator may list")
async def list_specialisms(_: CurrentPrincipal) -> SpecialismList:
    return SpecialismList(items=[SpecialismOut(key=k, label=v) for k, v in SPECIALISMS.items()])


@router.post("/v1/facilitators", status_code=status.HTTP_201_CREATED, response_model=FacilitatorOut)
async def create(
    response: Response, session: Session, principal: Admin, body: FacilitatorIn, settings: AppSettings, now: Now
) -> FacilitatorOut:
    facilitator = await facilitator_service.create(session, principal, body, settings, now)
    response.headers["Location"] = f"/v1/facilitators/{facilitator.id}"
    return facilitator


@router.get("/v1/facilitators", response_model=FacilitatorList, summary="The facilitators of your region")
async def list_facilitators(
    session: Session,
    principal: Admin,
    settings: AppSettings,
    now: Now,
    limit: Annotated[int, page_limit(default=100, maximum=500)],
    ids: Ids,
    q: Annotated[
        str | None,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
        Query(description="those whose name or organisation code contains this, whatever the case"),
    ] = None,
    status: Annotated[FacilitatorStatus | None, Query(description="those with this status")] = None,
    cursor: Cursor = None,
) -> FacilitatorList:
    return await facilitator_service.list_region(
        session, principal, settings, now, cursor=cursor, limit=limit, ids=ids, containing=q, status=status
    )


@router.get(
    "/v1/facilitators/export",
    response_class=Response,
    responses={200: {"content": {CSV_MEDIA_TYPE: {}}, "description": "The register of your region as CSV"}},
)
async def export(session: Session, principal: Admin) -> Response:
    body = await facilitator_service.export_csv(session, principal)
    return Response(
        body,
        media_type=f"{CSV_MEDIA_TYPE}; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="facilitators.csv"'},
    )


@router.post(
    "/v1/facilitators/import",
    response_model=ImportResult,
    summary="Create or update facilitators from a CSV file; nothing is stored when any row is wrong",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}, "example": ",".join(register_csv.COLUMNS)}},
        }
    },
)
async def import_register(
    request: Request, session: Session, principal: Admin, settings: AppSettings, now: Now
) -> ImportResult:
    body = await read_body(request, max_bytes=settings.register_import_max_bytes, what="the register")
    return await facilitator_service.import_csv(session, principal, body, settings, now)


@router.get("/v1/facilitators/me", response_model=FacilitatorOut, summary="Your own profile, as a facilitator")
async def get_own(session: Session, principal: AdminOrFacilitator, settings: AppSettings, now: Now) -> FacilitatorOut:
    return await facilitator_service.get_own(session, principal, settings, now)


@router.get("/v1/facilitators/{id}", response_model=FacilitatorOut)
async def get(
    session: Session, principal: AdminOrFacilitator, id: UUID, settings: AppSettings, now: Now
) -> FacilitatorOut:
    return await facilitator_service.get(session, principal, id, settings, now)


@router.patch("/v1/facilitators/{id}", response_model=FacilitatorOut)
async def update(
    session: Session, principal: AdminOrFacilitator, id: UUID, body: FacilitatorPatch, settings: AppSettings, now: Now
) -> FacilitatorOut:
    return await facilitator_service.update(session, principal, id, body, settings, now)
