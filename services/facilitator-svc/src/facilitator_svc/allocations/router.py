from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, BackgroundTasks, Request, Response, status

from facilitator_svc.allocations import service as allocation_service
from facilitator_svc.allocations.schemas import AllocationIn, AllocationList, AllocationOut, AllocationSummary
from facilitator_svc.clock import Now
from facilitator_svc.config import AppSettings
from hlm_kit.auth import Admin
from hlm_kit.db import Session
from hlm_kit.idempotency import IdempotencyKey
from hlm_kit.pagination import Cursor, page_limit

router = APIRouter(prefix="/v1/allocations", tags=["cohort allocation"])


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=AllocationSummary,
    summary="Allocate a cohort to the region's facilitators: a job whose progress you poll",
)
async def create(
    request: Request,
    response: Response,
    background_tasks: BackgroundTasks,
    session: Session,
    principal: Admin,
    body: AllocationIn,
    settings: AppSettings,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> AllocationSummary:
    allocation, is_new = await allocation_service.request(
        session, principal, body, settings, now, idempotency_key=idempotency_key
    )
    response.headers["Location"] = f"/v1/allocations/{allocation.id}"
    if is_new:
        worker = getattr(request.app.state, "allocation_worker", None)
        if worker is not None:
            # After the response, so after the request's commit: woken earlier, the worker would find
            # nothing queued and sleep until its next poll.
            background_tasks.add_task(worker.wake)
    else:
        response.headers["Idempotent-Replayed"] = "true"
    return allocation


@router.get("", response_model=AllocationList)
async def list_allocations(
    session: Session,
    principal: Admin,
    limit: Annotated[int, page_limit(default=50, maximum=500)],
    cursor: Cursor = None,
) -> AllocationList:
    return await allocation_service.list_region(session, principal, cursor=cursor, limit=limit)


@router.get("/{id}", response_model=AllocationOut, summary="Progress, and once solved the proposal with its reasons")
async def get(session: Session, principal: Admin, id: UUID) -> AllocationOut:
    return await allocation_service.get(session, principal, id)


@router.post("/{id}/confirm", response_model=AllocationOut, summary="Book every proposed session")
async def confirm(session: Session, principal: Admin, id: UUID, settings: AppSettings, now: Now) -> AllocationOut:
    return await allocation_service.confirm(session, principal, id, settings, now)


@router.post("/{id}/discard", response_model=AllocationOut)
async def discard(session: Session, principal: Admin, id: UUID) -> AllocationOut:
    return await allocation_service.discard(session, principal, id)
