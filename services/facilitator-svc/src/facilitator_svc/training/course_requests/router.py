from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Response, status

from facilitator_svc.clock import Now
from facilitator_svc.config import AppSettings
from facilitator_svc.training.course_requests import schemas
from facilitator_svc.training.course_requests import service as course_request_service
from facilitator_svc.training.course_requests.models import CourseRequestStatus
from hlm_kit.auth import Admin, AdminOrPartner, Partner
from hlm_kit.db import Session
from hlm_kit.idempotency import IdempotencyKey
from hlm_kit.pagination import Cursor, page_limit

router = APIRouter(prefix="/v1/course-requests", tags=["training"])

# The organisation's lead who asked, or an administrator of the region asked.
PageLimit = Annotated[int, page_limit(default=50, maximum=500)]
ANSWERED: dict[int | str, dict[str, Any]] = {409: {"description": "The request was scheduled or declined already"}}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.CourseRequestOut,
    summary="Ask the academy for an internal facilitator training course for your organisation's staff",
)
async def create(
    response: Response,
    session: Session,
    principal: Partner,
    body: schemas.CourseRequestIn,
    settings: AppSettings,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> schemas.CourseRequestOut:
    request, is_new = await course_request_service.submit(
        session, principal, body, settings, now, idempotency_key=idempotency_key
    )
    response.headers["Location"] = f"/v1/course-requests/{request.id}"
    if not is_new:
        response.headers["Idempotent-Replayed"] = "true"
    return request


@router.get(
    "",
    response_model=schemas.CourseRequestList,
    summary="Requests to your region (administrators) or from your organisation (partners), in the order they came",
)
async def list_requests(
    session: Session,
    principal: AdminOrPartner,
    limit: PageLimit,
    status: CourseRequestStatus | None = None,
    cursor: Cursor = None,
) -> schemas.CourseRequestList:
    return await course_request_service.list_region(session, principal, status=status, cursor=cursor, limit=limit)


@router.get("/{id}", response_model=schemas.CourseRequestOut)
async def get(session: Session, principal: AdminOrPartner, id: UUID) -> schemas.CourseRequestOut:
    return await course_request_service.get(session, principal, id)


@router.post(
    "/{id}/schedule",
    response_model=schemas.ScheduledOut,
    summary="Answer the request with a facilitator training course for the organisation",
    responses=ANSWERED,
)
async def schedule(
    session: Session, principal: Admin, id: UUID, body: schemas.ScheduleIn, settings: AppSettings, now: Now
) -> schemas.ScheduledOut:
    return await course_request_service.schedule(session, principal, id, body, settings, now)


@router.post(
    "/{id}/decline",
    response_model=schemas.CourseRequestOut,
    summary="Decline the request, saying why",
    responses=ANSWERED,
)
async def decline(
    session: Session, principal: Admin, id: UUID, body: schemas.DeclineIn, now: Now
) -> schemas.CourseRequestOut:
    return await course_request_service.decline(session, principal, id, body, now)
